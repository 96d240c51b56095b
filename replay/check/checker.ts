/**
 * The streaming replay checker: re-executes every event of a trace through
 * the TS reducer, starting from the empty snapshot, and compares each step
 * the way upstream's Lean checker does (input snapshot, before checks, from
 * state, after snapshot, after checks, to state, effects as a multiset).
 *
 * Memory does not grow with the trace: only the current snapshot, one line
 * and one encoding buffer are held.
 */
import {
  computeChecks,
  EMPTY_SNAPSHOT,
  step as reduceStep,
  type PeeringEvent,
  type Snapshot,
  type SnapshotChecks,
  type StepResult,
} from '../../reducer/index.js';
import { ByteWriter, encodeChecks, encodeEffects, encodeSnapshot, SnapshotRenderer, writeStepTail } from '../../tracegen/index.js';
import { decodeEvent, decodeSnapshot } from '../input/decode.js';
import { diffEffectLists, diffEffectMultisets, diffJson, type DiffEntry } from '../compare/diff.js';
import { canonicalHead, spells, tailEquals } from './fast-path.js';
import { malformed, ReplayFailure, type ReplayProgress, type Stage, type Triage } from '../verdict/failure.js';
import { leniencyLines, lineToCheck, type LeniencyNotes } from './line-rules.js';
import { isJsonObject, JsonSyntaxError, parseJson, stringifyJson, type JsonObject, type JsonValue } from '../input/json-lossless.js';
import { projectChecks, projectEffects, projectSnapshot, sameJson, type CompareMode } from '../compare/project.js';
import { schemaError, validParsed, validators, type TraceValidators } from '../input/schema.js';

export interface ReplayOptions {
  /** `lean` (default) compares like the Lean checker; `strict` compares every member in order. */
  readonly mode?: CompareMode;
}

export interface ReplayStats {
  readonly steps: number;
  readonly summaries: number;
  /** Lines that took the full parse-and-compare path. */
  readonly slowLines: number;
  readonly notes: LeniencyNotes;
}

const decoder = new TextDecoder('utf-8');

const CHECK_NAMES: readonly (keyof SnapshotChecks)[] = ['haveEnoughInfo', 'imageInvariant', 'imageClean', 'imageRecovering'];

function sameChecks(a: SnapshotChecks, b: SnapshotChecks): boolean {
  return CHECK_NAMES.every((k) => a[k] === b[k]);
}

export class ReplayChecker {
  readonly mode: CompareMode;
  private readonly schema: TraceValidators;
  private cursor: Snapshot = EMPTY_SNAPSHOT;
  private readonly renderer = new SnapshotRenderer();
  private readonly scratch = new ByteWriter(1 << 16);
  private steps = 0;
  private summaries = 0;
  private slowLines = 0;
  private lastLine = 0;
  private readonly notes: LeniencyNotes = {
    trimmedLines: 0,
    firstTrimmedLine: 0,
    skippedLines: 0,
    firstSkippedLine: 0,
    blankLines: 0,
    unterminatedFinalLine: false,
  };

  constructor(options: ReplayOptions = {}) {
    this.mode = options.mode ?? 'lean';
    this.schema = validators(this.mode === 'strict');
  }

  /** The snapshot reached so far. */
  get snapshot(): Snapshot {
    return this.cursor;
  }

  /** Checks one input line; throws `ReplayFailure` on the first problem. */
  feedLine(raw: Uint8Array, lineNo: number, terminated = true): void {
    try {
      this.checkLine(raw, lineNo, terminated);
    } catch (err) {
      if (err instanceof ReplayFailure) err.progress = this.progress();
      throw err;
    }
  }

  /** Steps verified so far and the leniency notes gathered. */
  progress(): ReplayProgress {
    return { steps: this.steps, summaries: this.summaries, notes: leniencyLines(this.notes, this.summaries, this.steps, false) };
  }

  private checkLine(raw: Uint8Array, lineNo: number, terminated: boolean): void {
    this.lastLine = lineNo;
    const line = lineToCheck(this.notes, raw, lineNo, terminated);
    if (line === undefined) return;
    if (this.tryCanonicalStep(line)) return;
    this.slowLines++;
    this.generalLine(decoder.decode(line), lineNo, terminated);
  }

  /** Ends the input; throws when there was nothing to check. */
  finish(): ReplayStats {
    if (this.steps === 0 && this.summaries === 0) {
      const err = malformed(this.lastLine, this.lastLine === 0 ? 'empty input: no trace lines' : 'no trace lines: nothing starts with "{"');
      err.progress = this.progress();
      throw err;
    }
    return { steps: this.steps, summaries: this.summaries, slowLines: this.slowLines, notes: { ...this.notes } };
  }

  // ── Fast path ─────────────────────────────────────────────────────────

  private tryCanonicalStep(line: Uint8Array): boolean {
    const head = canonicalHead(line);
    if (head === undefined || head.step !== this.steps || this.summaries > 0) return false;
    const eventText = decoder.decode(line.subarray(head.eventStart, head.eventEnd));
    let eventJson: JsonValue;
    try {
      eventJson = parseJson(eventText); // prototype-free objects, exact integers
    } catch {
      return false;
    }
    const validate = isJsonObject(eventJson) ? this.schema.eventByType.get(String(eventJson.type)) : undefined;
    if (validate === undefined || !validParsed(validate, eventJson, eventText)) return false;
    const result = reduceStep(this.cursor, decodeEvent(eventJson));
    if (!spells(line, head.fromStart, head.fromEnd, result.from) || !spells(line, head.toStart, head.toEnd, result.to)) return false;
    const w = this.scratch;
    w.reset();
    writeStepTail(w, this.renderer, result);
    if (!tailEquals(line, head.eventEnd, w.view())) return false;
    this.accept(result);
    return true;
  }

  private accept(result: StepResult): void {
    this.cursor = result.after;
    this.steps++;
  }

  // ── General path ──────────────────────────────────────────────────────

  private generalLine(text: string, lineNo: number, terminated: boolean): void {
    let value: JsonValue;
    try {
      value = parseJson(text);
    } catch (err) {
      const detail = err instanceof JsonSyntaxError ? err.message : String(err);
      throw malformed(lineNo, terminated ? `invalid JSON: ${detail}` : `truncated final line (no newline; torn write?): ${detail}`);
    }
    if (!isJsonObject(value)) throw malformed(lineNo, 'a trace line must be a JSON object');
    // A summary needs only its own validator: the step-line code stays unloaded on the fast path.
    const problem = schemaError(value.kind === 'summary' ? this.schema.summary : this.schema.line, value);
    if (problem !== undefined) throw malformed(lineNo, `schema: ${describeSchemaProblem(problem, value)}`);

    if (value.kind === 'summary') {
      this.summaryLine(value, lineNo);
      return;
    }
    this.stepLine(value, lineNo);
  }

  private summaryLine(value: JsonObject, lineNo: number): void {
    if (this.steps === 0) throw malformed(lineNo, 'summary before any step');
    if (this.summaries > 0) throw malformed(lineNo, 'a second summary line (traces concatenated?)');
    if (value.events !== this.steps) {
      throw malformed(lineNo, `summary counts ${String(value.events)} events but the trace has ${this.steps} steps`);
    }
    this.summaries++;
  }

  private stepLine(value: JsonObject, lineNo: number): void {
    const stepNo = value.step as number;
    const eventType = String((value.event as JsonObject).type);
    if (this.summaries > 0) throw malformed(lineNo, `step ${stepNo} after the summary line`, { step: stepNo, event: eventType });
    if (stepNo !== this.steps) {
      throw malformed(lineNo, `step ${stepNo} out of order (expected step ${this.steps})`, { step: stepNo, event: eventType });
    }
    const event = decodeEvent(value.event as JsonValue);
    const result = reduceStep(this.cursor, event);
    const failure = this.compareStep(value, result, event);
    if (failure !== undefined) {
      throw new ReplayFailure({
        kind: 'mismatch',
        line: lineNo,
        step: stepNo,
        event: eventType,
        ...failure,
      });
    }
    this.accept(result);
  }

  /** Lean's comparison order; returns the first failing stage, if any. */
  private compareStep(
    line: JsonObject,
    result: StepResult,
    event: PeeringEvent,
  ): { stage: Stage; message: string; triage: Triage; triageReason: string; diff: DiffEntry[] } | undefined {
    const strict = this.mode === 'strict';
    const snapshot = (j: JsonValue): JsonValue => (strict ? j : projectSnapshot(j as JsonObject));
    const checks = (j: JsonValue): JsonValue => (strict ? j : projectChecks(j as JsonObject));
    const ours = {
      before: parseJson(encodeSnapshot(result.before)),
      beforeChecks: parseJson(encodeChecks(computeChecks(result.before))),
      after: parseJson(encodeSnapshot(result.after)),
      afterChecks: parseJson(encodeChecks(computeChecks(result.after))),
      effects: parseJson(encodeEffects(result.effects)) as JsonValue[],
    };

    const fail = (stage: Stage, message: string, diff: DiffEntry[]) => ({ stage, message, diff, ...this.triage(stage, line, result) });

    const expBefore = snapshot(line.before!);
    const actBefore = snapshot(ours.before);
    if (!sameJson(expBefore, actBefore)) {
      return fail('input', `input snapshot differs before step ${String(line.step)}`, diffJson('before', expBefore, actBefore, this.mode));
    }
    if (!sameJson(checks(line.before_checks!), checks(ours.beforeChecks))) {
      return fail('before_checks', 'before checks differ', diffJson('before_checks', checks(line.before_checks!), checks(ours.beforeChecks), this.mode));
    }
    if (line.from_state !== result.from) {
      return fail('from_state', 'from_state differs', [{ path: 'from_state', expected: JSON.stringify(line.from_state), actual: JSON.stringify(result.from) }]);
    }
    const expAfter = snapshot(line.after!);
    const actAfter = snapshot(ours.after);
    if (!sameJson(expAfter, actAfter)) {
      return fail('after', `after snapshot differs (${event.type})`, diffJson('after', expAfter, actAfter, this.mode));
    }
    if (!sameJson(checks(line.after_checks!), checks(ours.afterChecks))) {
      return fail('after_checks', 'after checks differ', diffJson('after_checks', checks(line.after_checks!), checks(ours.afterChecks), this.mode));
    }
    if (line.to_state !== result.to) {
      return fail('to_state', 'to_state differs', [{ path: 'to_state', expected: JSON.stringify(line.to_state), actual: JSON.stringify(result.to) }]);
    }
    const expEffects = line.effects as JsonValue[];
    if (strict) {
      if (!sameJson(expEffects, ours.effects)) return fail('effects', 'effects differ', diffEffectLists(expEffects, ours.effects));
    } else {
      const exp = projectEffects(expEffects);
      const act = projectEffects(ours.effects);
      if (exp.length !== act.length || exp.some((e, i) => e.key !== act[i]!.key)) {
        return fail('effects', 'effects differ (compared as a multiset)', diffEffectMultisets('effects', exp, act));
      }
    }
    return undefined;
  }

  /** Decides whether the trace contradicts itself or the reducers disagree. */
  private triage(stage: Stage, line: JsonObject, result: StepResult): { triage: Triage; triageReason: string } {
    if (stage === 'input') {
      return {
        triage: 'trace-invariant',
        triageReason:
          this.steps === 0
            ? 'the first step does not start from the empty snapshot'
            : "the step does not start from the previous step's after snapshot (lines reordered, dropped or edited?)",
      };
    }
    const recorded = (j: JsonValue | undefined): SnapshotChecks => {
      const c = j as JsonObject;
      return {
        haveEnoughInfo: c.have_enough_info as boolean,
        imageInvariant: c.image_invariant as boolean,
        imageClean: c.image_clean as boolean,
        imageRecovering: c.image_recovering as boolean,
      };
    };
    const ownBefore = computeChecks(decodeSnapshot(line.before!));
    const ownAfter = computeChecks(decodeSnapshot(line.after!));
    if (!sameChecks(ownBefore, recorded(line.before_checks))) {
      return { triage: 'trace-invariant', triageReason: "the trace's before_checks disagree with checks recomputed from its own before snapshot" };
    }
    if (!sameChecks(ownAfter, recorded(line.after_checks))) {
      return { triage: 'trace-invariant', triageReason: "the trace's after_checks disagree with checks recomputed from its own after snapshot" };
    }
    if (!ownAfter.imageInvariant && computeChecks(result.after).imageInvariant) {
      return { triage: 'trace-invariant', triageReason: "the trace's after snapshot violates image_invariant, the replayed one does not" };
    }
    return {
      triage: 'reducer-disagreement',
      triageReason: 'the trace is internally consistent (its checks match its own snapshots); replaying its event through the TS reducer gives a different result',
    };
  }
}

/** Names the unknown event or effect type instead of listing all allowed ones (never echoing a huge value). */
export function describeSchemaProblem(problem: string, value: JsonObject): string {
  if (/^\/event\/type: must be equal to one of the allowed values/.test(problem)) {
    return `/event/type: unknown event type ${showValue((value.event as JsonObject).type)}`;
  }
  const effect = /^\/effects\/(\d+)\/type: must be equal to one of the allowed values/.exec(problem);
  if (effect) {
    const type = ((value.effects as JsonObject[])[Number(effect[1])] as JsonObject).type;
    return `/effects/${effect[1]}/type: unknown effect type ${showValue(type)}`;
  }
  return problem;
}

/** Compact JSON of a value for a message, shortened when long. */
export function showValue(v: JsonValue | undefined): string {
  const text = v === undefined ? 'undefined' : stringifyJson(v);
  return text.length <= 80 ? text : `${text.slice(0, 60)}... (${text.length} characters)`;
}
