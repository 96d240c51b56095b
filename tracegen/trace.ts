/**
 * Runs one generated trace through the reducer and renders it.
 *
 * Each step's after-snapshot is the next step's before-snapshot (the same
 * object), so its JSON and checks are computed once and reused.
 */
import {
  computeChecks,
  sameCheckInputs,
  EMPTY_SNAPSHOT,
  step,
  type PeeringEvent,
  type Snapshot,
  type SnapshotChecks,
  type StepResult,
} from '../reducer/index.js';
import { ByteWriter } from './byte-writer.js';
import { writeChecks, writeEffects, writeEvent, writeSummaryLine } from './encode.js';
import { SnapshotEncoder } from './snapshot-encoder.js';
import { EventGenerator, type Profile } from './generator.js';
import { renderExploreTrace, runExploreTrace } from './explore/trace.js';
import { legacyEvent, legacyState } from './legacy.js';

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
 * Encodes a snapshot and its checks once and appends the cached bytes on
 * request; consecutive steps share a snapshot, so each is encoded once.
 */
export class SnapshotRenderer {
  private readonly encoder = new SnapshotEncoder();
  private readonly checksJson = new ByteWriter(128);
  private lastSnap: Snapshot | undefined;
  private lastChecks: SnapshotChecks | undefined;

  /** Views of the cached bytes, made once: each is appended at least twice. */
  private jsonBytes: Uint8Array = new Uint8Array(0);
  private checksBytes: Uint8Array = new Uint8Array(0);

  private load(snap: Snapshot): void {
    const previous = this.lastSnap;
    if (snap === previous) return;
    this.lastSnap = snap;
    this.jsonBytes = this.encoder.encode(snap).view();
    if (previous !== undefined && sameCheckInputs(previous, snap)) return;
    this.lastChecks = computeChecks(snap);
    this.checksJson.reset();
    writeChecks(this.checksJson, this.lastChecks);
    this.checksBytes = this.checksJson.view();
  }

  appendJson(snap: Snapshot, w: ByteWriter): void {
    this.load(snap);
    w.bytes(this.jsonBytes);
  }

  appendChecks(snap: Snapshot, w: ByteWriter): void {
    this.load(snap);
    w.bytes(this.checksBytes);
  }

  checks(snap: Snapshot): SnapshotChecks {
    this.load(snap);
    return this.lastChecks as SnapshotChecks;
  }
}

/**
 * Everything of a step line after the event, up to the closing brace:
 * snapshots and checks around the step, then the effects. The replay checker
 * compares traces against exactly these bytes.
 */
export function writeStepTail(w: ByteWriter, renderer: SnapshotRenderer, result: StepResult): void {
  w.token(',"before":');
  renderer.appendJson(result.before, w);
  w.token(',"before_checks":');
  renderer.appendChecks(result.before, w);
  w.token(',"after":');
  renderer.appendJson(result.after, w);
  w.token(',"after_checks":');
  renderer.appendChecks(result.after, w);
  w.token(',"effects":');
  writeEffects(w, result.effects);
  w.byte(0x7d);
}

/** A step line up to and including the `"event":` key; the event and the tail follow. */
export function writeStepHead(w: ByteWriter, index: number, from: string, to: string): void {
  w.token('{"kind":"step","step":');
  w.uint(index);
  w.token(',"from_state":"');
  w.token(from);
  w.token('","to_state":"');
  w.token(to);
  w.token('","event":');
}

/** One complete step line, newline included. */
export function writeStepLine(w: ByteWriter, renderer: SnapshotRenderer, index: number, event: PeeringEvent, result: StepResult): void {
  writeStepHead(w, index, result.from, result.to);
  writeEvent(w, event);
  writeStepTail(w, renderer, result);
  w.byte(0x0a);
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
