/**
 * A step line of the JSONL trace, written from a step's result: the head up
 * to the event, the event, and the tail (snapshots, checks, effects). Both
 * the upstream profiles (trace.ts) and explore (explore/trace.ts) write
 * their lines with these.
 */
import { computeChecks, sameCheckInputs, type PeeringEvent, type Snapshot, type SnapshotChecks, type StepResult } from '../../reducer/index.js';
import { ByteWriter } from './byte-writer.js';
import { writeChecks, writeEffects, writeEvent } from './encode.js';
import { SnapshotEncoder } from './snapshot-encoder.js';

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
