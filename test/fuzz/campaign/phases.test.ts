/**
 * Each phase of runCampaign on its own: open, run cycles, record an
 * outcome, summarize, close. The whole pipeline is tested through the bin
 * (fuzz.test.ts); these pin what each phase reads and writes in the state.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { runCycles } from '../../../fuzz/campaign/cycles.js';
import { recordOutcome } from '../../../fuzz/campaign/record.js';
import type { FuzzSettings } from '../../../fuzz/campaign/settings.js';
import { closeCampaign, openCampaign, type CampaignState } from '../../../fuzz/campaign/state.js';
import { summarizeCampaign } from '../../../fuzz/campaign/summarize.js';
import type { CycleOutcome } from '../../../fuzz/cycle/outcome.js';
import { WHOLE, type CampaignPlan } from '../../../fuzz/plan/campaign.js';
import { parseJsonWithFractions } from '../../../replay/index.js';

const PLAN: CampaignPlan = { campaignSeed: 18446744073709551615n, cycles: 3, profile: 'lean-core', events: { min: 5, max: 9 }, shard: WHOLE };

function settings(t: TestContext, extra: Partial<FuzzSettings> = {}): { s: FuzzSettings; lines: string[] } {
  const lines: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'phases-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const s: FuzzSettings = {
    plan: PLAN,
    jobs: 1,
    stopOnFirstFailure: false,
    saveDir: join(dir, 'failures'),
    requireInvariant: false,
    timeoutMs: 0,
    minimize: false,
    minimizeBudget: 10,
    mode: 'lean',
    model: 'cpp',
    progress: 'lines',
    argv: ['--cycles', '3'],
    out: (text) => void lines.push(text),
    err: process.stderr,
    signal: new AbortController().signal,
    ...extra,
  };
  return { s, lines };
}

async function opened(t: TestContext, extra: Partial<FuzzSettings> = {}): Promise<{ state: CampaignState; lines: string[] }> {
  const { s, lines } = settings(t, extra);
  const state = openCampaign(s);
  t.after(() => closeCampaign(state));
  return { state, lines };
}

function outcome(state: CampaignState, ok: boolean, cycle: number): CycleOutcome {
  const traceTemp = join(state.tempDir, `.tmp-cycle-${cycle}.jsonl`);
  writeFileSync(traceTemp, '{"kind":"summary","seed":1,"events":0}\n');
  return {
    config: { cycle, profile: 'lean-core', seed: 7n, events: 5 },
    ok,
    events: 6,
    generatorExit: 0,
    replayerExit: ok ? 0 : 1,
    generatorStderr: '',
    replayerStderr: ok ? '' : 'mismatch',
    traceTemp,
  };
}

describe('campaign phases', () => {
  it('open: takes the failure directory, a scratch directory and the slots; counters start at zero', async (t) => {
    let started = 0;
    const { state } = await opened(t, { started: () => void started++ });
    assert.equal(started, 1);
    assert.equal(state.total, 3);
    assert.equal(state.slots.length, 1);
    assert.ok(existsSync(state.scratch.dir));
    assert.ok(existsSync(state.settings.saveDir!));
    assert.deepEqual(state.counters, { next: 0, done: 0, passed: 0, events: 0, unrecorded: 0 });
    assert.equal(state.tools.external, false);
  });

  it('record: a pass only counts; a failure is in the index, its trace committed, before its line is printed', async (t) => {
    const { state, lines } = await opened(t);
    const pass = outcome(state, true, 1);
    await recordOutcome(state, pass);
    assert.equal(existsSync(pass.traceTemp!), false, 'a passing trace is removed');
    assert.deepEqual({ done: state.counters.done, passed: state.counters.passed, events: state.counters.events }, { done: 1, passed: 1, events: 6 });
    await recordOutcome(state, outcome(state, false, 2));
    assert.deepEqual({ done: state.counters.done, passed: state.counters.passed }, { done: 2, passed: 1 });
    const index = parseJsonWithFractions(readFileSync(join(state.settings.saveDir!, 'failures.json'), 'utf8')) as { failures?: unknown[] } | unknown[];
    const records = (Array.isArray(index) ? index : index.failures) as { config: { cycle: number }; trace_path: string }[];
    assert.equal(records.length, 1);
    assert.equal(records[0]!.config.cycle, 2);
    assert.ok(existsSync(records[0]!.trace_path));
    assert.deepEqual(lines, ['  ok [1/3]\n', '  failure [2/3]\n']);
  });

  it('record: --stop-on-first-failure stops scheduling at the first failure', async (t) => {
    const { state } = await opened(t, { stopOnFirstFailure: true });
    await recordOutcome(state, outcome(state, true, 1));
    assert.equal(state.stop, false);
    await recordOutcome(state, outcome(state, false, 2));
    assert.equal(state.stop, true);
  });

  it('run cycles: every cycle of the shard runs once, in-process, and passes', async (t) => {
    const { state, lines } = await opened(t);
    await runCycles(state);
    assert.deepEqual({ next: state.counters.next, done: state.counters.done, passed: state.counters.passed }, { next: 3, done: 3, passed: 3 });
    assert.ok(state.counters.events >= 3 * 6);
    assert.equal(lines.filter((l) => l.startsWith('[')).length, 3);
    const steps = state.coverage.result().transitions.reduce((n, tr) => n + tr.count, 0);
    assert.equal(steps, state.counters.events, 'coverage counts every step once');
  });

  it('summarize: the report is a function of the state (counts, shard, uint64 seed, tools)', async (t) => {
    const { state } = await opened(t);
    Object.assign(state.counters, { next: 3, done: 3, passed: 2, events: 40 });
    const report = summarizeCampaign(state);
    assert.deepEqual(report.cycles, { planned: 3, run: 3, passed: 2, failed: 1 });
    assert.equal(report.events, 40);
    assert.equal(report.config.campaign_seed, 18446744073709551615n);
    assert.equal(report.config.shard, '1/1');
    assert.equal(report.config.replayer, 'in-process (TS checker, model cpp, lean)');
    assert.equal(report.divergences, undefined, 'the catalogue is reported under --model both only');
    assert.equal(report.interrupted, false);
  });
});
