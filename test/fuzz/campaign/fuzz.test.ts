/**
 * The `replay-fuzz` driver: the campaign plan and the minimiser as units,
 * then the real bin (spawned, in a fresh temp dir per test) against our own
 * generator and checker and against the small fake tools in
 * test/fixtures/fuzz (a checker that fails past N steps, one that hangs, one
 * that crashes, a generator of garbage, a slow generator).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { cycleSeed, parseShard, planCycles, WHOLE, type CampaignPlan, type CycleConfig, type Shard } from '../../../fuzz/plan/campaign.js';
import { ownIdentity } from '../../../fuzz/store/lock.js';
import { extractEvents, minimizeEvents, type ExtractedTrace } from '../../../fuzz/minimize/minimize.js';
import type { FailureRecord, MinimizedRecord } from '../../../fuzz/store/store.js';
import type { PeeringEvent } from '../../../reducer/index.js';
import { replayText } from '../../../replay/index.js';
import { eventsTraceText, runTrace, traceText } from '../../../tracegen/index.js';
import { bySize, CROSS_VALIDATE, fixture, ROOT, signalIfSame } from '../../helpers.js';
import { assertRecordedTrace, assertWholeTrace, readRecords, sha256 } from '../trace-records.js';
import { BIN, fuzz, killGroup, launch, type Run } from '../fuzz-driver.js';

const REPLAY = join(ROOT, 'dist', 'scripts', 'peering-replay-ts.js');
const FAKES = fixture('fuzz');
const fake = (name: string): string => join(FAKES, name);
/** `--replayer` options for the fake checker that fails on more than `n` steps. */
const stepLimit = (n: number): string[] => ['--replayer', fake('step-limit-checker.js'), '--replayer-arg', String(n)];

const TWO_63 = 1n << 63n;
const U64_MAX = (1n << 64n) - 1n;

// ---------------------------------------------------------------------------
// Process helpers



function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'replay-fuzz-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function until(what: string, ready: () => boolean, limitMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!ready()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const show = (r: Run): string => `exit ${r.code} (${r.signal})\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

// ---------------------------------------------------------------------------
// Output helpers

interface Announced {
  readonly cycle: number;
  readonly total: number;
  readonly seed: bigint;
  readonly events: number;
  readonly profile: string;
}

/** The "[i/N] seed=S event=E profile=P" lines the driver prints per cycle. */
function announced(stdout: string): Announced[] {
  const out: Announced[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^\[(\d+)\/(\d+)\] seed=(\d+) event=(\d+) profile=(\S+)$/.exec(line);
    if (m) out.push({ cycle: Number(m[1]), total: Number(m[2]), seed: BigInt(m[3]!), events: Number(m[4]), profile: m[5]! });
  }
  return out;
}

/**
 * A report. Reports hold fractional numbers (durations, rates), which the
 * lossless trace parser rejects, so this reads them with JSON.parse; check
 * exact uint64 values in the raw text.
 */
interface ReportView {
  readonly interrupted: boolean;
  readonly complete?: boolean;
  readonly shards?: string[];
  readonly config: { readonly shard: string; readonly cycles: number; readonly jobs: number };
  readonly cycles: { readonly planned: number; readonly run: number; readonly passed: number; readonly failed: number };
  readonly failures: { readonly config: { readonly cycle: number; readonly event: number } }[];
}
const readReportView = (path: string): ReportView => JSON.parse(readFileSync(path, 'utf8')) as ReportView;

const seedKey = (c: { cycle: number; seed: bigint | number; event: number }): string => `${c.cycle}:${BigInt(c.seed)}:${c.event}`;
const asMinimized = (m: FailureRecord['minimized']): MinimizedRecord => {
  assert.ok(m !== undefined && !('error' in m), `minimized record: ${JSON.stringify(m)}`);
  return m;
};

/** What our generator prints for a cycle. */
function generated(config: { profile: string; seed: bigint | number; event: number }): Buffer {
  const r = spawnSync(process.execPath, [CROSS_VALIDATE, '--profile', config.profile, '--seed', String(config.seed), '--events', String(config.event)], { maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr.toString());
  return r.stdout;
}

const stepLines = (text: string): number => text.split('\n').filter((l) => l.startsWith('{"kind":"step"')).length;

// ---------------------------------------------------------------------------
// fuzz/plan/campaign.ts

describe('campaign plan (fuzz/plan/campaign.ts)', () => {
  const plan = (over: Partial<CampaignPlan> = {}): CampaignPlan => ({
    campaignSeed: 12345n,
    cycles: 40,
    profile: 'lean-core',
    events: { min: 8, max: 64 },
    shard: WHOLE,
    ...over,
  });

  it('plans cycles 1..n with seeds in [0, 2^63) and event counts within the range, deterministically', () => {
    for (const campaignSeed of [0n, 1n, 12345n, TWO_63, U64_MAX]) {
      const cycles = planCycles(plan({ campaignSeed }));
      assert.deepEqual(
        cycles.map((c) => c.cycle),
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      for (const c of cycles) {
        assert.ok(c.seed >= 0n && c.seed < TWO_63, `seed ${c.seed} in [0, 2^63)`);
        assert.ok(c.events >= 8 && c.events <= 64, `events ${c.events} in [8, 64]`);
        assert.equal(c.profile, 'lean-core');
        assert.equal(c.seed, cycleSeed(campaignSeed, c.cycle));
      }
      assert.deepEqual(planCycles(plan({ campaignSeed })), cycles, 'same campaign seed, same plan');
      assert.equal(new Set(cycles.map((c) => c.seed)).size, cycles.length, 'distinct seeds per cycle');
    }
    const a = planCycles(plan({ campaignSeed: 1n })).map((c) => c.seed);
    const b = planCycles(plan({ campaignSeed: 2n })).map((c) => c.seed);
    assert.notDeepEqual(a, b, 'the campaign seed matters');
  });

  it('draws every event count of a small range, and exactly the count when min = max', () => {
    const counts = new Set(planCycles(plan({ cycles: 300, events: { min: 3, max: 5 } })).map((c) => c.events));
    assert.deepEqual([...counts].sort(), [3, 4, 5]);
    assert.ok(planCycles(plan({ events: { min: 7, max: 7 } })).every((c) => c.events === 7));
  });

  it('a fixed seed is used for every cycle; event counts stay per cycle', () => {
    const cycles = planCycles(plan({ fixedSeed: U64_MAX }));
    assert.ok(cycles.every((c) => c.seed === U64_MAX));
    assert.deepEqual(
      cycles.map((c) => c.events),
      planCycles(plan()).map((c) => c.events),
    );
  });

  it('the shards of a campaign partition it: every cycle once, with the unsharded configuration', () => {
    for (const cycles of [1, 2, 12, 13]) {
      const whole = planCycles(plan({ cycles }));
      for (let count = 1; count <= 5; count++) {
        const parts: CycleConfig[] = [];
        for (let index = 1; index <= count; index++) {
          const shard: Shard = { index, count };
          const mine = planCycles(plan({ cycles, shard }));
          assert.ok(mine.every((c) => (c.cycle - 1) % count === index - 1), `shard ${index}/${count} runs its own cycles`);
          parts.push(...mine);
        }
        parts.sort((x, y) => x.cycle - y.cycle);
        assert.deepEqual(parts, whole, `${count} shards of ${cycles} cycles`);
      }
    }
  });

  it('parses i/n shards (1-based) and rejects the rest', () => {
    assert.deepEqual(parseShard('1/1'), { index: 1, count: 1 });
    assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
    assert.deepEqual(parseShard(' 4/4 '), { index: 4, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', '0/0', '-1/2', '1/-2', 'a/b', '1/2/3', '1', '', '1.5/2', '1/99999999999999999999']) {
      assert.equal(parseShard(bad), undefined, JSON.stringify(bad));
    }
  });
});

// ---------------------------------------------------------------------------
// fuzz/minimize/minimize.ts

describe('minimizer (fuzz/minimize/minimize.ts)', () => {
  /** Event types of the steps of a rendered trace. */
  const eventTypes = (text: string): string[] =>
    text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { kind: string; event?: { type: string } })
      .filter((v) => v.kind === 'step')
      .map((v) => v.event!.type);
  const needsBoth = (text: string): Promise<boolean> => {
    const types = eventTypes(text);
    return Promise.resolve(types.includes('RecoveryComplete') && types.includes('AdvanceMap'));
  };

  /** A generated event list holding several RecoveryComplete and AdvanceMap events. */
  function sampleTrace(): ExtractedTrace {
    for (let seed = 1n; seed < 500n; seed++) {
      const events: PeeringEvent[] = [];
      runTrace({ seed, events: 120, profile: 'full' }, (_i, event) => events.push(event));
      const count = (type: string) => events.filter((e) => e.type === type).length;
      if (count('RecoveryComplete') >= 2 && count('AdvanceMap') >= 2 && events.length >= 40) return { events, seed };
    }
    throw new Error('no generated trace with RecoveryComplete and AdvanceMap events');
  }

  it('extractEvents reads the events and the summary seed of a trace file', async (t) => {
    const dir = tempDir(t);
    const seed = 18446744073709551615n;
    const text = traceText({ seed, events: 30, profile: 'full' });
    const path = join(dir, 'trace.jsonl');
    writeFileSync(path, text);
    const trace = await extractEvents(path);
    assert.equal(trace.seed, seed);
    assert.equal(trace.events.length, stepLines(text));
    // Rendered again through the reducer, the events give back the same trace.
    assert.equal(eventsTraceText(trace.events, trace.seed), text);
  });

  it('shrinks to a 1-minimal list: one RecoveryComplete and one AdvanceMap', async () => {
    const trace = sampleTrace();
    const result = await minimizeEvents(trace, needsBoth, 1000);
    assert.ok(result !== undefined);
    assert.deepEqual(result.events.map((e) => e.type).sort(), ['AdvanceMap', 'RecoveryComplete']);
    assert.equal(result.complete, true);
    assert.equal(result.originalEvents, trace.events.length);
    assert.ok(result.runs > 1 && result.runs <= 1000);
    // The text is a valid trace of exactly those events, rebuilt through the reducer.
    assert.equal(replayText(result.text).steps, 2);
    assert.deepEqual(eventTypes(result.text), result.events.map((e) => e.type));
    assert.ok(result.events.every((e) => trace.events.includes(e)), 'events are taken from the original list');
  });

  it('stops at the budget with complete: false and a list that still fails', async () => {
    const trace = sampleTrace();
    let calls = 0;
    const counted = (text: string) => {
      calls++;
      return needsBoth(text);
    };
    const result = await minimizeEvents(trace, counted, 4);
    assert.ok(result !== undefined);
    assert.equal(result.complete, false);
    assert.ok(result.runs <= 4, `runs ${result.runs} within the budget`);
    assert.equal(calls, result.runs);
    assert.ok(result.events.length > 2, 'not minimal yet');
    assert.equal(await needsBoth(result.text), true);
  });

  it('returns undefined when the rebuilt trace does not fail', async () => {
    const trace = sampleTrace();
    assert.equal(await minimizeEvents(trace, () => Promise.resolve(false), 100), undefined);
  });
});

// ---------------------------------------------------------------------------
// The bin, in-process (worker threads)

describe('replay-fuzz in-process', () => {
  for (const profile of ['lean-core', 'full']) {
    it(`--profile ${profile}: every cycle passes`, async (t) => {
      const dir = tempDir(t);
      const r = await fuzz(['--profile', profile, '--cycles', '6', '--event-range', '32', '128', '--jobs', '2', '--require-cpp-image-invariant', '--report', 'r.json'], dir);
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, /All 6 cycles passed/);
      const cycles = announced(r.stdout);
      assert.deepEqual(
        cycles.map((c) => c.cycle).sort((a, b) => a - b),
        [1, 2, 3, 4, 5, 6],
      );
      assert.ok(cycles.every((c) => c.profile === profile && c.events >= 32 && c.events <= 128 && c.seed < TWO_63));
      const report = readReportView(join(dir, 'r.json'));
      assert.deepEqual(report.cycles, { planned: 6, run: 6, passed: 6, failed: 0 });
      assert.equal(report.interrupted, false);
    });
  }

  it('--require-image-invariant is accepted as the alias', async (t) => {
    const dir = tempDir(t);
    const r = await fuzz(['--cycles', '2', '--event', '10', '--require-image-invariant', '--report', 'r.json'], dir);
    assert.equal(r.code, 0, show(r));
    assert.match(readFileSync(join(dir, 'r.json'), 'utf8'), /"require_image_invariant": true/);
  });
});

// ---------------------------------------------------------------------------
// The bin with external processes

describe('replay-fuzz with external tools', () => {
  it('saves each failing trace durably, indexes it with its sha256 and size, and a working reproduce command', async (t) => {
    const dir = tempDir(t);
    // --event 5 gives traces of exactly 6 steps: all fail "more than 5".
    const r = await fuzz([...stepLimit(5), '--cycles', '3', '--jobs', '2', '--event', '5', '--campaign-seed', '11', '--save-failure-traces', 'out'], dir);
    assert.equal(r.code, 1, show(r));
    assert.match(r.stdout, /3 of 3 cycles failed/);
    const records = readRecords(join(dir, 'out'));
    assert.deepEqual(
      records.map((f) => f.config.cycle).sort(),
      [1, 2, 3],
    );
    const plan = planCycles({ campaignSeed: 11n, cycles: 3, profile: 'lean-core', events: { min: 5, max: 5 }, shard: WHOLE });
    for (const f of records) {
      const c = plan[f.config.cycle - 1]!;
      assert.equal(BigInt(f.config.seed), c.seed);
      assert.equal(f.config.event, 5);
      assert.equal(BigInt(f.campaign_seed), 11n);
      assert.equal(f.replayer_returncode, 1);
      assert.equal(f.cross_validate_returncode, 0);
      assert.equal(f.replayer_stderr, 'step-limit-checker: 6 steps, more than 5\n');
      assert.equal(f.trace_path, join(dir, 'out', `failure-cycle-000${c.cycle}-seed-${c.seed}.jsonl`));
      const bytes = assertRecordedTrace(f);
      assert.ok(bytes.equals(generated(f.config)), 'the saved trace is what the generator wrote');
      // The reproduce command, run by a shell, fails the same way.
      const again = spawnSync('sh', ['-c', f.reproduce], { cwd: dir, encoding: 'utf8' });
      assert.equal(again.status, 1, f.reproduce);
      assert.match(again.stderr, /step-limit-checker: 6 steps, more than 5/);
      assert.ok(r.stdout.includes(`trace: ${f.trace_path}`));
    }
    assert.deepEqual(readdirSync(join(dir, 'out')).filter((n) => n.startsWith('.tmp-')), [], 'no temporaries left');
  });

  it('--minimize shrinks a failing trace to exactly N+1 steps, valid for the TS checker and still failing', async (t) => {
    const dir = tempDir(t);
    const r = await fuzz([...stepLimit(3), '--cycles', '1', '--event', '12', '--minimize', '--save-failure-traces', 'out'], dir);
    assert.equal(r.code, 1, show(r));
    const [f] = readRecords(join(dir, 'out'));
    assert.ok(f !== undefined);
    assertRecordedTrace(f);
    const m = asMinimized(f.minimized);
    assert.equal(m.events, 4);
    assert.equal(m.original_events, 13);
    assert.equal(m.complete, true);
    assert.ok(m.trace_path !== null && m.trace_path.endsWith('.min.jsonl'));
    const minBytes = readFileSync(m.trace_path);
    assert.equal(m.trace_sha256, sha256(minBytes));
    const text = minBytes.toString('utf8');
    assert.equal(stepLines(text), 4);
    assertWholeTrace(m.trace_path);
    assert.match(r.stdout, /minimized: 4 of 13 events/);

    const fails = spawnSync(fake('step-limit-checker.js'), ['3', '-'], { input: minBytes, encoding: 'utf8' });
    assert.equal(fails.status, 1, 'the minimized trace still fails the fake checker');
    const ours = spawnSync(process.execPath, [REPLAY, m.trace_path], { encoding: 'utf8' });
    assert.equal(ours.status, 0, ours.stderr);
    assert.match(ours.stdout, /^replay ok: steps=4 summaries=1$/m);
  });

  it('--minimize-budget bounds the checker runs and records an incomplete minimization', async (t) => {
    const dir = tempDir(t);
    const r = await fuzz([...stepLimit(3), '--cycles', '1', '--event', '12', '--minimize', '--minimize-budget', '2', '--save-failure-traces', 'out'], dir);
    assert.equal(r.code, 1, show(r));
    const [f] = readRecords(join(dir, 'out'));
    const m = asMinimized(f?.minimized);
    assert.equal(m.complete, false);
    assert.ok(m.checker_runs <= 2, `checker_runs ${m.checker_runs}`);
    assert.ok(m.events > 4 && m.events <= 13, `events ${m.events}`);
    assert.equal(spawnSync(fake('step-limit-checker.js'), ['3'], { input: readFileSync(m.trace_path!) }).status, 1);
  });

  it('--timeout kills a hanging checker: the cycles fail with a timeout reason and the run ends', async (t) => {
    const dir = tempDir(t);
    const r = await fuzz(['--replayer', fake('hang-checker.js'), '--cycles', '2', '--jobs', '2', '--event', '5', '--timeout', '2', '--save-failure-traces', 'out'], dir);
    assert.equal(r.code, 1, show(r));
    const records = readRecords(join(dir, 'out'));
    assert.equal(records.length, 2);
    for (const f of records) {
      assert.equal(f.failure_reason, 'replayer timed out after 2 s and was killed');
      assert.equal(f.replayer_returncode, null);
      assert.equal(f.cross_validate_returncode, 0);
      assertRecordedTrace(f);
      assertWholeTrace(f.trace_path!);
    }
    assert.match(r.stdout, /reason: replayer timed out after 2 s/);
  });

  it('a crashing checker is a failure naming the signal', async (t) => {
    const dir = tempDir(t);
    const r = await fuzz(['--replayer', fake('crash-checker.js'), '--cycles', '1', '--event', '5', '--save-failure-traces', 'out'], dir);
    assert.equal(r.code, 1, show(r));
    const [f] = readRecords(join(dir, 'out'));
    assert.ok(f !== undefined);
    assert.equal(f.failure_reason, 'replayer was killed by SIGSEGV');
    assert.equal(f.replayer_returncode, null);
    assert.match(r.stdout, /replayer_rc=null/);
    assertRecordedTrace(f);
  });

  it('a generator writing garbage fails the TS checker as malformed (exit 3); the garbage is saved', async (t) => {
    const dir = tempDir(t);
    const r = await fuzz(['--cross-validate', fake('garbage-generator.js'), '--cycles', '2', '--event', '5', '--save-failure-traces', 'out'], dir);
    assert.equal(r.code, 1, show(r));
    const records = readRecords(join(dir, 'out'));
    assert.equal(records.length, 2);
    for (const f of records) {
      assert.equal(f.cross_validate_returncode, 0);
      assert.equal(f.replayer_returncode, 3);
      assert.match(f.replayer_stderr, /^peering-replay-ts: line \d+: /);
      const bytes = assertRecordedTrace(f);
      assert.equal(bytes.toString('utf8'), 'this is not a trace\nnor { is this\n');
      assert.match(f.reproduce, /garbage-generator\.js --profile lean-core --seed \d+ --events 5 \| .*scripts\/peering-replay-ts\.js --model both -$/);
    }
  });

  it('--stop-on-first-failure stops scheduling after the first failure', async (t) => {
    const dir = tempDir(t);
    const r = await fuzz([...stepLimit(0), '--cycles', '6', '--jobs', '1', '--event', '3', '--stop-on-first-failure', '--report', 'r.json'], dir);
    assert.equal(r.code, 1, show(r));
    assert.deepEqual(
      announced(r.stdout).map((c) => c.cycle),
      [1],
    );
    const report = readReportView(join(dir, 'r.json'));
    assert.deepEqual(report.cycles, { planned: 6, run: 1, passed: 0, failed: 1 });
    assert.match(r.stdout, /1 of 1 cycles failed/);
  });

  it('the same campaign seed finds the same failures with --jobs 1 and --jobs 2', async (t) => {
    const dir = tempDir(t);
    // With at most 50 events a trace has exactly events + 1 steps, so the
    // failing cycles (more than 30 steps) follow from the plan.
    // Six cycles here (three fail), ten at full size (test/long/full-size.test.ts).
    const cycles = bySize(6, 10);
    const args = [...stepLimit(30), '--campaign-seed', '2024', '--cycles', String(cycles), '--event-range', '10', '50'];
    const plan = planCycles({ campaignSeed: 2024n, cycles, profile: 'lean-core', events: { min: 10, max: 50 }, shard: WHOLE });
    const expected = plan.filter((c) => c.events + 1 > 30).map((c) => seedKey({ cycle: c.cycle, seed: c.seed, event: c.events }));
    assert.ok(expected.length > 0 && expected.length < plan.length, 'the campaign mixes passing and failing cycles');
    const found: string[][] = [];
    for (const jobs of ['1', '2']) {
      const r = await fuzz([...args, '--jobs', jobs, '--report', `r${jobs}.json`, '--save-failure-traces', `out${jobs}`], dir);
      assert.equal(r.code, 1, show(r));
      found.push(
        readRecords(join(dir, `out${jobs}`))
          .map((f) => seedKey(f.config))
          .sort(),
      );
      const report = readReportView(join(dir, `r${jobs}.json`));
      assert.deepEqual(report.cycles, { planned: cycles, run: cycles, passed: cycles - expected.length, failed: expected.length });
    }
    assert.deepEqual(found[0], [...expected].sort());
    assert.deepEqual(found[1], found[0]);
  });

  it('accepts any uint64 seed and records it exactly', async (t) => {
    const dir = tempDir(t);
    const r = await fuzz([...stepLimit(2), '--seed', '18446744073709551615', '--campaign-seed', '18446744073709551615', '--cycles', '2', '--event', '4', '--save-failure-traces', 'out', '--report', 'r.json'], dir);
    assert.equal(r.code, 1, show(r));
    assert.deepEqual(
      announced(r.stdout).map((c) => c.seed),
      [U64_MAX, U64_MAX],
    );
    const records = readRecords(join(dir, 'out'));
    assert.equal(records.length, 2);
    for (const f of records) {
      // Written as decimal strings (see test/fuzz/outputs/report-json.test.ts), read back exactly.
      assert.equal(BigInt(f.config.seed), U64_MAX);
      assert.equal(BigInt(f.campaign_seed), U64_MAX);
      assert.ok(f.trace_path!.endsWith(`-seed-18446744073709551615.jsonl`));
      const bytes = assertRecordedTrace(f);
      assert.match(bytes.toString('utf8'), /\{"kind":"summary","seed":18446744073709551615,"events":5\}\n$/);
    }
    const report = readFileSync(join(dir, 'r.json'), 'utf8');
    assert.match(report, /"seed": "18446744073709551615",/);
    assert.match(report, /"campaign_seed": "18446744073709551615",/);
  });
});

// ---------------------------------------------------------------------------
// Shards and merge

describe('replay-fuzz --shard and merge', () => {
  const common = ['--campaign-seed', '77', '--cycles', '12', '--event-range', '4', '16', '--jobs', '2'];

  it('shards 1/3, 2/3, 3/3 run every cycle once, with the unsharded seeds; merge combines them', async (t) => {
    const dir = tempDir(t);
    const whole = await fuzz([...common], dir);
    assert.equal(whole.code, 0, show(whole));
    const all = announced(whole.stdout).sort((a, b) => a.cycle - b.cycle);
    assert.deepEqual(
      all.map((c) => c.cycle),
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    const plan = planCycles({ campaignSeed: 77n, cycles: 12, profile: 'lean-core', events: { min: 4, max: 16 }, shard: WHOLE });
    assert.deepEqual(
      all.map((c) => [c.cycle, c.seed, c.events]),
      plan.map((c) => [c.cycle, c.seed, c.events]),
    );

    const parts: Announced[] = [];
    for (const i of [1, 2, 3]) {
      const r = await fuzz([...common, '--shard', `${i}/3`, '--report', `shard${i}.json`], dir);
      assert.equal(r.code, 0, show(r));
      const mine = announced(r.stdout);
      assert.ok(mine.every((c) => (c.cycle - 1) % 3 === i - 1 && c.total === 12));
      assert.match(r.stdout, /All 4 cycles passed/);
      assert.equal(readReportView(join(dir, `shard${i}.json`)).config.shard, `${i}/3`);
      parts.push(...mine);
    }
    parts.sort((a, b) => a.cycle - b.cycle);
    assert.deepEqual(parts, all, 'the shards together are the campaign, each cycle once');

    const merged = spawnSync(process.execPath, [BIN, 'merge', 'shard1.json', 'shard2.json', 'shard3.json', '--output', 'merged.json'], { cwd: dir, encoding: 'utf8' });
    assert.equal(merged.status, 0, merged.stderr);
    const report = readReportView(join(dir, 'merged.json'));
    assert.equal(report.complete, true);
    assert.deepEqual(report.shards, ['1/3', '2/3', '3/3']);
    assert.deepEqual(report.cycles, { planned: 12, run: 12, passed: 12, failed: 0 });
    assert.equal(report.interrupted, false);

    const toStdout = spawnSync(process.execPath, [BIN, 'merge', 'shard3.json', 'shard1.json', 'shard2.json'], { cwd: dir, encoding: 'utf8' });
    assert.equal(toStdout.status, 0, toStdout.stderr);
    assert.equal((JSON.parse(toStdout.stdout) as ReportView).cycles.run, 12);
  });

  it('merge reports a missing shard (exit 2), and sums failures of failing shards (exit 1)', async (t) => {
    const dir = tempDir(t);
    const args = [...stepLimit(12), '--campaign-seed', '5', '--cycles', '6', '--event-range', '4', '20'];
    for (const i of [1, 2, 3]) {
      const r = await fuzz([...args, '--shard', `${i}/3`, '--report', `s${i}.json`], dir);
      assert.ok(r.code === 0 || r.code === 1, show(r));
    }
    const plan = planCycles({ campaignSeed: 5n, cycles: 6, profile: 'lean-core', events: { min: 4, max: 20 }, shard: WHOLE });
    const failing = plan.filter((c) => c.events + 1 > 12).map((c) => c.cycle);
    assert.ok(failing.length > 0 && failing.length < 6, 'some cycles fail');

    const two = spawnSync(process.execPath, [BIN, 'merge', 's1.json', 's2.json'], { cwd: dir, encoding: 'utf8' });
    assert.equal(two.status, 2, two.stderr);
    assert.match(two.stderr, /missing shard\(s\): 3\/3/);
    assert.equal((JSON.parse(two.stdout) as ReportView).complete, false);

    const three = spawnSync(process.execPath, [BIN, 'merge', 's1.json', 's2.json', 's3.json'], { cwd: dir, encoding: 'utf8' });
    assert.equal(three.status, 1, three.stderr);
    const report = JSON.parse(three.stdout) as ReportView;
    assert.equal(report.complete, true);
    assert.deepEqual(report.cycles, { planned: 6, run: 6, passed: 6 - failing.length, failed: failing.length });
    assert.deepEqual(
      report.failures.map((f) => f.config.cycle),
      failing,
    );
  });
});

// ---------------------------------------------------------------------------
// Crashes and signals

describe('replay-fuzz under kill -9 and signals', () => {
  it('kill -9 leaves an index whose every record points at an intact trace; a second run extends it', async (t) => {
    const dir = tempDir(t);
    const out = join(dir, 'out');
    const driver = launch(
      ['--cross-validate', fake('slow-generator.js'), ...stepLimit(2), '--cycles', '100', '--jobs', '2', '--event', '20', '--campaign-seed', '3', '--save-failure-traces', 'out'],
      dir,
      { SLOW_LINE_MS: '15' },
    );
    t.after(() => killGroup(driver));
    await until('a failure in failures.json', () => {
      try {
        return readRecords(out).length >= 1;
      } catch {
        return false;
      }
    });
    signalIfSame(driver.process, 'SIGKILL');
    const killed = await driver.done;
    killGroup(driver);
    assert.equal(killed.signal, 'SIGKILL');

    const check = (): FailureRecord[] => {
      const records = readRecords(out);
      for (const f of records) assertRecordedTrace(f);
      for (const name of readdirSync(out)) {
        if (name.endsWith('.jsonl') && !name.startsWith('.tmp-')) assertWholeTrace(join(out, name));
      }
      return records;
    };
    const before = check();
    assert.ok(before.length >= 1);
    // A torn temporary, as a write cut short would leave.
    writeFileSync(join(out, '.tmp-0123456789ab-failure-cycle-0099-seed-1.jsonl'), '{"kind":"step","st');

    const second = await fuzz([...stepLimit(2), '--cycles', '2', '--event', '3', '--campaign-seed', '4', '--save-failure-traces', 'out'], dir);
    assert.equal(second.code, 1, show(second));
    const after = check();
    assert.equal(after.length, before.length + 2, 'the index is extended');
    assert.deepEqual(after.slice(0, before.length), before, 'earlier records are kept as they were');
    assert.ok(after.slice(before.length).every((f) => BigInt(f.campaign_seed) === 4n));
    assert.deepEqual(readdirSync(out).filter((n) => n.startsWith('.tmp-')), [], 'stale temporaries are removed');
  });

  it('SIGINT stops an in-process campaign: exit 130, report written with interrupted: true', async (t) => {
    const dir = tempDir(t);
    const driver = launch(['--cycles', '1000', '--event', '200', '--jobs', '2', '--report', 'r.json'], dir);
    t.after(() => killGroup(driver));
    await until('the first cycle', () => driver.stdout().includes('[1/1000]'));
    signalIfSame(driver.process, 'SIGINT');
    const r = await driver.done;
    assert.equal(r.code, 130, show(r));
    assert.match(r.stdout, /Interrupted after \d+ of 1000 cycles/);
    const report = readReportView(join(dir, 'r.json'));
    assert.equal(report.interrupted, true);
    assert.equal(report.cycles.planned, 1000);
    assert.ok(report.cycles.run < 1000);
  });

  it('SIGTERM stops an external campaign: exit 130, report written, no temporaries left', async (t) => {
    const dir = tempDir(t);
    const driver = launch(
      ['--cross-validate', fake('slow-generator.js'), '--cycles', '50', '--jobs', '2', '--event', '30', '--report', 'r.json', '--save-failure-traces', 'out'],
      dir,
      { SLOW_LINE_MS: '20' },
    );
    t.after(() => killGroup(driver));
    await until('the first cycles', () => driver.stdout().includes('[2/50]'));
    signalIfSame(driver.process, 'SIGTERM');
    const r = await driver.done;
    assert.equal(r.code, 130, show(r));
    const report = readReportView(join(dir, 'r.json'));
    assert.equal(report.interrupted, true);
    assert.ok(report.cycles.run < 50);
    assert.deepEqual(readdirSync(join(dir, 'out')).filter((n) => n.startsWith('.tmp-')), []);
  });
});

// ---------------------------------------------------------------------------
// Usage errors

describe('replay-fuzz usage errors', () => {
  const cases: [string, string[], RegExp][] = [
    ['--shard without --campaign-seed', ['--shard', '2/4'], /--shard needs --campaign-seed/],
    ['--shard with --seed but no --campaign-seed', ['--shard', '1/2', '--seed', '5', '--event-range', '5', '40'], /--shard needs --campaign-seed/],
    ['--shard out of range', ['--shard', '5/4', '--campaign-seed', '1'], /--shard must look like i\/n/],
    ['--event-range min > max', ['--event-range', '5', '3'], /--event-range min must be <= max/],
    ['--event-range with one value', ['--event-range', '5'], /--event-range takes two values/],
    ['--cycles 0', ['--cycles', '0'], /--cycles must be a positive integer/],
    ['--replayer that does not exist', ['--replayer', '/nonexistent/peering-replay'], /replayer is not an executable file: \/nonexistent\/peering-replay/],
    ['--cross-validate not on PATH', ['--cross-validate', 'no-such-cross-validate-xyz'], /cross_validate not found on PATH/],
    ['an unknown option', ['--bogus'], /unknown option '--bogus'/],
    ['--seed beyond uint64', ['--seed', '18446744073709551616'], /--seed must be an integer in 0\.\.18446744073709551615/],
    ['a stray argument', ['--cycles', '1', 'extra'], /argument/],
    ['merge of an unreadable report', ['merge', 'missing.json'], /missing\.json/],
  ];
  for (const [name, args, message] of cases) {
    it(`${name}: exit 2 with one line`, async (t) => {
      const r = await fuzz(args, tempDir(t));
      assert.equal(r.code, 2, show(r));
      assert.equal(r.stdout, '');
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, /^replay-fuzz: /);
      assert.match(lines[0]!, message);
    });
  }

  it('a failure directory used by a live driver is refused (exit 2); a stale lock is taken over', async (t) => {
    const dir = tempDir(t);
    const out = join(dir, 'out');
    mkdirSync(out);
    // A live driver (played by this test runner, with its real identity) holds the lock.
    writeFileSync(join(out, '.replay-fuzz.lock'), `${JSON.stringify(ownIdentity())}\n`);
    const refused = await fuzz(['--cycles', '1', '--event', '5', '--save-failure-traces', out], dir);
    assert.equal(refused.code, 2, show(refused));
    assert.match(refused.stderr, /is in use by another replay-fuzz \(pid \d+\)/);
    // A dead owner's lock (a kill -9) does not block the next run, and is released at the end.
    writeFileSync(join(out, '.replay-fuzz.lock'), '2147483646\n');
    const ok = await fuzz(['--cycles', '1', '--event', '5', '--save-failure-traces', out], dir);
    assert.equal(ok.code, 0, show(ok));
    assert.equal(existsSync(join(out, '.replay-fuzz.lock')), false);
  });

  it('--help prints the usage and exits 0', async (t) => {
    const r = await fuzz(['--help'], tempDir(t));
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /--campaign-seed <uint64>/);
    assert.match(r.stdout, /Exit status: 0 all cycles passed, 1 failures found, 2 usage or setup error,/);
  });
});
