/**
 * The GitHub workflow: valid for GitHub (checked offline by
 * @action-validator/cli, a wasm build of action-validator), shaped as
 * intended, and its scripts in scripts/ci run here with our own tools
 * standing in for upstream's (real Lean and C++ builds only exist on CI).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers.js';
import { fixtureSubset, script, SCRIPTS, standIns, tempDir } from './ci-stand-ins.js';

const WORKFLOW = join(ROOT, '.github', 'workflows', 'ci.yml');
const VALIDATOR = join(dirname(createRequire(import.meta.url).resolve('@action-validator/cli/package.json')), 'cli.mjs');
const text = readFileSync(WORKFLOW, 'utf8');

function validate(path: string) {
  return spawnSync(process.execPath, [VALIDATOR, path], { encoding: 'utf8' });
}

describe('the workflow file', () => {
  it('passes action-validator', () => {
    const r = validate(WORKFLOW);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('action-validator does fail a broken workflow', (t) => {
    const broken = join(tempDir(t), 'ci.yml');
    writeFileSync(broken, text.replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest'));
    const r = validate(broken);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /runs_on/);
  });

  it('reads only the repository, cancels superseded runs, needs no secret or variable', () => {
    assert.match(text, /^permissions:\n {2}contents: read\n/m);
    assert.match(text, /^concurrency:\n {2}group: .+\n {2}cancel-in-progress: true\n/m);
    assert.doesNotMatch(text, /\$\{\{\s*(secrets|vars)\./);
  });

  it('runs the test suite once per leg, with the README test command', () => {
    const job = text.slice(text.indexOf('  test-and-fuzz:'), text.indexOf('  merge-fuzz-reports:'));
    assert.equal((job.match(/npm test/g) ?? []).length, 1);
    assert.match(readFileSync(join(ROOT, 'README.md'), 'utf8'), /^npm test +#/m);
  });

  it('every script it runs exists, is executable, strict, and parses', () => {
    const named = [...text.matchAll(/scripts\/ci\/([\w-]+\.sh)/g)].map((m) => m[1]!);
    assert.ok(named.length >= 4, named.join(' '));
    for (const name of new Set([...named, ...readdirSync(SCRIPTS).filter((n) => n.endsWith('.sh') && n !== 'lib.sh')])) {
      const path = join(SCRIPTS, name);
      assert.ok(existsSync(path), `${name} exists`);
      assert.ok((statSync(path).mode & 0o111) !== 0, `${name} is executable`);
      assert.match(readFileSync(path, 'utf8'), /^#!\/usr\/bin\/env bash\n(#.*\n)*set -euo pipefail\n/, `${name} starts strict`);
      const syntax = spawnSync('bash', ['-n', path], { encoding: 'utf8' });
      assert.equal(syntax.status, 0, `${name}: ${syntax.stderr}`);
    }
  });
});

describe('scripts/ci', () => {
  it('merge-reports.sh names the problem when no shard report arrived, instead of passing a bare glob on', (t) => {
    const dir = tempDir(t);
    mkdirSync(join(dir, 'reports'));
    const r = script('merge-reports.sh', [join(dir, 'reports'), join(dir, 'merged.json')], ROOT);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no shard report arrived/);
    assert.equal(existsSync(join(dir, 'merged.json')), false);
  });

  it('lean-pipe.sh passes when the checker accepts, and keeps the trace of each rejection', (t) => {
    const dir = tempDir(t);
    const ok = script('lean-pipe.sh', ['1', join(dir, 'ok')], dir, standIns(join(dir, 'a')));
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.deepEqual(readdirSync(join(dir, 'ok')), []);
    const bad = script('lean-pipe.sh', ['1', join(dir, 'bad')], dir, standIns(join(dir, 'b'), 'rejects-all'));
    assert.equal(bad.status, 1);
    const kept = readdirSync(join(dir, 'bad')).sort();
    assert.equal(kept.length, 2, kept.join(' '));
    assert.match(kept[0]!, /^full-seed\d+-events\d+\.jsonl$/);
    assert.match(bad.stderr, /peering-replay rejects: cross-validate --profile lean-core --seed \d+ --events \d+/);
  });

  it('cpp-vs-ours.sh finds no difference between a generator and itself, and reports one that differs', (t) => {
    const dir = tempDir(t);
    const bin = standIns(dir);
    const same = script('cpp-vs-ours.sh', [join(bin, 'cross-validate'), '3', join(dir, 'same')], dir, bin);
    assert.equal(same.status, 0, same.stdout + same.stderr);
    // One extra line on stdout, whatever the random argv (format, event count).
    writeFileSync(join(bin, 'off-by-one'), `#!/bin/sh\n"${join(bin, 'cross-validate')}" "$@"\nrc=$?\necho extra\nexit $rc\n`);
    chmodSync(join(bin, 'off-by-one'), 0o755);
    const differs = script('cpp-vs-ours.sh', [join(bin, 'off-by-one'), '1', join(dir, 'differs')], dir, bin);
    assert.equal(differs.status, 1, differs.stdout + differs.stderr);
    assert.deepEqual(readdirSync(join(dir, 'differs', 'run1')).sort(), ['argv', 'ours.err', 'ours.out', 'upstream.err', 'upstream.out']);
  });

  it('mirror-differential.sh agrees when both checkers are the same, and fails on a disagreement', (t) => {
    const dir = tempDir(t);
    // Two divergence fixtures stand for the set (all of them: test/long/ci-scripts.test.ts).
    const repo = fixtureSubset(join(dir, 'repo'), 2);
    const agree = script('mirror-differential.sh', [repo, '1', join(dir, 'agree')], dir, standIns(join(dir, 'a')));
    assert.equal(agree.status, 0, agree.stdout + agree.stderr);
    assert.match(agree.stdout, /^7 traces \(profiles: lean-core full explore, plus the divergence fixtures\): 0 verdicts differ$/m);
    const differ = script('mirror-differential.sh', [repo, '1', join(dir, 'differ')], dir, standIns(join(dir, 'b'), 'rejects-all'));
    assert.equal(differ.status, 1);
    assert.ok(readdirSync(join(dir, 'differ')).some((n) => n.endsWith('.jsonl')));
    assert.match(differ.stderr, /Lean's peering-replay says reject, peering-replay-ts --model lean says accept/);
  });
});
