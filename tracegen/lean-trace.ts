/**
 * Lean-model traces: steps the Lean mirror the way Lean's `peering-replay`
 * does (from the normalised cursor) and writes each step in upstream's
 * exact JSONL layout, with the mirror's snapshots, checks and effects.
 * A trace rendered here is what the Lean checker accepts for its events.
 */
import { computeInvariantChecks, type InvariantChecks } from '../lean/Invariants.js';
import { emptySnapshot, step, type Snapshot } from '../lean/Machine.js';
import { normalizeSnapshot } from '../lean/Replay.js';
import type { PeeringEffect, PeeringEvent, State } from '../lean/Types.js';
import { ByteWriter } from './byte-writer.js';
import { writeChecks, writeEffects, writeEvent, writeSnapshot } from './lean-encode.js';

/** One replayed step: the normalised snapshots around it and what it emitted. */
export interface LeanStep {
  readonly before: Snapshot;
  readonly after: Snapshot;
  readonly fromState: State;
  readonly toState: State;
  readonly effects: readonly PeeringEffect[];
}

/** Steps the mirror exactly as the Lean checker's cursor does. */
export function leanReplayStep(cursor: Snapshot, event: PeeringEvent): LeanStep {
  const result = step(cursor, event);
  return { before: cursor, after: normalizeSnapshot(result.after), fromState: result.fromState, toState: result.toState, effects: result.effects };
}

interface Rendered {
  snap: Snapshot | undefined;
  json: Uint8Array;
  checks: InvariantChecks | undefined;
  checksJson: Uint8Array;
}

/**
 * Encodes snapshots and their checks, keeping the last two: a step's after
 * snapshot is the next step's before snapshot (the same object).
 */
export class LeanSnapshotRenderer {
  private a: Rendered = { snap: undefined, json: new Uint8Array(0), checks: undefined, checksJson: new Uint8Array(0) };
  private b: Rendered = { snap: undefined, json: new Uint8Array(0), checks: undefined, checksJson: new Uint8Array(0) };
  private readonly scratch = new ByteWriter(1 << 13);

  private load(snap: Snapshot): Rendered {
    if (this.a.snap === snap) return this.a;
    if (this.b.snap === snap) return this.b;
    const slot = this.b;
    this.b = this.a;
    this.a = slot;
    const w = this.scratch;
    w.reset();
    writeSnapshot(w, snap);
    slot.json = w.view().slice();
    slot.checks = computeInvariantChecks(snap);
    w.reset();
    writeChecks(w, slot.checks);
    slot.checksJson = w.view().slice();
    slot.snap = snap;
    return slot;
  }

  checks(snap: Snapshot): InvariantChecks {
    return this.load(snap).checks!;
  }

  appendJson(snap: Snapshot, w: ByteWriter): void {
    w.bytes(this.load(snap).json);
  }

  appendChecks(snap: Snapshot, w: ByteWriter): void {
    w.bytes(this.load(snap).checksJson);
  }
}

/** Everything after the event up to the closing brace (what the checker compares as bytes). */
export function writeLeanStepTail(w: ByteWriter, renderer: LeanSnapshotRenderer, s: LeanStep): void {
  w.token(',"before":');
  renderer.appendJson(s.before, w);
  w.token(',"before_checks":');
  renderer.appendChecks(s.before, w);
  w.token(',"after":');
  renderer.appendJson(s.after, w);
  w.token(',"after_checks":');
  renderer.appendChecks(s.after, w);
  w.token(',"effects":');
  writeEffects(w, s.effects);
  w.byte(0x7d);
}

export function writeLeanStepLine(w: ByteWriter, renderer: LeanSnapshotRenderer, index: number, event: PeeringEvent, s: LeanStep): void {
  w.token('{"kind":"step","step":');
  w.uint(index);
  w.token(',"from_state":"');
  w.token(s.fromState);
  w.token('","to_state":"');
  w.token(s.toState);
  w.token('","event":');
  writeEvent(w, event);
  writeLeanStepTail(w, renderer, s);
  w.byte(0x0a);
}

/** Renders `events` from the empty snapshot, then the summary line (`seed`, event count). */
export function renderLeanEvents(events: readonly PeeringEvent[], seed: bigint, w: ByteWriter): void {
  const renderer = new LeanSnapshotRenderer();
  let cursor = emptySnapshot;
  events.forEach((event, index) => {
    const s = leanReplayStep(cursor, event);
    writeLeanStepLine(w, renderer, index, event, s);
    cursor = s.after;
  });
  w.ascii(`{"kind":"summary","seed":${seed},"events":${events.length}}\n`);
}

export function leanEventsTraceText(events: readonly PeeringEvent[], seed: bigint): string {
  const w = new ByteWriter(1 << 16);
  renderLeanEvents(events, seed, w);
  return w.text();
}
