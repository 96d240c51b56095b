/**
 * One transition of the search, checked the way `--model both` checks a
 * trace line: from a state (the C++ port's snapshot and the Lean checker's
 * cursor, after the same events), the event is stepped through the C++
 * port, as the C++ trace line would record it, and checked against the
 * Lean model. A divergence is triaged as `--model both` triages it; an
 * accepted step leads to the next state, fingerprinted by its bytes.
 *
 * The Lean check is the Lean checker's own. Its fast path (equal bytes of
 * everything after the event, replay/check/lean-checker.ts) is done here
 * without writing the line, on bytes each state computes once; any
 * difference at all hands the written line to the checker itself, resumed
 * at the state's cursor, whose verdict then stands. So this accepts exactly
 * what the checker accepts.
 *
 * The C++ half needs no checker: the line is the port's own output for the
 * event the wire text decodes to, which is what the cpp checker recomputes.
 * Each event is verified once to decode (schema included) to the very
 * event the grammar stepped; one that does not stops the search as a bug.
 */
import { computeChecks, EMPTY_SNAPSHOT, sameCheckInputs, step, type PeeringEvent, type Snapshot, type SnapshotChecks, type StepResult } from '../../reducer/index.js';
import { emptySnapshot, step as leanStep, type Snapshot as LeanSnapshot } from '../../lean/Machine.js';
import { normalizeSnapshot, parseEvent } from '../../lean/Replay.js';
import { parseLeanJson } from '../../lean/LeanJson.js';
import type { PeeringEvent as LeanEvent } from '../../lean/Types.js';
import { decodeEvent, isJsonObject, parseJson, ReplayFailure } from '../../replay/index.js';
import { LeanReplayChecker } from '../../replay/check/lean-checker.js';
import { triage } from '../../replay/models/both-checker.js';
import { validators, validParsed } from '../../replay/input/schema.js';
import { ByteWriter, writeChecks, writeEffects, writeEvent, writeStepHead } from '../../tracegen/index.js';
import { SnapshotEncoder } from '../../tracegen/encode/snapshot-encoder.js';
import { writeEffects as writeLeanEffects } from '../../tracegen/lean-render/lean-encode.js';
import { LeanSnapshotRenderer, leanReplayStep, type LeanStep } from '../../tracegen/lean-render/lean-trace.js';
import type { Letter } from './alphabet.js';
import { Fingerprinter } from './fingerprint.js';

/** Where a search stands after some events: both models' states and how many events led there. */
export interface PairState {
  readonly cpp: Snapshot;
  readonly lean: LeanSnapshot;
  readonly depth: number;
}

export const ROOT: PairState = { cpp: EMPTY_SNAPSHOT, lean: emptySnapshot, depth: 0 };

export type TransitionOutcome =
  | { readonly kind: 'ok'; readonly next: PairState; readonly hi: number; readonly lo: number; readonly step: StepResult; readonly checks: SnapshotChecks }
  | { readonly kind: 'divergent'; readonly failure: ReplayFailure; readonly step: StepResult; readonly checks: SnapshotChecks };

/** Marks a Lean snapshot in a fingerprint, so the two encodings never run together. */
const LEAN_TAG = 0x4c45414e;
const KEY_TAG = 0x4b455953;

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));

/** What the C++ side writes for one state, once for all its transitions, and whether Lean's cursor renders the same. */
interface Before {
  readonly state: PairState;
  readonly json: Uint8Array;
  readonly checks: SnapshotChecks;
  readonly checksJson: Uint8Array;
  readonly leanAgrees: boolean;
}

export class PairChecker {
  private readonly line = new ByteWriter(1 << 15);
  private readonly scratch = new ByteWriter(1 << 14);
  private readonly afterEncoder = new SnapshotEncoder();
  private readonly beforeEncoder = new SnapshotEncoder();
  private readonly leanRenderer = new LeanSnapshotRenderer();
  private readonly lean = new LeanReplayChecker();
  private readonly fingerprint = new Fingerprinter();
  private before: Before | undefined;
  private readonly faithful = new WeakMap<Letter, boolean>();
  /** The Lean parser's reading of each event; null when it rejects it (the checker then decides). */
  private readonly leanEvents = new WeakMap<Letter, LeanEvent | null>();

  /** Steps `letter` from `state` and checks it; throws only on a bug (an event the port's decoder reads otherwise). */
  check(state: PairState, letter: Letter): TransitionOutcome {
    if (!this.decodesFaithfully(letter)) throw new Error(`explore grammar: the C++ decoder reads this event otherwise than the grammar stepped it: ${letter.text.slice(0, 200)}`);
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
        this.fingerprintOf(next, after, undefined);
        return { kind: 'ok', next, hi: this.fingerprint.hi, lo: this.fingerprint.lo, step: result, checks };
      }
    }
    return this.byChecker(state, letter, result, checks, after);
  }

  /** The written line through the Lean checker itself, resumed at the state's cursor. */
  private byChecker(state: PairState, letter: Letter, result: StepResult, checks: SnapshotChecks, after: Uint8Array): TransitionOutcome {
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
    this.fingerprintOf(next, after, w.view());
    return { kind: 'ok', next, hi: this.fingerprint.hi, lo: this.fingerprint.lo, step: result, checks };
  }

  /** The state after `letter` without checking (a path already checked when it was found). */
  static replay(state: PairState, letter: Letter): PairState {
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
  private writeLine(state: PairState, letter: Letter, result: StepResult, checks: SnapshotChecks, after: Uint8Array): void {
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

  /** The C++ snapshot's bytes, the Lean one's where they differ, and peer map keys that differ from the stored OSD. */
  private fingerprintOf(next: PairState, after: Uint8Array, lean: Uint8Array | undefined): void {
    const f = this.fingerprint;
    f.reset();
    f.bytes(after);
    if (lean !== undefined && !equalBytes(lean, after)) {
      f.int(LEAN_TAG);
      f.bytes(lean);
    }
    for (const [osd, info] of next.cpp.peerInfo) if (info.osd !== osd) (f.int(KEY_TAG), f.int(osd), f.int(info.osd));
    for (const [osd, info] of next.lean.peerInfo) if (info.osd !== osd) (f.int(KEY_TAG), f.int(Number(osd)), f.int(Number(info.osd)));
  }

  private leanEventOf(letter: Letter): LeanEvent | null {
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
  private decodesFaithfully(letter: Letter): boolean {
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
