/**
 * `--model both` without a trace: the C++ port and the Lean checker stepped
 * side by side, one event at a time, from a pair of states. A divergence is
 * triaged as `--model both` triages a trace line; an accepted step gives
 * the next pair. Exhaustive search steps every transition this way, and
 * cause attribution finds a trace's first divergence this way, without
 * writing and re-reading a trace for each repair.
 *
 * The Lean check is the Lean checker's own. Its fast path (equal bytes of
 * everything after the event, check/lean-checker.ts) is done here without
 * writing the line, on bytes each state computes once; any difference at
 * all hands the written line to the checker itself, resumed at the state's
 * cursor, whose verdict then stands. So this accepts exactly what the
 * checker accepts.
 *
 * The C++ half needs no checker: the line is the port's own output for the
 * event the wire text decodes to, which is what the cpp checker recomputes.
 * Each event is verified once to decode (schema included) to the very
 * event it was stepped as; one that does not is refused (UnfaithfulEvent),
 * and the caller checks a written trace instead.
 */
import { computeChecks, EMPTY_SNAPSHOT, sameCheckInputs, step, type PeeringEvent, type Snapshot, type SnapshotChecks, type StepResult } from '../../reducer/index.js';
import { emptySnapshot, step as leanStep, type Snapshot as LeanSnapshot } from '../../lean/Machine.js';
import { normalizeSnapshot, parseEvent } from '../../lean/Replay.js';
import { parseLeanJson } from '../../lean/LeanJson.js';
import type { PeeringEvent as LeanEvent } from '../../lean/Types.js';
import { decodeEvent } from '../input/decode.js';
import { isJsonObject, parseJson } from '../input/json-lossless.js';
import { ReplayFailure } from '../verdict/failure.js';
import { LeanReplayChecker } from '../check/lean-checker.js';
import { triage } from './both-checker.js';
import { validators, validParsed } from '../input/schema.js';
import { ByteWriter, writeChecks, writeEffects, writeEvent, writeStepHead, type WireEvent } from '../../tracegen/index.js';
import { SnapshotEncoder } from '../../tracegen/encode/snapshot-encoder.js';
import { writeEffects as writeLeanEffects } from '../../tracegen/lean-render/lean-encode.js';
import { LeanSnapshotRenderer, leanReplayStep, type LeanStep } from '../../tracegen/lean-render/lean-trace.js';

/** Where a search stands after some events: both models' states and how many events led there. */
export interface PairState {
  readonly cpp: Snapshot;
  readonly lean: LeanSnapshot;
  readonly depth: number;
}

export const ROOT: PairState = { cpp: EMPTY_SNAPSHOT, lean: emptySnapshot, depth: 0 };

export type LockstepOutcome =
  | {
      readonly kind: 'ok';
      readonly next: PairState;
      readonly step: StepResult;
      readonly checks: SnapshotChecks;
      /** The C++ after snapshot's JSON; valid until the next check. */
      readonly afterJson: Uint8Array;
      /** The Lean cursor's JSON when the checker itself decided (it may differ from afterJson); valid until the next check. */
      readonly leanJson: Uint8Array | undefined;
    }
  | { readonly kind: 'divergent'; readonly failure: ReplayFailure; readonly step: StepResult; readonly checks: SnapshotChecks };

/** An event whose wire text the cpp checker would read as another event: no verdict can stand for it. */
export class UnfaithfulEvent extends Error {}

/** Whether two byte ranges hold the same bytes. */
export const equalBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));

/** What the C++ side writes for one state, once for all its transitions, and whether Lean's cursor renders the same. */
interface Before {
  readonly state: PairState;
  readonly json: Uint8Array;
  readonly checks: SnapshotChecks;
  readonly checksJson: Uint8Array;
  readonly leanAgrees: boolean;
}

export class LockstepChecker {
  private readonly line = new ByteWriter(1 << 15);
  private readonly scratch = new ByteWriter(1 << 14);
  private readonly afterEncoder = new SnapshotEncoder();
  private readonly beforeEncoder = new SnapshotEncoder();
  private readonly leanRenderer = new LeanSnapshotRenderer();
  private readonly lean = new LeanReplayChecker();
  private before: Before | undefined;
  private readonly faithful = new WeakMap<WireEvent, boolean>();
  /** The Lean parser's reading of each event; null when it rejects it (the checker then decides). */
  private readonly leanEvents = new WeakMap<WireEvent, LeanEvent | null>();

  /** Steps `letter` from `state` and checks it; throws UnfaithfulEvent when the text decodes to another event. */
  check(state: PairState, letter: WireEvent): LockstepOutcome {
    if (!this.decodesFaithfully(letter)) throw new UnfaithfulEvent(`the C++ decoder reads this event otherwise than it was stepped: ${letter.text.slice(0, 200)}`);
    const before = this.enter(state);
    const result = step(state.cpp, letter.event);
    const same = result.after === state.cpp;
    const checks = same || sameCheckInputs(state.cpp, result.after) ? before.checks : computeChecks(result.after);
    const after = same ? before.json : this.afterEncoder.encode(result.after).view();
    const leanEvent = before.leanAgrees ? this.leanEventOf(letter) : null;
    if (leanEvent !== null) {
      const s = leanReplayStep(state.lean, leanEvent);
      if (this.tailAgrees(result, checks === before.checks ? before.checksJson : undefined, checks, after, s)) {
        const next: PairState = { cpp: result.after, lean: s.after, depth: state.depth + 1 };
        return { kind: 'ok', next, step: result, checks, afterJson: after, leanJson: undefined };
      }
    }
    return this.byChecker(state, letter, result, checks, after);
  }

  /** The written line through the Lean checker itself, resumed at the state's cursor. */
  private byChecker(state: PairState, letter: WireEvent, result: StepResult, checks: SnapshotChecks, after: Uint8Array): LockstepOutcome {
    this.writeLine(state, letter, result, checks, after);
    // A divergence is a value here, not an error: its stack would cost more than the check.
    const stackLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      // The bytes were compared already (or could not be): the checker's own fast path would only repeat that.
      this.lean.resume(state.lean, state.depth, false);
      this.lean.feedLine(this.line.view(), state.depth + 1);
    } catch (err) {
      if (!(err instanceof ReplayFailure)) throw err;
      return { kind: 'divergent', failure: triage(new Map([['lean', err], ['cpp', undefined]])), step: result, checks };
    } finally {
      Error.stackTraceLimit = stackLimit;
    }
    const next: PairState = { cpp: result.after, lean: this.lean.snapshot, depth: state.depth + 1 };
    const w = this.scratch;
    w.reset();
    this.leanRenderer.appendJson(next.lean, w);
    return { kind: 'ok', next, step: result, checks, afterJson: after, leanJson: w.view() };
  }

  /** The state after `letter` without checking (a path already checked when it was found). */
  static replay(state: PairState, letter: WireEvent): PairState {
    const cpp = step(state.cpp, letter.event).after;
    const lean = normalizeSnapshot(leanStep(state.lean, parseEvent(parseLeanJson(letter.text))).after);
    return { cpp, lean, depth: state.depth + 1 };
  }

  /** The C++ side's before snapshot and checks, and whether the Lean cursor renders them alike. */
  private enter(state: PairState): Before {
    if (this.before?.state === state) return this.before;
    const json = this.beforeEncoder.encode(state.cpp).view().slice();
    const checks = computeChecks(state.cpp);
    const w = this.scratch;
    w.reset();
    writeChecks(w, checks);
    const checksJson = w.view().slice();
    w.reset();
    this.leanRenderer.appendJson(state.lean, w);
    let leanAgrees = equalBytes(w.view(), json);
    w.reset();
    this.leanRenderer.appendChecks(state.lean, w);
    leanAgrees &&= equalBytes(w.view(), checksJson);
    return (this.before = { state, json, checks, checksJson, leanAgrees });
  }

  /** The Lean checker's fast path: states, after snapshot, its checks and the effects agree byte for byte. */
  private tailAgrees(result: StepResult, checksJson: Uint8Array | undefined, checks: SnapshotChecks, after: Uint8Array, s: LeanStep): boolean {
    if (s.fromState !== result.from || s.toState !== result.to) return false;
    const w = this.scratch;
    w.reset();
    this.leanRenderer.appendJson(s.after, w);
    if (!equalBytes(w.view(), after)) return false;
    w.reset();
    this.leanRenderer.appendChecks(s.after, w);
    const leanChecks = w.length;
    if (checksJson !== undefined) w.bytes(checksJson);
    else writeChecks(w, checks);
    const v = w.view();
    if (v.length !== 2 * leanChecks || !equalBytes(v.subarray(0, leanChecks), v.subarray(leanChecks))) return false;
    w.reset();
    writeLeanEffects(w, s.effects);
    const leanEffects = w.length;
    writeEffects(w, result.effects);
    const e = w.view();
    return e.length === 2 * leanEffects && equalBytes(e.subarray(0, leanEffects), e.subarray(leanEffects));
  }

  /** The C++ trace line (no newline), as writeStepTail writes it. */
  private writeLine(state: PairState, letter: WireEvent, result: StepResult, checks: SnapshotChecks, after: Uint8Array): void {
    const before = this.before!;
    const w = this.line;
    w.reset();
    writeStepHead(w, state.depth, result.from, result.to);
    w.utf8(letter.text);
    w.token(',"before":');
    w.bytes(before.json);
    w.token(',"before_checks":');
    w.bytes(before.checksJson);
    w.token(',"after":');
    w.bytes(after);
    w.token(',"after_checks":');
    writeChecks(w, checks);
    w.token(',"effects":');
    writeEffects(w, result.effects);
    w.byte(0x7d);
  }

  private leanEventOf(letter: WireEvent): LeanEvent | null {
    let e = this.leanEvents.get(letter);
    if (e === undefined) {
      try {
        // Plain printable ASCII only: anything else is for the checker's line rules.
        e = /^[\x20-\x7e]*$/.test(letter.text) ? parseEvent(parseLeanJson(letter.text)) : null;
      } catch {
        e = null;
      }
      this.leanEvents.set(letter, e);
    }
    return e;
  }

  /** The cpp checker's reading of the text (schema, then decoder) is the event the grammar stepped. */
  private decodesFaithfully(letter: WireEvent): boolean {
    let ok = this.faithful.get(letter);
    if (ok === undefined) {
      ok = readsAs(letter.text, letter.event);
      this.faithful.set(letter, ok);
    }
    return ok;
  }
}

function readsAs(text: string, event: PeeringEvent): boolean {
  const json = parseJson(text);
  const validate = isJsonObject(json) ? validators(false).eventByType.get(String(json.type)) : undefined;
  if (validate === undefined || !validParsed(validate, json, text)) return false;
  const canonical = (e: PeeringEvent) => {
    const w = new ByteWriter(1 << 12);
    writeEvent(w, e);
    return w.text();
  };
  return canonical(decodeEvent(json)) === canonical(event);
}
