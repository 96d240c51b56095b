/**
 * `--minimize`: a two-model finding shrinks to a minimal witness that
 * still shows the same divergence (same cause, re-attributed); another
 * failing trace shrinks against the same checker and failure kind; an
 * implementation's failure against the same implementation and checker.
 * The result is saved beside the failure as `*.min.jsonl` (and
 * `*.min.events.jsonl` under `--impl`) whenever failures are saved, and the
 * record's `minimized.reproduce` checks it.
 */
import { REPLAY_EXIT, ReplayFailure, replayText } from '../../replay/index.js';
import { CapturedStream } from '../cycle/capture.js';
import { startChild } from '../cycle/child.js';
import { invariantBreak, type CycleOutcome } from '../cycle/outcome.js';
import { attributeDivergence } from '../catalogue/attribute.js';
import { witnessKey, type FiledFinding, type ShrunkWitness } from '../catalogue/catalogue-run.js';
import { witnessFromFile } from '../catalogue/witness.js';
import { minimizeWitness, witnessText } from '../minimize/catalogue-minimize.js';
import { showCommand } from '../plan/command.js';
import { minimizeImplFailure } from '../minimize/impl-minimize.js';
import { extractEvents, minimizeEvents } from '../minimize/minimize.js';
import { writeFileDurably } from '../store/durable.js';
import { fileDigest, type FailureRecord, type MinimizedRecord } from '../store/store.js';
import { traceBaseName } from './settings.js';
import type { CampaignState } from './state.js';

/** A minimization's record, and the witness the catalogue's example shows. */
export interface Shrunk {
  readonly record: NonNullable<FailureRecord['minimized']>;
  readonly witness?: ShrunkWitness;
}

/** Shrinks a two-model finding's events to a minimal witness of the same divergence. */
export async function shrinkDivergence(state: CampaignState, filed: FiledFinding): Promise<Shrunk> {
  const s = state.settings;
  const w = filed.witness!;
  const key = witnessKey(w);
  if (key === undefined) return { record: { error: 'the divergence does not show again when its events are rendered by the C++ port' } };
  const result = minimizeWitness(w.events, (events) => witnessKey({ events, seed: w.seed }) === key, s.minimizeBudget);
  // Shrinking keeps the finding's shape; the cause must stay too, else the whole witness is the example.
  const same = result !== undefined && attributeDivergence(result.events, w.seed, state.registry).cause === filed.divergence.cause;
  const events = same ? result.events : w.events;
  const text = witnessText({ events, seed: w.seed });
  let path: string | null = null;
  let sha: string | undefined;
  if (s.saveDir !== undefined) {
    path = state.store.freeName(traceBaseName(filed.config), '.min.jsonl');
    writeFileDurably(path, text, state.io);
    sha = (await fileDigest(path)).sha256;
  }
  const reproduce = path === null ? null : showCommand(state.tools.replayer, [path]);
  const record: MinimizedRecord = {
    trace_path: path,
    ...(sha === undefined ? {} : { trace_sha256: sha }),
    events: events.length,
    original_events: w.total,
    checker_runs: result?.runs ?? 1,
    complete: same && result.complete,
    ...(reproduce === null ? {} : { reproduce }),
  };
  return { record, witness: { witness: { events, seed: w.seed, total: w.total }, text, path, reproduce } };
}

/** Shrinks the event stream an implementation failed on, against the same implementation and checker. */
export async function shrinkImplFailure(state: CampaignState, outcome: CycleOutcome, eventsPath: string): Promise<Shrunk> {
  const s = state.settings;
  let result;
  try {
    result = await minimizeImplFailure(eventsPath, outcome, { impl: state.tools.impl!, replayer: state.tools.replayer, timeoutMs: s.timeoutMs, signal: s.signal }, s.minimizeBudget);
  } catch (err) {
    return { record: { error: `cannot minimize: ${(err as Error).message.split('\n')[0]}` } };
  }
  if ('error' in result) return { record: result };
  let minPath: string | null = null;
  let sha: string | undefined;
  let minEvents: string | undefined;
  if (s.saveDir !== undefined) {
    minPath = state.store.freeName(traceBaseName(outcome.config), '.min.jsonl');
    writeFileDurably(minPath, result.trace, state.io);
    sha = (await fileDigest(minPath)).sha256;
    minEvents = minPath.replace(/\.min\.jsonl$/, '.min.events.jsonl');
    writeFileDurably(minEvents, result.eventsText, state.io);
  }
  const { impl, replayer } = state.tools;
  const reproduce = minEvents === undefined ? null : `${showCommand(impl!)} < ${showCommand({ file: minEvents, args: [] })} | ${showCommand(replayer, ['-'])}`;
  const record: MinimizedRecord = {
    trace_path: minPath,
    ...(sha === undefined ? {} : { trace_sha256: sha }),
    ...(minEvents === undefined ? {} : { events_path: minEvents }),
    events: result.lines.length,
    original_events: result.originalEvents,
    checker_runs: result.runs,
    complete: result.complete,
    ...(reproduce === null ? {} : { reproduce }),
  };
  const witness = implWitness(result, minEvents, minPath, reproduce);
  return witness === undefined ? { record } : { record, witness };
}

/** The catalogue's view of an implementation's minimized case: its events and the implementation's trace. */
function implWitness(result: { eventsText: string; trace: string; originalEvents: number }, eventsPath: string | undefined, path: string | null, reproduce: string | null): ShrunkWitness | undefined {
  if (eventsPath === undefined) return undefined;
  try {
    const w = witnessFromFile(eventsPath, Number.MAX_SAFE_INTEGER, 'events');
    return { witness: { ...w, total: result.originalEvents }, text: result.trace, path, reproduce };
  } catch {
    return undefined;
  }
}

/** Shrinks a failing trace against the same checker and failure kind. */
export async function shrinkFailure(state: CampaignState, outcome: CycleOutcome, path: string): Promise<Shrunk> {
  return { record: await shrinkTrace(state, outcome, path) };
}

async function shrinkTrace(state: CampaignState, outcome: CycleOutcome, path: string): Promise<NonNullable<FailureRecord['minimized']>> {
  const s = state.settings;
  const wantReplayer = outcome.replayerExit !== 0 && outcome.replayerExit !== null ? outcome.replayerExit : undefined;
  const wantInvariant = outcome.reason?.includes('image invariant') ?? false;
  if (wantReplayer === undefined && !wantInvariant) return { error: 'only checker failures and broken invariants can be minimized' };
  let trace;
  try {
    trace = await extractEvents(path);
  } catch (err) {
    return { error: `cannot read events from the trace: ${(err as Error).message}` };
  }
  const fails = async (text: string): Promise<boolean> => {
    if (wantInvariant && !text.split('\n').some((l) => l !== '' && invariantBreak(Buffer.from(l)) !== undefined)) return false;
    if (wantReplayer === undefined) return true;
    return (await checkerExit(state, text)) === wantReplayer;
  };
  const result = await minimizeEvents(trace, fails, s.minimizeBudget);
  if (result === undefined) return { error: 'the failure does not reproduce once the trace is rebuilt through the TS reducer' };
  let minPath: string | null = null;
  let sha: string | undefined;
  if (s.saveDir !== undefined) {
    minPath = state.store.freeName(traceBaseName(outcome.config), '.min.jsonl');
    writeFileDurably(minPath, result.text, state.io);
    sha = (await fileDigest(minPath)).sha256;
  }
  return {
    trace_path: minPath,
    ...(sha === undefined ? {} : { trace_sha256: sha }),
    events: result.events.length,
    original_events: result.originalEvents,
    checker_runs: result.runs,
    complete: result.complete,
    ...(minPath === null ? {} : { reproduce: showCommand(state.tools.replayer, [minPath]) }),
  };
}

/** The campaign's checker's exit status on a trace: in-process, or its own process (group and deadline, like a cycle's). */
async function checkerExit(state: CampaignState, text: string): Promise<number | undefined> {
  const s = state.settings;
  if (!state.tools.external) {
    try {
      replayText(text, { mode: s.mode, model: s.model });
      return REPLAY_EXIT.ok;
    } catch (err) {
      return err instanceof ReplayFailure ? (err.report.kind === 'malformed' ? REPLAY_EXIT.malformed : REPLAY_EXIT.mismatch) : -1;
    }
  }
  const replayer = state.tools.replayer;
  const child = startChild(replayer.file, [...replayer.args, '-'], {
    stdin: 'pipe',
    timeoutMs: s.timeoutMs,
    signal: s.signal,
    groups: state.groups,
    stderr: new CapturedStream(undefined),
    stdout: new CapturedStream(undefined),
  });
  child.stdin?.end(text);
  const r = await child.done;
  return r.timedOut ? undefined : (r.exitCode ?? undefined);
}
