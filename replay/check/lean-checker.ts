/**
 * The replay checker for the Lean model: answers what upstream's Lean
 * `peering-replay` answers, through the TS mirror in lean/.
 *
 * Slow path: the line is parsed with Lean's JSON and field readers, stepped
 * from the normalised cursor and compared as `Replay.lean` compares.
 * Fast path: when a step line has upstream's exact layout, only its event is
 * parsed (with the same Lean readers); the rest must equal, byte for byte,
 * the mirror's rendering of the step (effects as a multiset of byte
 * strings). That rendering writes every list Lean compares in order as the
 * mirror holds it and every list Lean normalises in one canonical order, so
 * equal bytes imply Lean's comparison passes; anything else takes the slow
 * path, so the fast path can only accept what the slow path accepts.
 *
 * On top of Lean's rules it keeps the structural strictness documented in
 * docs/replay.md (empty input, BOM, step order, summary placement and count,
 * line limit).
 */
import { emptySnapshot, type Snapshot } from '../../lean/Machine.js';
import { parseEvent, parseReplayLine, ReplayParseError, replayObservedStep, computeSnapshotChecks, normalizeSnapshot, sameChecks, type ReplayStep } from '../../lean/Replay.js';
import { LeanJsonError, parseLeanJson } from '../../lean/LeanJson.js';
import type { PeeringEvent } from '../../lean/Types.js';
import { ByteWriter } from '../../tracegen/encode/byte-writer.js';
import { writeEffect, writeEffects } from '../../tracegen/lean-render/lean-encode.js';
import { LeanSnapshotRenderer, leanReplayStep, type LeanStep } from '../../tracegen/lean-render/lean-trace.js';
import type { ReplayStats } from './checker.js';
import { leniencyLines, lineToCheck, type LeniencyNotes } from './line-rules.js';
import { canonicalHead, skipValue, spells } from './fast-path.js';
import { malformed, ReplayFailure, type ReplayProgress, type Stage, type Triage } from '../verdict/failure.js';
import { diffModelValues } from '../compare/lean-diff.js';

const decoder = new TextDecoder('utf-8');
const EFFECTS_KEY = Buffer.from(',"effects":');

export class LeanReplayChecker {
  private cursor: Snapshot = emptySnapshot;
  private readonly renderer = new LeanSnapshotRenderer();
  private readonly scratch = new ByteWriter(1 << 16);
  private readonly effectScratch = new ByteWriter(1 << 12);
  private steps = 0;
  private summaries = 0;
  private slowLines = 0;
  private lastLine = 0;
  /** False when the caller compared the line's bytes itself and found them different: the slow path decides. */
  private fastPath = true;
  private readonly notes: LeniencyNotes = {
    trimmedLines: 0,
    firstTrimmedLine: 0,
    skippedLines: 0,
    firstSkippedLine: 0,
    blankLines: 0,
    unterminatedFinalLine: false,
  };

  /** The (normalised) snapshot reached so far. */
  get snapshot(): Snapshot {
    return this.cursor;
  }

  /**
   * Continues as if `steps` step lines had been accepted, ending at
   * `cursor` (a snapshot this checker, or one like it, reached): lets
   * exhaustive exploration check each next line of many traces that share
   * a prefix without replaying the prefix. `fastPath` false skips the
   * byte-compare fast path for lines the caller knows it would not accept.
   */
  resume(cursor: Snapshot, steps: number, fastPath = true): void {
    this.cursor = cursor;
    this.steps = steps;
    this.summaries = 0;
    this.fastPath = fastPath;
  }

  feedLine(raw: Uint8Array, lineNo: number, terminated = true): void {
    try {
      this.checkLine(raw, lineNo, terminated);
    } catch (err) {
      if (err instanceof ReplayFailure) err.progress = this.progress();
      throw err;
    }
  }

  progress(): ReplayProgress {
    return { steps: this.steps, summaries: this.summaries, notes: leniencyLines(this.notes, this.summaries, this.steps, false) };
  }

  finish(): ReplayStats {
    if (this.steps === 0 && this.summaries === 0) {
      const err = malformed(this.lastLine, this.lastLine === 0 ? 'empty input: no trace lines' : 'no trace lines: nothing starts with "{"');
      err.progress = this.progress();
      throw err;
    }
    return { steps: this.steps, summaries: this.summaries, slowLines: this.slowLines, notes: { ...this.notes } };
  }

  private checkLine(raw: Uint8Array, lineNo: number, terminated: boolean): void {
    this.lastLine = lineNo;
    // The line rules shared with the cpp checker and trace-diff (NUL bytes, UTF-8, BOM, trimming, skipping).
    const line = lineToCheck(this.notes, raw, lineNo, terminated);
    if (line === undefined) return;
    if (this.fastPath && this.tryCanonicalStep(line)) return;
    this.slowLines++;
    this.generalLine(decoder.decode(line), lineNo, terminated);
  }

  // ── Fast path ─────────────────────────────────────────────────────────

  private tryCanonicalStep(line: Uint8Array): boolean {
    const head = canonicalHead(line);
    if (head === undefined || head.step !== this.steps || this.summaries > 0) return false;
    let event: PeeringEvent;
    try {
      event = parseEvent(parseLeanJson(decoder.decode(line.subarray(head.eventStart, head.eventEnd))));
    } catch (err) {
      if (err instanceof LeanJsonError || err instanceof ReplayParseError) return false;
      throw err;
    }
    const s = leanReplayStep(this.cursor, event);
    if (!spells(line, head.fromStart, head.fromEnd, s.fromState) || !spells(line, head.toStart, head.toEnd, s.toState)) return false;
    if (!this.tailMatches(line, head.eventEnd, s)) return false;
    this.cursor = s.after;
    this.steps++;
    return true;
  }

  /** Snapshots and checks byte for byte, then effects as a multiset of byte strings. */
  private tailMatches(line: Uint8Array, from: number, s: LeanStep): boolean {
    const w = this.scratch;
    w.reset();
    w.token(',"before":');
    this.renderer.appendJson(s.before, w);
    w.token(',"before_checks":');
    this.renderer.appendChecks(s.before, w);
    w.token(',"after":');
    this.renderer.appendJson(s.after, w);
    w.token(',"after_checks":');
    this.renderer.appendChecks(s.after, w);
    w.bytes(EFFECTS_KEY);
    const prefix = w.view();
    const effectsStart = from + prefix.length;
    if (effectsStart >= line.length || !Buffer.from(line.buffer, line.byteOffset + from, prefix.length).equals(prefix)) return false;
    if (line[line.length - 1] !== 0x7d || line[effectsStart] !== 0x5b) return false;
    const effectsEnd = line.length - 1;
    const e = this.effectScratch;
    e.reset();
    writeEffects(e, s.effects);
    const rendered = e.view();
    if (effectsEnd - effectsStart === rendered.length && Buffer.from(line.buffer, line.byteOffset + effectsStart, rendered.length).equals(rendered)) return true;
    // Same effects in another order: compare as a multiset of byte strings.
    const traced = splitArray(line, effectsStart, effectsEnd);
    if (traced === undefined || traced.length !== s.effects.length) return false;
    const ours = s.effects.map((f) => {
      e.reset();
      writeEffect(e, f);
      return Buffer.from(e.view()).toString('latin1');
    });
    traced.sort();
    ours.sort();
    return traced.every((t, i) => t === ours[i]);
  }

  // ── Slow path ─────────────────────────────────────────────────────────

  private generalLine(text: string, lineNo: number, terminated: boolean): void {
    let parsed;
    try {
      parsed = parseReplayLine(text);
    } catch (err) {
      if (!(err instanceof ReplayParseError)) throw err;
      throw malformed(lineNo, terminated ? `rejected by the Lean parser: ${err.message}` : `truncated final line (no newline; torn write?): ${err.message}`);
    }
    if (parsed === null) return;
    if (parsed.kind === 'summary') {
      if (this.steps === 0) throw malformed(lineNo, 'summary before any step');
      if (this.summaries > 0) throw malformed(lineNo, 'a second summary line (traces concatenated?)');
      if (parsed.line.events !== this.steps) throw malformed(lineNo, `summary counts ${String(parsed.line.events)} events but the trace has ${this.steps} steps`);
      this.summaries++;
      return;
    }
    const entry = parsed.line;
    const stepNo = Number(entry.step);
    if (this.summaries > 0) throw malformed(lineNo, `step ${stepNo} after the summary line`, { step: stepNo, event: entry.event.type });
    if (entry.step !== this.steps) throw malformed(lineNo, `step ${String(entry.step)} out of order (expected step ${this.steps})`, { step: stepNo, event: entry.event.type });
    const observed = replayObservedStep({ current: this.cursor }, entry);
    if (!observed.ok) {
      const m = observed.mismatch;
      const stage: Stage = m.stage === 'before' ? 'input' : m.stage;
      const message = STAGE_MESSAGE[stage](String(entry.step), entry.event.type);
      throw new ReplayFailure({
        kind: 'mismatch',
        line: lineNo,
        step: stepNo,
        event: entry.event.type,
        stage,
        message,
        ...leanTriage(m.stage, entry),
        diff: diffModelValues(stage === 'input' ? 'before' : stage, m.expected, m.actual),
      });
    }
    this.cursor = observed.cursor.current;
    this.steps++;
  }
}

/** The cpp checker's wording, so reports read the same under every model. */
const STAGE_MESSAGE: Record<Stage, (step: string, event: string) => string> = {
  line: () => 'malformed line',
  input: (step) => `input snapshot differs before step ${step}`,
  before_checks: () => 'before checks differ',
  from_state: () => 'from_state differs',
  after: (_step, event) => `after snapshot differs (${event})`,
  after_checks: () => 'after checks differ',
  to_state: () => 'to_state differs',
  effects: () => 'effects differ (compared as a multiset)',
};

/** Byte strings of the top-level values of the JSON array at `[start, end)`, or undefined. */
function splitArray(b: Uint8Array, start: number, end: number): string[] | undefined {
  const out: string[] = [];
  if (b[start] !== 0x5b || b[end - 1] !== 0x5d) return undefined;
  let pos = start + 1;
  if (pos === end - 1) return out;
  for (;;) {
    if (b[pos] !== 0x7b) return undefined;
    const next = skipValue(b, pos);
    if (next < 0 || next >= end) return undefined;
    out.push(Buffer.from(b.buffer, b.byteOffset + pos, next - pos).toString('latin1'));
    if (b[next] === 0x5d) return next === end - 1 ? out : undefined;
    if (b[next] !== 0x2c) return undefined;
    pos = next + 1;
  }
}

/** Whether the trace contradicts itself (its checks vs its own snapshots) or the model disagrees. */
function leanTriage(stage: string, entry: ReplayStep): { triage: Triage; triageReason: string } {
  if (stage === 'input' || stage === 'before') {
    return { triage: 'trace-invariant', triageReason: "the step does not start from the Lean cursor (the previous step's normalised after snapshot)" };
  }
  if (!sameChecks(computeSnapshotChecks(normalizeSnapshot(entry.before)), entry.beforeChecks)) {
    return { triage: 'trace-invariant', triageReason: "the trace's before_checks disagree with Lean's checks of its own before snapshot" };
  }
  const ownAfter = computeSnapshotChecks(normalizeSnapshot(entry.after));
  if (!sameChecks(ownAfter, entry.afterChecks)) {
    return { triage: 'trace-invariant', triageReason: "the trace's after_checks disagree with Lean's checks of its own after snapshot" };
  }
  return { triage: 'reducer-disagreement', triageReason: 'the trace is internally consistent; replaying its event through the Lean model gives a different result' };
}
