/**
 * Lean-model traces: steps the Lean mirror the way Lean's `peering-replay`
 * does (from the normalised cursor) and writes each step in upstream's
 * exact JSONL layout, with the mirror's snapshots, checks and effects.
 * A trace rendered here is what the Lean checker accepts for its events.
 */
import { computeInvariantChecks, type InvariantChecks } from '../../lean/Invariants.js';
import { emptySnapshot, step, withSnapshot, type Snapshot } from '../../lean/Machine.js';
import { normalizeSnapshot, sameValue } from '../../lean/Replay.js';
import type { PeeringEffect, PeeringEvent, State } from '../../lean/Types.js';
import { ByteWriter } from '../encode/byte-writer.js';
import { LeanSnapshotEncoder, writeChecks, writeEffects, writeEvent } from './lean-encode.js';
import { writeStepHead } from '../encode/step-line.js';

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
  const after = shareUnchanged(cursor, normalizeSnapshot(result.after));
  return { before: cursor, after, fromState: result.fromState, toState: result.toState, effects: result.effects };
}

const SHARED_FIELDS = [
  'acting',
  'up',
  'localInfo',
  'authImage',
  'authSources',
  'authBlobMeta',
  'peerInfo',
  'peersQueried',
  'peersResponded',
  'priorOsds',
  'peerRecoveryPlans',
  'localRecoveryPlan',
  'recovered',
  'timedOutProbes',
] as const satisfies readonly (keyof Snapshot)[];

/**
 * `next` with every member that equals `prev`'s replaced by `prev`'s own
 * object. Values are immutable, so this changes nothing but identity, which
 * lets the encoder and the checks cache skip unchanged members.
 */
export function shareUnchanged(prev: Snapshot, next: Snapshot): Snapshot {
  if (prev === next) return next;
  let change: Record<string, unknown> | undefined;
  for (const key of SHARED_FIELDS) {
    const a = prev[key];
    const b = next[key];
    if (a !== b && sameValue(a, b)) (change ??= {})[key] = a;
  }
  // withSnapshot, not a spread: every Snapshot keeps one shape (lean/Machine.ts).
  return change === undefined ? next : withSnapshot(next, change as Partial<Snapshot>);
}

/** Whether `a` and `b` share every member the checks read. */
function sameCheckInputs(a: Snapshot, b: Snapshot): boolean {
  return (
    a.whoami === b.whoami &&
    a.acting === b.acting &&
    a.localInfo === b.localInfo &&
    a.authSeq === b.authSeq &&
    a.authImage === b.authImage &&
    a.authSources === b.authSources &&
    a.peerInfo === b.peerInfo &&
    a.peersQueried === b.peersQueried &&
    a.peersResponded === b.peersResponded &&
    a.peerRecoveryPlans === b.peerRecoveryPlans &&
    a.localRecoveryPlan === b.localRecoveryPlan
  );
}

interface Rendered {
  snap: Snapshot | undefined;
  /** Holds this slot's snapshot JSON; reused two snapshots later. */
  readonly writer: ByteWriter;
  checks: InvariantChecks | undefined;
  checksJson: Uint8Array;
}

const slot = (): Rendered => ({ snap: undefined, writer: new ByteWriter(1 << 13), checks: undefined, checksJson: new Uint8Array(0) });

/**
 * Encodes snapshots and their checks, keeping the last two: a step's after
 * snapshot is the next step's before snapshot (the same object).
 */
export class LeanSnapshotRenderer {
  private a: Rendered = slot();
  private b: Rendered = slot();
  private readonly scratch = new ByteWriter(256);
  private readonly encoder = new LeanSnapshotEncoder();

  private load(snap: Snapshot): Rendered {
    if (this.a.snap === snap) return this.a;
    if (this.b.snap === snap) {
      // Most recently used first: a snapshot asked for again and again (the
      // state every step of an exhaustive search starts from) stays cached.
      const hit = this.b;
      this.b = this.a;
      this.a = hit;
      return hit;
    }
    const previous = this.a;
    const target = this.b;
    this.b = this.a;
    this.a = target;
    target.writer.reset();
    this.encoder.write(target.writer, snap);
    const checks = previous.snap !== undefined && sameCheckInputs(previous.snap, snap) ? previous.checks! : computeInvariantChecks(snap);
    if (target.checks === undefined || !sameChecks(target.checks, checks)) {
      const w = this.scratch;
      w.reset();
      writeChecks(w, checks);
      target.checksJson = w.view().slice();
    }
    target.checks = checks;
    target.snap = snap;
    return target;
  }

  checks(snap: Snapshot): InvariantChecks {
    return this.load(snap).checks!;
  }

  appendJson(snap: Snapshot, w: ByteWriter): void {
    w.bytes(this.load(snap).writer.view());
  }

  appendChecks(snap: Snapshot, w: ByteWriter): void {
    w.bytes(this.load(snap).checksJson);
  }
}

function sameChecks(a: InvariantChecks, b: InvariantChecks): boolean {
  return a.haveEnoughInfo === b.haveEnoughInfo && a.imageInvariant === b.imageInvariant && a.imageClean === b.imageClean && a.imageRecovering === b.imageRecovering;
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
  writeStepHead(w, index, s.fromState, s.toState);
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
