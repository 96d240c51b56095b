/**
 * `replay-fuzz exhaust` as a user runs it: what it proves in words, the
 * report (valid against the published schema), witnesses that replay,
 * shards and merge, budgets, Ctrl-C, and one-line errors on bad input.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { killProcessesOf, processesOf, ROOT, runBin, signalGroupIfSame, startedProcess } from '../helpers.js';

const BIN = join(ROOT, 'dist', 'bin', 'replay-fuzz.js');
const REPLAY = join(ROOT, 'dist', 'scripts', 'peering-replay-ts.js');
const MICRO = { name: 'micro', osds: [0], objects: [0], lengths: [10], epochs: [10], pool_sizes: [1], min_sizes: [1] };
const T3 = { name: 't3', osds: [0, 1], objects: [0], lengths: [10], epochs: [10], pool_sizes: [1], min_sizes: [1], features: ['late-peer-info', 'whoami-none'] };
const T2 = { name: 't2', osds: [0, 1], objects: [0], lengths: [10], epochs: [10], pool_sizes: [2], min_sizes: [1], features: ['late-peer-info', 'whoami-none', 'empty-sets'] };

interface Report {
  new_causes: number;
  exhaust: { complete: boolean; stopped_by: string | null; states_per_depth: number[]; causes: { cause: string; events: number; witness: string }[]; depth_completed: number; cpu_seconds?: number };
  failures: { trace_path: string; reproduce: string }[];
  divergences: { cause: string; signatures: { signature: string }[]; example: { trace_path: string; events: number } }[];
}

function workDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'exhaust-cli-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'micro.json'), JSON.stringify(MICRO));
  writeFileSync(join(dir, 't2.json'), JSON.stringify(T2));
  writeFileSync(join(dir, 't3.json'), JSON.stringify(T3));
  return dir;
}

const read = (path: string): Report => JSON.parse(readFileSync(path, 'utf8')) as Report;

function schemaCheck(value: unknown): void {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv2020({ allErrors: true, validateFormats: false });
  const validate = ajv.compile(schema);
  assert.ok(validate(value), ajv.errorsText(validate.errors));
}

describe('replay-fuzz exhaust (the bin)', () => {
  it('a clean scope: says no divergence exists within it, exit 0, report valid against the schema (bundled workers)', async (t) => {
    const dir = workDir(t);
    const r = await runBin(BIN, ['exhaust', '--scope', join(dir, 'micro.json'), '--depth', '2', '--jobs', '2', '--report', join(dir, 'r.json'), '--witnesses', join(dir, 'w'), '--no-progress']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /depth 2, scope micro: 9 states, no divergence; no C\+\+\/Lean divergence within this scope\./);
    const report = read(join(dir, 'r.json'));
    schemaCheck(report);
    assert.equal(report.exhaust.complete, true);
    assert.deepEqual(report.exhaust.states_per_depth, [1, 3, 6]);
  });

  it('divergences: each cause has a witness, written before the report, that peering-replay-ts --model both fails at its last step', async (t) => {
    const dir = workDir(t);
    const r = await runBin(BIN, ['exhaust', '--scope', join(dir, 't2.json'), '--depth', '2', '--report', join(dir, 'r.json'), '--witnesses', join(dir, 'w'), '--no-progress']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /2 causes, every one known; no other C\+\+\/Lean divergence within this scope/);
    const report = read(join(dir, 'r.json'));
    schemaCheck(report);
    assert.deepEqual(report.exhaust.causes.map((c) => c.cause).sort(), ['peer-info-outside-peering', 'whoami-minus-one-empty-acting']);
    assert.equal(report.failures.length, 2);
    assert.equal(report.new_causes, 0);
    for (const c of report.exhaust.causes) {
      assert.ok(r.stdout.indexOf(`witness: ${c.witness}`) < r.stdout.indexOf('causes (first witness'), 'announced as found');
      const replay = await runBin(REPLAY, ['--model', 'both', '--json', c.witness]);
      assert.equal(replay.code, 1, replay.stdout);
      const failure = (JSON.parse(replay.stdout) as { failure: { line: number; comparison: { class: string } } }).failure;
      assert.equal(failure.line, c.events, 'the divergence is at the last step');
      assert.equal(failure.comparison.class, 'cpp-lean-divergence');
      assert.ok(report.failures.some((f) => f.trace_path === c.witness && f.reproduce.includes(c.witness)));
    }
  });

  it('--allow-known: known causes alone exit 0', async (t) => {
    const dir = workDir(t);
    const r = await runBin(BIN, ['exhaust', '--scope', join(dir, 't3.json'), '--depth', '2', '--allow-known', '--witnesses', join(dir, 'w'), '--no-progress']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /known cause peer-info-outside-peering, after 2 events/);
  });

  it('shards merged: the union is complete and counts what one run counts; one shard alone is not complete', async (t) => {
    const dir = workDir(t);
    const base = ['exhaust', '--scope', join(dir, 't3.json'), '--depth', '2', '--witnesses', join(dir, 'w'), '--no-progress'];
    for (const [shard, report] of [['1/2', 's1.json'], ['2/2', 's2.json'], ['1/1', 'whole.json']] as const) {
      const r = await runBin(BIN, [...base, '--shard', shard, '--report', join(dir, report)]);
      assert.equal(r.code, 1, r.stderr);
    }
    const merged = await runBin(BIN, ['merge', join(dir, 's1.json'), join(dir, 's2.json'), '--output', join(dir, 'm.json')]);
    assert.equal(merged.code, 1, merged.stderr);
    assert.match(merged.stderr, /the union is complete/);
    const m = read(join(dir, 'm.json'));
    schemaCheck(m);
    const whole = read(join(dir, 'whole.json'));
    assert.deepEqual(m.exhaust.states_per_depth, whole.exhaust.states_per_depth);
    assert.deepEqual(m.exhaust.causes.map((c) => [c.cause, c.events]).sort(), whole.exhaust.causes.map((c) => [c.cause, c.events]).sort());
    const gated = await runBin(BIN, ['merge', join(dir, 's1.json'), join(dir, 's2.json'), '--allow-known', '--output', join(dir, 'm2.json')]);
    assert.equal(gated.code, 0, 'a complete union of known causes passes --allow-known');
    const alone = await runBin(BIN, ['merge', join(dir, 's1.json'), '--allow-known', '--output', join(dir, 'm1.json')]);
    assert.equal(alone.code, 2, 'an incomplete union fails, --allow-known or not');
    assert.match(alone.stderr, /missing shard\(s\): 2\/2/);
    assert.match(alone.stderr, /the union is NOT complete/);
    assert.equal(read(join(dir, 'm1.json')).exhaust.complete, false);
  });

  it('--max-states stops cleanly: complete false, and the terminal says what was and was not proved', async (t) => {
    const dir = workDir(t);
    const r = await runBin(BIN, ['exhaust', '--scope', join(dir, 't2.json'), '--depth', '3', '--max-states', '60', '--report', join(dir, 'r.json'), '--witnesses', join(dir, 'w'), '--no-progress']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /stopped by --max-states at depth \d .*NOT complete: every sequence of up to 1 event was checked/);
    const report = read(join(dir, 'r.json'));
    assert.equal(report.exhaust.complete, false);
    assert.equal(report.exhaust.stopped_by, 'max-states');
  });

  it('--time-budget stops cleanly too', async (t) => {
    const dir = workDir(t);
    const r = await runBin(BIN, ['exhaust', '--scope', join(dir, 't2.json'), '--depth', '5', '--time-budget', '1', '--report', join(dir, 'r.json'), '--witnesses', join(dir, 'w'), '--no-progress']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /stopped by --time-budget at depth \d .*NOT complete/);
    const report = read(join(dir, 'r.json'));
    assert.equal(report.exhaust.stopped_by, 'time-budget');
    assert.equal(report.exhaust.complete, false);
  });

  it('Ctrl-C keeps what was found: exit 130, witnesses and a report saying interrupted', async (t) => {
    const dir = workDir(t);
    const child = spawn(process.execPath, [BIN, 'exhaust', '--scope', join(dir, 't2.json'), '--depth', '4', '--report', join(dir, 'r.json'), '--witnesses', join(dir, 'w'), '--no-progress'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let interrupted = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      // Interrupt once, when the first witness is out.
      if (!interrupted && stdout.includes('witness:')) child.kill('SIGINT');
      interrupted ||= stdout.includes('witness:');
    });
    // A search that ignored the signal would run for minutes: fail instead.
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(guard);
    assert.equal(code, 130);
    const report = read(join(dir, 'r.json'));
    assert.equal(report.exhaust.stopped_by, 'interrupted');
    assert.equal(report.exhaust.complete, false);
    assert.ok(report.exhaust.causes.length >= 1);
    for (const c of report.exhaust.causes) assert.ok(existsSync(c.witness));
  });

  it('--jobs 2 under a Ctrl-C to its whole process group (a terminal\'s): the workers finish their chunks, the report says interrupted, no worker outlives it', async (t) => {
    const dir = workDir(t);
    t.after(() => killProcessesOf(dir));
    const args = [BIN, 'exhaust', '--scope', join(dir, 't2.json'), '--depth', '4', '--jobs', '2', '--report', join(dir, 'r.json'), '--witnesses', join(dir, 'w'), '--no-progress'];
    // Its own group, as a terminal's foreground job; TMPDIR names its processes (workers included).
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, TMPDIR: dir } });
    const search = startedProcess(child.pid!);
    let stdout = '';
    let workers = 0;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (workers === 0 && stdout.includes('witness:')) {
        workers = processesOf(dir).length - 1;
        signalGroupIfSame(search, 'SIGINT');
      }
    });
    const guard = setTimeout(() => signalGroupIfSame(search, 'SIGKILL'), 120_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(guard);
    assert.equal(workers, 2, 'two worker processes were running');
    assert.equal(code, 130);
    const report = read(join(dir, 'r.json'));
    assert.equal(report.exhaust.stopped_by, 'interrupted');
    assert.ok((report.exhaust.cpu_seconds ?? 0) > 0);
    assert.deepEqual(processesOf(dir), [], 'no worker left behind');
  });

  it('bad input: one line and exit 2, never a stack trace', async (t) => {
    const dir = workDir(t);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...MICRO, colour: 'red' }));
    writeFileSync(join(dir, 'no-zero.json'), JSON.stringify({ ...MICRO, objects: [1] }));
    const cases: [string[], RegExp][] = [
      [['--scope', 'huge'], /--scope must be tiny, small, medium, blob-meta or a \.json file, got "huge"/],
      [['--scope', join(dir, 'missing.json')], /cannot read the scope .*no such file/],
      [['--scope', join(dir, 'bad.json')], /unknown member "colour"/],
      [['--scope', join(dir, 'no-zero.json')], /"objects" must include object 0/],
      [['--depth', '0'], /--depth must be an integer in 1\.\.12/],
      [['--shard', '3/2'], /--shard must look like i\/n/],
      [['--report', join(dir, 'nowhere', 'r.json')], /--report .* cannot be written: its directory does not exist/],
      [['--jobs', 'many'], /--jobs must be an integer/],
    ];
    for (const [args, message] of cases) {
      const r = await runBin(BIN, ['exhaust', '--scope', join(dir, 'micro.json'), '--witnesses', join(dir, 'w'), ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  });

  it('--show-scope prints a preset in the JSON form a scope file takes; --ill-formed adds the image defects', async () => {
    const r = await runBin(BIN, ['exhaust', '--scope', 'small', '--ill-formed', '--show-scope']);
    assert.equal(r.code, 0, r.stderr);
    const scope = JSON.parse(r.stdout) as { name: string; ill_formed: string[]; objects: number[] };
    assert.equal(scope.name, 'small+ill-formed');
    assert.deepEqual(scope.ill_formed, ['zero-length', 'unsorted', 'duplicate-object']);
    assert.ok(scope.objects.includes(0));
  });
});
