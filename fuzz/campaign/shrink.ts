/**
 * `--minimize` for failures that are not two-model findings (those are
 * shrunk by the catalogue, to their signature): a failing trace shrinks
 * against the same checker and failure kind; an implementation's failure
 * against the same implementation and checker. The result is saved beside
 * the failure as `*.min.jsonl`.
 */
import { REPLAY_EXIT, ReplayFailure, replayText } from '../../replay/index.js';
import { CapturedStream } from '../cycle/capture.js';
import { startChild } from '../cycle/child.js';
import { invariantBreak, type CycleOutcome } from '../cycle/outcome.js';
import { minimizeImplFailure } from '../minimize/impl-minimize.js';
import { extractEvents, minimizeEvents } from '../minimize/minimize.js';
import { writeFileDurably } from '../store/durable.js';
import { fileDigest, type FailureRecord, type MinimizedRecord } from '../store/store.js';
import { traceBaseName } from './settings.js';
import type { CampaignState } from './state.js';

/** Shrinks the event stream an implementation failed on, against the same implementation and checker. */
export async function shrinkImplFailure(state: CampaignState, outcome: CycleOutcome, eventsPath: string): Promise<FailureRecord['minimized']> {
  const s = state.settings;
  let result;
  try {
    result = await minimizeImplFailure(eventsPath, outcome, { impl: state.tools.impl!, replayer: state.tools.replayer, timeoutMs: s.timeoutMs, signal: s.signal }, s.minimizeBudget);
  } catch (err) {
    return { error: `cannot minimize: ${(err as Error).message.split('\n')[0]}` };
  }
  if ('error' in result) return result;
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
  return {
    trace_path: minPath,
    ...(sha === undefined ? {} : { trace_sha256: sha }),
    ...(minEvents === undefined ? {} : { events_path: minEvents }),
    events: result.lines.length,
    original_events: result.originalEvents,
    checker_runs: result.runs,
    complete: result.complete,
  };
}

/** Shrinks a failing trace against the same checker and failure kind. */
export async function shrinkFailure(state: CampaignState, outcome: CycleOutcome, path: string): Promise<FailureRecord['minimized']> {
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
  const record: MinimizedRecord = {
    trace_path: minPath,
    ...(sha === undefined ? {} : { trace_sha256: sha }),
    events: result.events.length,
    original_events: result.originalEvents,
    checker_runs: result.runs,
    complete: result.complete,
  };
  return record;
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
