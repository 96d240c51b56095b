/**
 * `replay-fuzz merge` given tampered shard reports: a doubled shard under
 * another label, a failure filed under the wrong shard, counts as strings,
 * members of the wrong type, HTML in values. Each problem is one line
 * naming its file, and the exit status is 2; nothing hostile reaches a page.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixture, ROOT } from '../../helpers.js';

const BIN = join(ROOT, 'dist', 'bin', 'replay-fuzz.js');
const STEP_LIMIT = ['--replayer', join(fixture('fuzz'), 'step-limit-checker.js'), '--replayer-arg', '5'];

type Json = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

let dir = '';
const run = (args: readonly string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, TMPDIR: dir }, timeout: 120_000 });
const read = (name: string): Json => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Json;
function tampered(name: string, from: string, change: (r: Json) => void): string {
  const r = read(from);
  change(r);
  writeFileSync(join(dir, name), JSON.stringify(r, null, 2));
  return name;
}
const merge = (...args: string[]) => run(['merge', ...args]);
/** stderr lines that report a problem (not the closing tally). */
const problemLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l !== '' && !/ cycles from \d+ report\(s\)/.test(l));
const shards = ['s1.json', 's2.json', 's3.json'];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'merge-hostile-test-'));
  for (const i of [1, 2, 3]) {
    const r = run([...STEP_LIMIT, '--campaign-seed', '1', '--cycles', '9', '--event-range', '2', '8', '--shard', `${i}/3`, '--report', `s${i}.json`, '--no-progress']);
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
  }
  assert.ok(read('s1.json').failures.length > 0 && read('s2.json').cycles.passed > 0, 'shard 1 has a failure, shard 2 a passed cycle');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('merge of tampered shard reports', () => {
  it('the real shards merge as complete (the baseline)', () => {
    const m = merge(...shards);
    assert.equal(m.status, 1, m.stderr);
    assert.deepEqual(problemLines(m.stderr), []);
    const r = JSON.parse(m.stdout) as Json;
    assert.equal(r.complete, true);
    assert.equal(r.cycles.run, 9);
  });

  it('a doubled shard relabelled "01/3" is refused: not complete, exit 2, the file named', () => {
    const copy = tampered('s1-again.json', 's1.json', (r) => (r.config.shard = '01/3'));
    const m = merge(...shards, copy);
    assert.equal(m.status, 2, m.stderr);
    const lines = problemLines(m.stderr);
    assert.ok(lines.length > 0 && lines.every((l) => /^replay-fuzz merge: \S+\.json/.test(l)), m.stderr);
    assert.ok(lines.some((l) => l.includes('s1-again.json') && /01\/3/.test(l)), m.stderr);
    assert.equal((JSON.parse(m.stdout) as Json).complete, false);
  });

  it('shard 1 filed again as shard 3 (in place of the real one) is refused: its cycles are not shard 3\'s', () => {
    const copy = tampered('s1-as-3.json', 's1.json', (r) => (r.config.shard = '3/3'));
    const m = merge('s1.json', 's2.json', copy);
    assert.equal(m.status, 2, m.stderr);
    assert.ok(problemLines(m.stderr).some((l) => l.startsWith(`replay-fuzz merge: ${copy}: `)), m.stderr);
    assert.equal((JSON.parse(m.stdout) as Json).complete, false);
  });

  it('a copy differing only in its label is a duplicate, with or without failures', () => {
    const passing = tampered('s2-clean.json', 's2.json', (r) => {
      r.cycles.passed = r.cycles.run;
      r.cycles.failed = 0;
      r.failures = [];
    });
    const relabelled = tampered('s2-as-3.json', passing, (r) => (r.config.shard = '3/3'));
    const m = merge('s1.json', passing, relabelled);
    assert.equal(m.status, 2, m.stderr);
    assert.ok(problemLines(m.stderr).some((l) => l.includes(relabelled) && l.includes(passing)), m.stderr);
  });

  it('a failure filed under the wrong shard is refused', () => {
    const moved = read('s1.json').failures[0] as Json;
    const from = tampered('s1-less.json', 's1.json', (r) => {
      r.failures = r.failures.slice(1);
      r.cycles.failed -= 1;
      r.cycles.passed += 1;
    });
    const to = tampered('s2-more.json', 's2.json', (r) => {
      r.failures = [...r.failures, moved];
      r.cycles.failed += 1;
      r.cycles.passed -= 1;
    });
    const m = merge(from, to, 's3.json');
    assert.equal(m.status, 2, m.stderr);
    const line = problemLines(m.stderr).find((l) => l.includes(to));
    assert.match(line ?? '', new RegExp(`cycle ${moved.config.cycle}\\b.*not in shard 2/3`), m.stderr);
  });

  it('one failure listed twice in place of another is refused', () => {
    const doubled = tampered('s1-doubled.json', 's1.json', (r) => {
      r.failures = [r.failures[0], r.failures[0]];
      r.cycles.failed = 2;
      r.cycles.passed = r.cycles.run - 2;
    });
    const m = merge(doubled, 's2.json', 's3.json');
    assert.equal(m.status, 2, m.stderr);
    assert.ok(problemLines(m.stderr).some((l) => l.includes(doubled) && /has more than one failure record/.test(l)), m.stderr);
  });

  const unreadable: [string, (r: Json) => void, RegExp][] = [
    ['string counts', (r) => ((r.cycles.run = String(r.cycles.run)), (r.cycles.passed = String(r.cycles.passed))), /cycles.run/],
    ['a string events count', (r) => (r.events = String(r.events)), /events/],
    ['coverage "x"', (r) => (r.coverage = 'x'), /coverage/],
    ['a transition count holding HTML', (r) => (r.coverage.transitions[0].count = '<img src=x onerror=alert(1)>'), /coverage/],
    ['a failure event holding HTML', (r) => (r.failures[0].config.event = '<script>alert(1)</script>'), /failures\/0\/config\/event/],
    ['a divergence list that is not a list', (r) => (r.divergences = { a: 1 }), /divergences/],
    ['a shard label with a newline', (r) => (r.config.shard = '1/3\n::error::x'), /config\/shard/],
  ];
  for (const [what, change, where] of unreadable) {
    it(`${what}: one line naming the file, exit 2, no output written`, () => {
      const bad = tampered('bad.json', 's1.json', change);
      rmSync(join(dir, 'm.html'), { force: true });
      const m = merge(bad, 's2.json', 's3.json', '--html', 'm.html');
      assert.equal(m.status, 2, m.stderr);
      const lines = m.stderr.split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 1, m.stderr);
      assert.match(lines[0]!, /^replay-fuzz: \S*bad\.json: not a replay-fuzz report \(/);
      assert.match(lines[0]!, where);
      assert.doesNotMatch(lines[0]!, /not iterable|<script|<img/);
      assert.equal(m.stdout, '');
      assert.equal(existsSync(join(dir, 'm.html')), false);
    });
  }

  it('two unreadable reports: one line each', () => {
    const a = tampered('bad-a.json', 's1.json', (r) => (r.coverage = 'x'));
    const b = tampered('bad-b.json', 's2.json', (r) => (r.cycles.failed = '1'));
    const m = merge(a, b, 's3.json');
    assert.equal(m.status, 2, m.stderr);
    const lines = m.stderr.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 2, m.stderr);
    assert.match(lines[0]!, /bad-a\.json/);
    assert.match(lines[1]!, /bad-b\.json/);
  });

  it('hostile text in string members is merged, and shown escaped in the page', () => {
    const evil = tampered('s1-evil.json', 's1.json', (r) => {
      r.failures[0].failure_reason = '<script>alert(1)</script><img src=x onerror=alert(2)>';
      r.config.replayer = '"><script>alert(3)</script>';
    });
    const m = merge(evil, 's2.json', 's3.json', '--html', 'evil.html', '--output', 'evil.json');
    assert.equal(m.status, 1, m.stderr);
    const page = readFileSync(join(dir, 'evil.html'), 'utf8');
    assert.doesNotMatch(page, /<script|<img/i);
    assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  });
});
