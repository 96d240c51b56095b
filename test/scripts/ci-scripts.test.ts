/**
 * The scripts the workflow's fuzz, merge, explore and adapter jobs run
 * (scripts/ci), and scripts/ci/local.sh, here with stand-ins: our
 * generator for upstream's, peering-render for the C++ adapter, and a
 * fake replay-fuzz where a script's handling of replay-fuzz's verdict is
 * the point.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixture, ROOT } from '../helpers.js';
import { SCRIPTS, standIns, tempDir } from './ci-stand-ins.js';

/** Runs a script of scripts/ci with `env` added (GitHub's variables only when given). */
function run(name: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}, bin?: string) {
  const base: NodeJS.ProcessEnv = { ...process.env, PATH: bin === undefined ? process.env.PATH : `${bin}:${process.env.PATH}` };
  delete base.GITHUB_ACTIONS;
  delete base.GITHUB_STEP_SUMMARY;
  return spawnSync('bash', [join(SCRIPTS, name), ...args], { cwd, encoding: 'utf8', env: { ...base, ...env }, timeout: 300_000 });
}

function executable(path: string, body: string): string {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A replay-fuzz that logs its arguments, one run per line, and exits with FAKE_RC (its first value for --model cpp runs when CPP_RC is set). */
function fakeReplayFuzz(dir: string): { path: string; log: string } {
  const log = join(dir, 'replay-fuzz.log');
  const path = executable(join(dir, 'fake-replay-fuzz'), `echo "$*" >> "${log}"\ncase " $* " in *" --model cpp "*) [ -n "$CPP_RC" ] && exit "$CPP_RC";; esac\nexit "\${FAKE_RC:-0}"`);
  return { path, log };
}

describe('adapter-vs-upstream.sh', () => {
  it('passes when the adapter writes what upstream writes', (t) => {
    const dir = tempDir(t);
    const bin = standIns(dir);
    const adapter = executable(join(dir, 'adapter'), `exec "${process.execPath}" "${ROOT}/dist/scripts/peering-render.js" --model cpp`);
    const r = run('adapter-vs-upstream.sh', [join(bin, 'cross-validate'), adapter, join(dir, 'out')], dir);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^2 argv compared \(adapter against upstream's cross_validate\), 0 failed$/m);
  });

  it('fails when both sides fail, though their (empty) outputs are equal', (t) => {
    const dir = tempDir(t);
    const failing = executable(join(dir, 'failing'), 'cat > /dev/null; exit 1');
    const r = run('adapter-vs-upstream.sh', [failing, failing, join(dir, 'out')], dir);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /upstream's cross_validate exited 1/);
    assert.deepEqual(readdirSync(join(dir, 'out', 'adapter-vs-upstream')).sort(), ['run0', 'run1']);
  });

  it('fails when only the adapter fails, and when its trace differs', (t) => {
    const dir = tempDir(t);
    const bin = standIns(dir);
    const dies = executable(join(dir, 'dies'), 'cat > /dev/null; exit 3');
    const died = run('adapter-vs-upstream.sh', [join(bin, 'cross-validate'), dies, join(dir, 'a')], dir);
    assert.equal(died.status, 1);
    assert.match(died.stderr, /the adapter exited 3/);
    const other = executable(join(dir, 'other'), `exec "${process.execPath}" "${ROOT}/dist/scripts/peering-render.js" --model lean`);
    const differs = run('adapter-vs-upstream.sh', [join(bin, 'cross-validate'), other, join(dir, 'b')], dir);
    assert.equal(differs.status, 1);
    assert.match(differs.stderr, /the adapter's trace differs from upstream's/);
    assert.deepEqual(readdirSync(join(dir, 'b', 'adapter-vs-upstream', 'run0')).sort(), ['adapter.err', 'adapter.out', 'argv', 'events.err', 'upstream.err', 'upstream.out']);
  });
});

describe('fuzz-shard.sh', () => {
  it('runs one shard of a campaign and writes its report and JUnit file where the upload step looks', (t) => {
    const dir = tempDir(t);
    const r = run('fuzz-shard.sh', ['lean-core', '2/3', '77', '4', 'out'], dir);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const report = JSON.parse(readFileSync(join(dir, 'out', 'fuzz-report.json'), 'utf8')) as { config: { shard: string; require_image_invariant: boolean; minimize: boolean } };
    assert.equal(report.config.shard, '2/3');
    assert.equal(report.config.require_image_invariant, true);
    assert.equal(report.config.minimize, true);
    assert.ok(existsSync(join(dir, 'out', 'fuzz-junit.xml')));
  });
});

describe('explore-gate.sh and adapter-fuzz.sh', () => {
  it('the gate runs explore under both models with --allow-known and passes on exit 0', (t) => {
    const dir = tempDir(t);
    const fake = fakeReplayFuzz(dir);
    const summary = join(dir, 'summary.md');
    const r = run('explore-gate.sh', ['out', '9', '5', '--jobs', '2'], dir, { REPLAY_FUZZ: fake.path, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(readFileSync(fake.log, 'utf8'), '--profile explore --model both --allow-known --campaign-seed 9 --cycles 5 --save-failure-traces out/failures --report out/explore-report.json --html out/explore.html --jobs 2\n');
    assert.match(readFileSync(summary, 'utf8'), /only known divergences/);
  });

  it('the gate fails with an annotation on exit 1 (a new divergence) and on a usage error', (t) => {
    const dir = tempDir(t);
    const fake = fakeReplayFuzz(dir);
    for (const [rc, why] of [['1', /a finding the divergence catalogue does not know/], ['2', /replay-fuzz exited 2/]] as const) {
      const r = run('explore-gate.sh', ['out', '9', '5'], dir, { REPLAY_FUZZ: fake.path, FAKE_RC: rc, GITHUB_ACTIONS: 'true' });
      assert.equal(r.status, Number(rc));
      assert.match(r.stdout, new RegExp(`^::error::explore gate: ${why.source}`, 'm'));
    }
  });

  it('adapter-fuzz.sh needs both runs to pass: the C++ model, then the gate with the adapter as --impl', (t) => {
    const dir = tempDir(t);
    const fake = fakeReplayFuzz(dir);
    const ok = run('adapter-fuzz.sh', ['/bin/adapter', '3', '7', 'out'], dir, { REPLAY_FUZZ: fake.path });
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    const runs = readFileSync(fake.log, 'utf8').trim().split('\n');
    assert.equal(runs.length, 2);
    assert.match(runs[0]!, /^--profile explore --impl \/bin\/adapter --model cpp --campaign-seed 3 --cycles 7 /);
    assert.match(runs[1]!, /^--profile explore --model both --allow-known --campaign-seed 3 --cycles 7 .* --impl \/bin\/adapter /);
    for (const env of [{ CPP_RC: '1' }, { FAKE_RC: '1' }]) {
      const bad = run('adapter-fuzz.sh', ['/bin/adapter', '3', '7', 'out'], dir, { REPLAY_FUZZ: fake.path, ...env });
      assert.equal(bad.status, 1, JSON.stringify(env));
    }
  });
});

describe('merge-reports.sh under GitHub Actions', () => {
  it('writes the merged campaign to the job summary and annotates each failure cause', (t) => {
    const dir = tempDir(t);
    const checker = fixture('fuzz/step-limit-checker.js');
    for (const i of [1, 2]) {
      mkdirSync(join(dir, 'reports', `fuzz-report-lean-core-${i}`), { recursive: true });
      const shard = spawnSync(process.execPath, [join(ROOT, 'dist', 'bin', 'replay-fuzz.js'), '--replayer', checker, '--replayer-arg', '4', '--cycles', '4', '--event', '5', '--campaign-seed', '8', '--shard', `${i}/2`, '--report', join(dir, 'reports', `fuzz-report-lean-core-${i}`, 'fuzz-report.json')], { cwd: dir, encoding: 'utf8' });
      assert.equal(shard.status, 1, shard.stderr);
    }
    const summary = join(dir, 'summary.md');
    const r = run('merge-reports.sh', [join(dir, 'reports'), join(dir, 'merged.json')], dir, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(readFileSync(summary, 'utf8'), /^### replay-fuzz lean-core, shard .*: 4 of 4 cycles failed$/m);
    assert.equal((r.stdout.match(/^::error title=replay-fuzz%3A 4 cycle\(s\)%3A /gm) ?? []).length, 1, r.stdout);
  });

  it('annotates a missing shard', (t) => {
    const dir = tempDir(t);
    mkdirSync(join(dir, 'reports', 'one'), { recursive: true });
    const shard = spawnSync(process.execPath, [join(ROOT, 'dist', 'bin', 'replay-fuzz.js'), '--cycles', '2', '--event', '3', '--campaign-seed', '8', '--shard', '1/2', '--report', join(dir, 'reports', 'one', 'fuzz-report.json')], { cwd: dir, encoding: 'utf8' });
    assert.equal(shard.status, 0, shard.stderr);
    const r = run('merge-reports.sh', [join(dir, 'reports'), join(dir, 'merged.json')], dir, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(dir, 'summary.md') });
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /^::error title=replay-fuzz merge::.*shard/m);
  });
});

describe('exhaust-shard.sh and merging its shards', () => {
  it('runs one shard with --allow-known, says what a new cause means, and the merged shards of a tiny scope pass', (t) => {
    const dir = tempDir(t);
    const fake = fakeReplayFuzz(dir);
    const summary = join(dir, 'summary.md');
    const ok = run('exhaust-shard.sh', ['out', '2/2', 'small', '4', '--jobs', '2'], dir, { REPLAY_FUZZ: fake.path, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.equal(readFileSync(fake.log, 'utf8'), 'exhaust --scope small --depth 4 --shard 2/2 --allow-known --no-progress --report out/exhaust-report.json --witnesses out/witnesses --jobs 2\n');
    assert.match(readFileSync(summary, 'utf8'), /only known divergences/);
    const fresh = run('exhaust-shard.sh', ['out', '1/2', 'small', '4'], dir, { REPLAY_FUZZ: fake.path, FAKE_RC: '1', GITHUB_ACTIONS: 'true' });
    assert.equal(fresh.status, 1);
    assert.match(fresh.stdout, /^::error::exhaust shard 1\/2: a cause the divergence catalogue does not know/m);
    // The real tools: both shards of a small scope, laid out as download-artifact does, merged with --allow-known.
    const scope = join(dir, 'tiny.json');
    writeFileSync(scope, JSON.stringify({ name: 't3', osds: [0, 1], objects: [0], lengths: [10], epochs: [10], pool_sizes: [1], min_sizes: [1], features: ['late-peer-info', 'whoami-none'] }));
    for (const i of [1, 2]) {
      const shard = run('exhaust-shard.sh', [join(dir, `s${i}`), `${i}/2`, scope, '2'], dir);
      assert.equal(shard.status, 0, shard.stdout + shard.stderr);
      mkdirSync(join(dir, 'reports', `exhaust-report-${i}`), { recursive: true });
      writeFileSync(join(dir, 'reports', `exhaust-report-${i}`, 'exhaust-report.json'), readFileSync(join(dir, `s${i}`, 'exhaust-report.json')));
    }
    const merged = run('merge-reports.sh', [join(dir, 'reports'), join(dir, 'merged.json'), 'exhaust-report.json', '--allow-known'], dir);
    assert.equal(merged.status, 0, merged.stdout + merged.stderr);
    assert.match(merged.stderr, /the union is complete/);
  });
});

describe('local.sh', () => {
  it('lists the jobs and their steps, and refuses a job it does not know', (t) => {
    const dir = tempDir(t);
    const list = run('local.sh', ['--list'], dir);
    assert.equal(list.status, 0, list.stderr);
    const jobs = list.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0]);
    assert.deepEqual(jobs, ['test', 'test-long', 'fuzz', 'merge', 'explore', 'exhaust', 'upstream', 'cpp-adapter']);
    const bad = run('local.sh', ['deploy'], dir);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^local\.sh: no job named deploy/);
  });

  it('runs a job with its stand-ins and reports it: merge with no shard reports fails, with its summary kept', (t) => {
    const dir = tempDir(t);
    const r = run('local.sh', ['merge'], dir, { LOCAL_CI_DIR: join(dir, 'ci') });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^ {2}merge: FAILED$/m);
    assert.match(r.stdout, /^::error::no shard report arrived/m);
    assert.match(readFileSync(join(dir, 'ci', 'summary-merge.md'), 'utf8'), /no shard report arrived/);
    assert.ok(existsSync(join(dir, 'ci', 'bin', 'peering-replay')), 'the stand-ins are made');
  });
});
