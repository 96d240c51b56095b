/**
 * The cycle phase: every slot takes the next cycle of the plan, runs it on
 * the engine the settings choose (in-process worker, external processes,
 * an implementation under test), and hands the outcome to the record phase.
 */
import { rmSync } from 'node:fs';
import { runExternalCycle, SetupError } from '../cycle/external.js';
import { runImplCycle } from '../cycle/impl.js';
import type { CycleOutcome } from '../cycle/outcome.js';
import type { CycleSlot, SlotReply } from '../cycle/pool.js';
import { tempPathIn } from '../store/durable.js';
import { shardCycle, type CycleConfig } from '../plan/campaign.js';
import { recordOutcome } from './record.js';
import { MAX_TIMER_MS, traceBaseName } from './settings.js';
import { elapsed, type CampaignState } from './state.js';

/** Runs the shard's cycles over all slots; resolves once every failure is on disk. */
export async function runCycles(state: CampaignState): Promise<void> {
  await Promise.all(state.slots.map((slot) => slotLoop(state, slot)));
  await state.persisting;
}

async function slotLoop(state: CampaignState, slot: CycleSlot): Promise<void> {
  const s = state.settings;
  while (!state.stop && !s.signal.aborted && state.counters.next < state.total) {
    const config = shardCycle(s.plan, state.counters.next++);
    announce(state, config);
    const cycleStart = process.hrtime.bigint();
    let outcome: CycleOutcome | undefined;
    try {
      outcome = await runCycle(state, config, slot);
    } catch (err) {
      if (!(err instanceof SetupError)) throw err;
      state.setupError ??= err;
      state.stop = true;
      return;
    }
    if (outcome === undefined) return;
    s.onCycle?.({ config, ok: outcome.ok, seconds: Number(process.hrtime.bigint() - cycleStart) / 1e9 });
    await recordOutcome(state, outcome);
    const c = state.counters;
    state.bar?.update(c.done, c.done - c.passed, c.events / Math.max(elapsed(state), 1e-3));
  }
}

function announce(state: CampaignState, c: CycleConfig): void {
  const s = state.settings;
  if (s.progress === 'lines') s.out(`[${c.cycle}/${s.plan.cycles}] seed=${c.seed} event=${c.events} profile=${c.profile}\n`);
}

/** One cycle on the settings' engine; undefined when the campaign was interrupted during it. */
function runCycle(state: CampaignState, config: CycleConfig, slot: CycleSlot): Promise<CycleOutcome | undefined> {
  const traceTemp = tempPathIn(state.tempDir, `${traceBaseName(config)}.jsonl`);
  if (state.tools.impl !== undefined) return runImpl(state, config, traceTemp);
  if (state.tools.external) return runExternal(state, config, traceTemp);
  return runInProcess(state, config, slot, traceTemp);
}

async function runImpl(state: CampaignState, config: CycleConfig, traceTemp: string): Promise<CycleOutcome | undefined> {
  const s = state.settings;
  const { generator, replayer, impl } = state.tools;
  const outcome = await runImplCycle(config, { generator, impl: impl!, replayer, requireInvariant: s.requireInvariant, timeoutMs: s.timeoutMs, traceTemp, signal: s.signal, groups: state.groups, io: state.io });
  if (!s.signal.aborted) return outcome;
  rmSync(traceTemp, { force: true });
  if (outcome.implementation?.eventsTemp !== undefined) rmSync(outcome.implementation.eventsTemp, { force: true });
  return undefined;
}

async function runExternal(state: CampaignState, config: CycleConfig, traceTemp: string): Promise<CycleOutcome | undefined> {
  const s = state.settings;
  const { generator, replayer } = state.tools;
  const outcome = await runExternalCycle(config, { generator, replayer, requireInvariant: s.requireInvariant, timeoutMs: s.timeoutMs, traceTemp, signal: s.signal, groups: state.groups, io: state.io });
  if (!s.signal.aborted) return outcome;
  rmSync(traceTemp, { force: true });
  return undefined;
}

async function runInProcess(state: CampaignState, config: CycleConfig, slot: CycleSlot, traceTemp: string): Promise<CycleOutcome | undefined> {
  const s = state.settings;
  const options = { requireInvariant: s.requireInvariant, mode: s.mode, model: s.model };
  const reply = await slot.run({ kind: 'cycle', config, options, ...(state.needTrace ? { traceTemp } : {}) }, s.timeoutMs, s.signal);
  switch (reply.kind) {
    case 'outcome':
      return reply.outcome;
    case 'interrupted':
      rmSync(traceTemp, { force: true });
      return undefined;
    case 'done':
    case 'produced':
      throw new Error('unexpected worker reply');
    case 'timeout':
    case 'error':
      return lostCycle(state, config, slot, traceTemp, reply);
  }
}

/**
 * A worker that timed out or crashed: the cycle fails, and its trace is
 * regenerated on a fresh worker so the record keeps what the cycle would
 * have produced, but never a partial file.
 */
async function lostCycle(state: CampaignState, config: CycleConfig, slot: CycleSlot, traceTemp: string, reply: Extract<SlotReply, { kind: 'timeout' | 'error' }>): Promise<CycleOutcome> {
  const s = state.settings;
  let saved = false;
  if (state.needTrace) {
    rmSync(traceTemp, { force: true }); // what the stopped worker may have left
    const regenerate = s.timeoutMs > 0 ? Math.min(Math.max(10 * s.timeoutMs, 60_000), MAX_TIMER_MS) : 0;
    saved = (await slot.run({ kind: 'write-trace', config, path: traceTemp }, regenerate, s.signal)).kind === 'done';
    if (!saved) rmSync(traceTemp, { force: true });
  }
  const why = reply.kind === 'timeout' ? `in-process cycle timed out after ${s.timeoutMs / 1000} s` : `in-process cycle crashed: ${reply.message.split('\n')[0]}`;
  return {
    config,
    ok: false,
    events: 0,
    generatorExit: null,
    replayerExit: null,
    generatorStderr: '',
    replayerStderr: reply.kind === 'error' ? reply.message : '',
    reason: state.needTrace && !saved ? `${why}; the trace could not be regenerated in time and was not saved` : why,
    lost: reply.kind === 'timeout' ? 'timeout' : 'crash',
    ...(saved ? { traceTemp } : {}),
  };
}
