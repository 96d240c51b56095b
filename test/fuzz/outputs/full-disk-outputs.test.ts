/**
 * Every output of a run (--html, --junit, the step summary, the
 * annotations) behaves as --report does when it cannot be written: it is
 * written on its own (one failing does not skip the others), durably, a
 * one-line error names its file, and the exit status stays the campaign's
 * verdict (1 with failures; 2 only when the campaign passed).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { REAL_IO, type FileIo } from '../../../fuzz/store/durable.js';
import type { CycleResult } from '../../../fuzz/outputs/junit.js';
import type { CampaignReport } from '../../../fuzz/outputs/report.js';
import { writeRunOutputs } from '../../../fuzz/outputs/run-outputs.js';
import { EMPTY_COVERAGE } from '../../../fuzz/cycle/coverage.js';
import { fixture, ROOT } from '../../helpers.js';

const BIN = join(ROOT, 'dist', 'bin', 'replay-fuzz.js');
const REMOVING = join(fixture('fuzz'), 'dir-removing-checker.js');

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'full-disk-outputs-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes fail with ENOSPC: a disk that is already full. */
const FULL_DISK: FileIo = {
  writeSync: () => {
    const err = new Error('ENOSPC: no space left on device, write') as NodeJS.ErrnoException;
    err.code = 'ENOSPC';
    throw err;
  },
  fsyncSync: REAL_IO.fsyncSync,
  renameSync: REAL_IO.renameSync,
};

function failingReport(): CampaignReport {
  const failure = {
    config: { cycle: 1, profile: 'lean-core', seed: 7n, event: 5 },
    cross_validate_returncode: 0,
    replayer_returncode: 1,
    cross_validate_stderr: '',
    replayer_stderr: 'checker: 6 steps, more than 5\n',
    failure_reason: null,
    trace_path: null,
    reproduce: 'gen --seed 7 | check -',
    campaign_seed: 3n,
  };
  return {
    tool: 'replay-fuzz',
    format: 2,
    config: { profile: 'lean-core', cycles: 1, campaign_seed: 3n, shard: '1/1', seed: null, event_range: [5, 5], jobs: 1, require_image_invariant: false, cross_validate: 'gen', replayer: 'check', compare: 'lean', timeout_s: null, minimize: false, stop_on_first_failure: false },
    argv: [],
    started_at: '2026-01-01T00:00:00.000Z',
    finished_at: '2026-01-01T00:00:01.000Z',
    duration_s: 1,
    interrupted: false,
    cycles: { planned: 1, run: 1, passed: 0, failed: 1 },
    events: 6,
    events_per_second: 6,
    cycles_per_second: 1,
    failures: [failure],
    coverage: EMPTY_COVERAGE,
  };
}

const cycles: CycleResult[] = [{ config: { cycle: 1, profile: 'lean-core', seed: 7n, events: 5 }, ok: false, seconds: 1 }];

describe('writeRunOutputs on a full disk', () => {
  it('each output fails on its own with one line naming its file; annotations still go out; nothing torn is left', (t) => {
    const dir = tempDir(t);
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const printed: string[] = [];
    const problems = writeRunOutputs({
      report: failingReport(),
      cycles,
      htmlPath: join(dir, 'r.html'),
      junitPath: join(dir, 'j.xml'),
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
      out: (text) => void printed.push(text),
      io: FULL_DISK,
    });
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems[0]!, /^cannot write the HTML report \S*\/r\.html: ENOSPC$/);
    assert.match(problems[1]!, /^cannot write the JUnit report \S*\/j\.xml: ENOSPC$/);
    assert.match(problems[2]!, /^cannot append to the step summary \S*\/summary\.md: ENOSPC$/);
    assert.match(printed.join(''), /^::error title=replay-fuzz%3A 1 cycle\(s\)%3A/);
    assert.equal(readFileSync(summary, 'utf8'), '# earlier step\n', 'the summary is as it was, not half-appended');
    assert.deepEqual(readdirSync(dir).sort(), ['summary.md']);
  });

  it('an output that cannot be written does not skip the ones after it', (t) => {
    const dir = tempDir(t);
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '');
    const printed: string[] = [];
    const problems = writeRunOutputs({
      report: failingReport(),
      cycles,
      htmlPath: join(dir, 'gone', 'r.html'),
      junitPath: join(dir, 'j.xml'),
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
      out: (text) => void printed.push(text),
    });
    assert.deepEqual(problems.length, 1, problems.join('\n'));
    assert.match(problems[0]!, /^cannot write the HTML report \S*\/gone\/r\.html: ENOENT$/);
    assert.match(readFileSync(join(dir, 'j.xml'), 'utf8'), /<testsuite /);
    assert.match(readFileSync(summary, 'utf8'), /^### replay-fuzz lean-core, shard 1\/1: 1 of 1 cycles failed$/m);
    assert.equal(printed.join('').split('\n').filter((l) => l.startsWith('::error')).length, 1);
  });
});

function fuzz(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv) {
  const clean = { ...process.env };
  delete clean.GITHUB_ACTIONS;
  delete clean.GITHUB_STEP_SUMMARY;
  return spawnSync(process.execPath, [BIN, ...args, '--no-progress'], { cwd, encoding: 'utf8', env: { ...clean, TMPDIR: cwd, ...env }, timeout: 120_000 });
}

describe('replay-fuzz when an output cannot be written at the end', () => {
  const campaign = ['--cycles', '3', '--event', '5', '--campaign-seed', '8'];

  it('a failing run whose --html directory vanished: exit 1, the file named, listing, JUnit, summary and annotations all there', (t) => {
    const dir = tempDir(t);
    mkdirSync(join(dir, 'gone'));
    writeFileSync(join(dir, 'summary.md'), '');
    const env = { REMOVE_DIR: join(dir, 'gone'), GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(dir, 'summary.md') };
    const r = fuzz([...campaign, '--replayer', REMOVING, '--replayer-arg', '3', '--html', 'gone/r.html', '--junit', 'j.xml', '--report', 'r.json'], dir, env);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^replay-fuzz: cannot write the HTML report \S*\/gone\/r\.html: ENOENT$/m);
    assert.match(r.stdout, /\nFailures: 3 cycle\(s\), 1 cause\(s\)\n/);
    assert.match(r.stdout, /^::error title=replay-fuzz%3A 3 cycle\(s\)/m);
    assert.match(readFileSync(join(dir, 'j.xml'), 'utf8'), /<testsuite /);
    assert.match(readFileSync(join(dir, 'summary.md'), 'utf8'), /3 of 3 cycles failed/);
    assert.ok(existsSync(join(dir, 'r.json')));
  });

  it('a passing run whose --junit directory vanished: exit 2 with the file named; the HTML page is written', (t) => {
    const dir = tempDir(t);
    mkdirSync(join(dir, 'gone'));
    const r = fuzz([...campaign, '--replayer', REMOVING, '--junit', 'gone/j.xml', '--html', 'r.html'], dir, { REMOVE_DIR: join(dir, 'gone') });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^replay-fuzz: cannot write the JUnit report \S*\/gone\/j\.xml: ENOENT$/m);
    assert.match(r.stdout, /All 3 cycles passed/);
    assert.match(readFileSync(join(dir, 'r.html'), 'utf8'), /^<!DOCTYPE html>/);
  });

  it('a step summary on a full device: the file named; exit 1 with failures, 2 when all passed', (t) => {
    const dir = tempDir(t);
    const env = { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: '/dev/full' };
    const failing = fuzz([...campaign, '--replayer', REMOVING, '--replayer-arg', '3', '--junit', 'j.xml'], dir, env);
    assert.equal(failing.status, 1, failing.stderr);
    assert.match(failing.stderr, /^replay-fuzz: cannot append to the step summary \/dev\/full: ENOSPC$/m);
    assert.match(failing.stdout, /^::error title=/m);
    assert.ok(existsSync(join(dir, 'j.xml')));
    const passing = fuzz([...campaign, '--replayer', REMOVING], dir, env);
    assert.equal(passing.status, 2, passing.stderr);
    assert.match(passing.stderr, /^replay-fuzz: cannot append to the step summary \/dev\/full: ENOSPC$/m);
  });
});
