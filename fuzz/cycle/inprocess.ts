/**
 * One cycle with the embedded pieces: the TS generator streams its trace
 * line by line into the TS checker, without holding the trace. The
 * generator is deterministic, so a failing trace is written out by
 * generating it again.
 */
import { closeSync, openSync, rmSync } from 'node:fs';
import { DEFAULT_MAX_LINE_BYTES, failureText, LineSplitter, REPLAY_EXIT, ReplayFailure, type CompareMode } from '../../replay/index.js';
import { createChecker } from '../../replay/models/both-checker.js';
import type { ModelChoice } from '../../replay/models/model.js';
import { ByteWriter, renderTrace } from '../../tracegen/index.js';
import type { CycleConfig } from '../plan/campaign.js';
import { REAL_IO, writeAll, type FileIo } from '../store/durable.js';
import { CoverageCollector } from './coverage.js';
import { illFormedTags, invariantBreak, invariantReason, type CycleOutcome, type InvariantBreak } from './outcome.js';

export interface InProcessOptions {
  readonly requireInvariant: boolean;
  readonly mode: CompareMode;
  /** The model(s) the trace is replayed through (default cpp); `both` triages C++/Lean divergences. */
  readonly model?: ModelChoice;
}

export function runInProcessCycle(config: CycleConfig, options: InProcessOptions): CycleOutcome {
  const checker = createChecker(options.model ?? 'cpp', { mode: options.mode });
  let broken: InvariantBreak | undefined;
  const coverage = new CoverageCollector();
  let steps = 0;
  let failingTags: string[] = [];
  const splitter = new LineSplitter((bytes, lineNo, terminated) => {
    // Counted before checking, so a failing step is covered like the others.
    if (bytes[0] === 0x7b && bytes[9] === 0x73 && bytes[10] === 0x74) {
      steps++; // {"kind":"s(tep)
      coverage.feedLine(bytes);
    }
    if (options.requireInvariant && broken === undefined) broken = invariantBreak(bytes);
    try {
      checker.feedLine(bytes, lineNo, terminated);
    } catch (err) {
      // The catalogue keeps findings on ill-formed input apart.
      failingTags = illFormedTags(bytes);
      throw err;
    }
  }, DEFAULT_MAX_LINE_BYTES);
  const w = new ByteWriter(1 << 16, (chunk) => splitter.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)));

  let events = 0;
  try {
    events = renderTrace(config, 'jsonl', w);
    w.flush();
    splitter.end();
    checker.finish();
  } catch (err) {
    if (!(err instanceof ReplayFailure)) throw err;
    return {
      config,
      ok: false,
      events: steps,
      coverage: coverage.result(),
      generatorExit: 0,
      replayerExit: err.report.kind === 'malformed' ? REPLAY_EXIT.malformed : REPLAY_EXIT.mismatch,
      generatorStderr: '',
      replayerStderr: failureText(err.report),
      ...(broken === undefined ? {} : { reason: invariantReason(broken) }),
      replayFailure: err.report,
      ...(failingTags.length === 0 ? {} : { illFormed: failingTags }),
    };
  }
  return {
    config,
    ok: broken === undefined,
    events,
    coverage: coverage.result(),
    generatorExit: 0,
    replayerExit: 0,
    generatorStderr: '',
    replayerStderr: '',
    ...(broken === undefined ? {} : { reason: invariantReason(broken) }),
  };
}

/** Writes the cycle's trace (regenerated) to `path`; on failure (a full disk) no file is left. */
export function writeTrace(config: CycleConfig, path: string, io: FileIo = REAL_IO): void {
  const fd = openSync(path, 'wx', 0o644);
  try {
    const w = new ByteWriter(1 << 20, (chunk) => writeAll(fd, chunk, io));
    renderTrace(config, 'jsonl', w);
    w.flush();
  } catch (err) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw err;
  }
  closeSync(fd);
}
