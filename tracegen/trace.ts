/**
 * Runs one generated trace through the reducer and renders it.
 *
 * Each step's after-snapshot is the next step's before-snapshot (the same
 * object), so its JSON and checks are computed once and reused.
 */
import { EMPTY_SNAPSHOT, step, type PeeringEvent, type StepResult } from '../reducer/index.js';
import { ByteWriter } from './encode/byte-writer.js';
import { writeSummaryLine } from './encode/encode.js';
import { SnapshotRenderer, writeStepLine } from './encode/step-line.js';
import { EventGenerator, type Profile } from './generator.js';
import { renderExploreTrace, runExploreTrace } from './explore/trace.js';
import { legacyEvent, legacyState } from './encode/legacy.js';

export type Format = 'jsonl' | 'legacy';
export const FORMATS: readonly Format[] = ['jsonl', 'legacy'];

export interface TraceOptions {
  /** Any uint64; the engine itself uses it modulo 2^32. */
  readonly seed: bigint;
  /** Upper bound on events after Initialize (upstream `--events`). */
  readonly events: number;
  readonly profile: Profile;
}

/** Receives every generated step in order. */
export type StepSink = (index: number, event: PeeringEvent, result: StepResult) => void;

/**
 * Generates the trace, handing each step to `sink`; returns the number of
 * events processed including Initialize.
 */
export function runTrace(options: TraceOptions, sink: StepSink): number {
  if (options.profile === 'explore') return runExploreTrace(options, (index, event, result) => sink(index, event.event, result));
  const gen = new EventGenerator(options.seed, options.profile);
  const init = gen.genInitialize();
  let result = step(EMPTY_SNAPSHOT, init);
  sink(0, init, result);
  let snap = result.after;

  const count = gen.drawEventCount(options.events);
  for (let index = 1; index <= count; index++) {
    const event = gen.genEvent(snap);
    result = step(snap, event);
    sink(index, event, result);
    snap = result.after;
  }
  return count < 0 ? 1 : count + 1;
}

/**
 * Renders a trace in upstream's format into `w`. Returns the total event
 * count (the summary's `events`).
 */
export function renderTrace(options: TraceOptions, format: Format, w: ByteWriter): number {
  if (options.profile === 'explore') return renderExploreTrace(options, format, w);
  const renderer = new SnapshotRenderer();
  const total = runTrace(options, (index, event, result) => {
    if (format === 'legacy') {
      w.ascii(legacyEvent(event));
      w.ascii(legacyState(result.after, renderer.checks(result.after)));
      return;
    }
    writeStepLine(w, renderer, index, event, result);
  });
  if (format === 'jsonl') writeSummaryLine(w, options.seed, total);
  return total;
}

/** The whole trace as one string (tests, in-process fuzzing). */
export function traceText(options: TraceOptions, format: Format = 'jsonl'): string {
  const w = new ByteWriter(1 << 16);
  renderTrace(options, format, w);
  return w.text();
}
