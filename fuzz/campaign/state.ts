/**
 * A campaign's state, in one object: what every phase reads and the
 * counters the cycle phase moves. `openCampaign` acquires what the campaign
 * holds (failure directory lock, scratch directory, worker slots) and
 * `closeCampaign` gives it back, whatever happened in between.
 */
import { setMaxListeners } from 'node:events';
import { ChildGroups } from '../cycle/child.js';
import { CoverageSum } from '../cycle/coverage.js';
import { createSlots, type CycleSlot } from '../cycle/pool.js';
import { DivergenceRecorder } from '../catalogue/catalogue-run.js';
import { loadCauseRegistry, type CauseRegistry } from '../catalogue/registry.js';
import { ProgressBar } from '../outputs/progress.js';
import { shardSize } from '../plan/campaign.js';
import { REAL_IO, type FileIo } from '../store/durable.js';
import { createScratch, GroupRecords, removeScratch, removeStaleScratch, type Scratch } from '../store/scratch.js';
import { FailureStore } from '../store/store.js';
import { campaignTools, type CampaignTools, type FuzzSettings } from './settings.js';

export interface CampaignCounters {
  /** Index (within the shard) of the next cycle to start. */
  next: number;
  done: number;
  passed: number;
  events: number;
  /** Failing cycles whose record could not be written. */
  unrecorded: number;
}

export interface CampaignState {
  readonly settings: FuzzSettings;
  readonly tools: CampaignTools;
  readonly io: FileIo;
  readonly groups: ChildGroups;
  readonly store: FailureStore;
  readonly scratch: Scratch;
  readonly slots: readonly CycleSlot[];
  /** Cycles this shard runs. */
  readonly total: number;
  /** Where cycles write their traces before a failure commits them. */
  readonly tempDir: string;
  /** Whether cycles must keep their trace (to save or to minimize it). */
  readonly needTrace: boolean;
  readonly coverage: CoverageSum;
  readonly divergences: DivergenceRecorder;
  /** The known causes findings are named from (`--known-divergences`, else the built-in registry). */
  readonly registry: CauseRegistry;
  readonly bar: ProgressBar | undefined;
  readonly startedAt: Date;
  readonly startNs: bigint;
  readonly counters: CampaignCounters;
  /** Set to stop scheduling (--stop-on-first-failure, a setup error). */
  stop: boolean;
  setupError: Error | undefined;
  /** Failure records are written one after another, in this chain. */
  persisting: Promise<void>;
}

export function openCampaign(s: FuzzSettings): CampaignState {
  const tools = campaignTools(s);
  // Every slot listens for the abort (up to two processes each).
  setMaxListeners(Math.max(10, 3 * s.jobs + 10), s.signal);
  removeStaleScratch();
  const io = s.io ?? REAL_IO;
  const store = new FailureStore(s.saveDir, io);
  let scratch: Scratch;
  try {
    scratch = createScratch();
  } catch (err) {
    store.close();
    throw err;
  }
  s.started?.();
  const total = shardSize(s.plan);
  const registry = s.registry ?? loadCauseRegistry();
  const groups = s.groups ?? new ChildGroups();
  // Should this driver be killed, the next one ends the tools it left running.
  groups.keepJournal(new GroupRecords(scratch.dir));
  return {
    settings: s,
    tools,
    io,
    groups,
    store,
    scratch,
    // External cycles use a slot only as a turn (its worker never starts).
    slots: createSlots(s.jobs, !tools.external, s.model),
    total,
    tempDir: s.saveDir ?? scratch.dir,
    needTrace: s.saveDir !== undefined || s.minimize,
    coverage: new CoverageSum(),
    divergences: new DivergenceRecorder(registry, s.mode),
    registry,
    bar: s.progress === 'bar' ? new ProgressBar(s.err, total) : undefined,
    startedAt: new Date(),
    startNs: process.hrtime.bigint(),
    counters: { next: 0, done: 0, passed: 0, events: 0, unrecorded: 0 },
    stop: false,
    setupError: undefined,
    persisting: Promise.resolve(),
  };
}

export async function closeCampaign(state: CampaignState): Promise<void> {
  state.bar?.finish();
  await Promise.all(state.slots.map((slot) => slot.close()));
  state.groups.keepJournal(undefined);
  removeScratch(state.scratch);
  state.store.close();
}

/** Seconds since the campaign started. */
export function elapsed(state: CampaignState): number {
  return Number(process.hrtime.bigint() - state.startNs) / 1e9;
}
