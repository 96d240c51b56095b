/**
 * `replay-fuzz rerun` runs each record with what produced and judged it:
 * two-model findings of an explore campaign still fail with the checker
 * that found them; an implementation's failures still fail until the
 * implementation is fixed; a record whose tools are gone or unrecorded is
 * never "fixed"; a damaged record is one line naming the file and record.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { fixture, ROOT } from '../../helpers.js';

const BIN = join(ROOT, 'dist', 'bin', 'replay-fuzz.js');
const RENDER = join(ROOT, 'dist', 'scripts', 'peering-render.js');
const fuzz = (args: readonly string[], cwd: string) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, TMPDIR: cwd } });
const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'rerun-faithful-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** An implementation under test as a user has one: a script of theirs, here starting `command`. */
function writeImpl(path: string, command: readonly string[]): void {
  writeFileSync(path, `#!/bin/sh\nexec ${command.map((w) => `'${w}'`).join(' ')} "$@"\n`);
  chmodSync(path, 0o755);
}

const index = (dir: string) => JSON.parse(readFileSync(join(dir, 'failures.json'), 'utf8')) as Record<string, unknown>[];

describe('replay-fuzz rerun: the same producer and checker', () => {
  it('an explore campaign under --model both: every record still fails with the checker that found it; ours as cpp accepts them', (t) => {
    const dir = tempDir(t);
    const run = fuzz(['--profile', 'explore', '--model', 'both', '--campaign-seed', '12', '--cycles', '5', '--event-range', '32', '80', '--save-failure-traces', 'out', '--no-progress'], dir);
    assert.equal(run.status, 1, run.stderr);
    const records = index(join(dir, 'out'));
    assert.ok(records.length >= 3, `${records.length} records`);
    for (const r of records) assert.deepEqual(r.tools, { engine: 'in-process', profile: 'explore', model: 'both', compare: 'lean', require_image_invariant: false, generator: null, replayer: null, implementation: null });

    const again = fuzz(['rerun', 'out'], dir);
    assert.equal(again.status, 1, again.stdout + again.stderr);
    assert.equal(count(again.stdout, /^still fails: /gm), records.length);
    assert.equal(count(again.stdout, /^ {2}checked by: in-process, model both$/gm), records.length);
    assert.equal(count(again.stdout, /^fixed: /gm), 0);
    assert.match(again.stdout, new RegExp(`\\n${records.length} of ${records.length} recorded failure\\(s\\) still fail`));

    const cpp = fuzz(['rerun', 'out', '--model', 'cpp'], dir);
    assert.equal(cpp.status, 0, cpp.stdout + cpp.stderr);
    assert.equal(count(cpp.stdout, /^fixed: .*\(checked by: in-process, model cpp\)$/gm), records.length);
  });

  it('an --impl campaign: its failures still fail until the implementation is fixed, and cannot be rerun once it is gone', (t) => {
    const dir = tempDir(t);
    const impl = join(dir, 'my-impl.sh');
    writeImpl(impl, [process.execPath, fixture('protocol/corrupt-field-impl.js')]);
    const run = fuzz(['--profile', 'lean-core', '--impl', impl, '--campaign-seed', '4', '--cycles', '3', '--event-range', '8', '20', '--save-failure-traces', 'out', '--no-progress'], dir);
    assert.equal(run.status, 1, run.stderr);
    const records = index(join(dir, 'out'));
    assert.equal(records.length, 3);
    assert.deepEqual((records[0]!.tools as { implementation: unknown }).implementation, { file: impl, args: [] });

    const broken = fuzz(['rerun', 'out'], dir);
    assert.equal(broken.status, 1, broken.stdout + broken.stderr);
    assert.equal(count(broken.stdout, /^still fails: .*the checker rejected the implementation's trace/gm), 3);
    assert.equal(count(broken.stdout, new RegExp(`^ {2}checked by: implementation ${impl.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}, checker `, 'gm')), 3);

    writeImpl(impl, [process.execPath, RENDER, '--model', 'cpp']);
    const fixed = fuzz(['rerun', 'out'], dir);
    assert.equal(fixed.status, 0, fixed.stdout + fixed.stderr);
    assert.equal(count(fixed.stdout, /^fixed: /gm), 3);

    rmSync(impl);
    const gone = fuzz(['rerun', 'out'], dir);
    assert.equal(gone.status, 3, gone.stdout + gone.stderr);
    assert.equal(count(gone.stdout, /^cannot rerun: .*the recorded implementation cannot run again: .*my-impl\.sh no longer exists/gm), 3);
    assert.match(gone.stdout, /\n0 of 3 recorded failure\(s\) still fail; 3 could not be run again/);
  });

  it('a record without its tools is never called fixed; naming a checker runs it', (t) => {
    const dir = tempDir(t);
    assert.equal(fuzz(['--profile', 'explore', '--campaign-seed', '11', '--cycles', '2', '--event-range', '32', '60', '--save-failure-traces', 'out', '--no-progress'], dir).status, 1);
    const records = index(join(dir, 'out')).map(({ tools: _tools, ...rest }) => rest);
    writeFileSync(join(dir, 'out', 'failures.json'), JSON.stringify(records));
    const unknown = fuzz(['rerun', 'out'], dir);
    assert.equal(unknown.status, 3, unknown.stdout + unknown.stderr);
    assert.equal(count(unknown.stdout, /^cannot rerun: .*does not say what judged it/gm), records.length);
    const named = fuzz(['rerun', 'out', '--model', 'both'], dir);
    assert.equal(named.status, 1, named.stdout + named.stderr);
  });

  const tampered: [string, (r: Record<string, any>) => void, RegExp][] = [
    ['an unknown profile', (r) => (r.config.profile = 'bogus'), /record \[0\]: config\.profile "bogus" is not a profile \(full, lean-core, explore\)$/],
    ['a negative event count', (r) => (r.config.event = -5), /record \[0\]: config\.event -5 is not an event count/],
    ['an event count that is a string', (r) => (r.config.event = 'abc'), /record \[0\]: config\.event "abc" is not an event count/],
    ['a seed that is not a uint64', (r) => (r.config.seed = '-1'), /record \[0\]: config\.seed "-1" is not a uint64/],
    ['a model of the wrong type', (r) => (r.tools.model = 7), /record \[0\]: tools\.model 7 is not a model/],
    ['a command without a program', (r) => (r.tools.replayer = { args: [] }), /record \[0\]: tools\.replayer .* is not null or a command/],
    ['a record that is a list', (r) => Object.assign(r, { config: [] }), /record \[0\]: config \[\] is not an object/],
  ];
  it('a damaged record is an error in one line naming the file and the record (exit 2)', (t) => {
    const dir = tempDir(t);
    assert.equal(fuzz(['--profile', 'explore', '--campaign-seed', '11', '--cycles', '1', '--event-range', '32', '60', '--save-failure-traces', 'out', '--no-progress'], dir).status, 1);
    const good = readFileSync(join(dir, 'out', 'failures.json'), 'utf8');
    for (const [what, damage, message] of tampered) {
      const records = JSON.parse(good) as Record<string, any>[];
      damage(records[0]!);
      writeFileSync(join(dir, 'out', 'failures.json'), JSON.stringify(records));
      const r = fuzz(['rerun', 'out'], dir);
      assert.equal(r.status, 2, `${what}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stdout, '', what);
      assert.match(r.stderr, /^replay-fuzz: [^\n]*failures\.json: [^\n]*\n$/, what);
      assert.match(r.stderr.trimEnd(), message, what);
    }
  });
});
