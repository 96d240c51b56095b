/**
 * Lockstep comparison of two traces (say, TS output against upstream C++
 * output for the same argv): the first line where they diverge, with the
 * same focused diff as the replay checker. Byte-identical lines are skipped
 * cheaply; others are compared semantically (Lean projection by default,
 * every member in `strict` mode).
 */
import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import { diffEffectMultisets, diffJson, type DiffEntry } from './diff.js';
import { malformed } from './failure.js';
import { isJsonObject, JsonSyntaxError, parseJson, type JsonObject, type JsonValue } from './json-lossless.js';
import { DEFAULT_MAX_LINE_BYTES, LineTooLongError, readLines } from './line-reader.js';
import { projectChecks, projectEffects, projectSnapshot, sameJson, type CompareMode } from './project.js';

export interface TraceDiffResult {
  /** Number of trace lines compared (both sides). */
  readonly lines: number;
  /** Lines that differ in bytes but are equal under the comparison mode. */
  readonly equivalentLines: number;
  readonly divergence?: {
    readonly lineA: number;
    readonly lineB: number;
    readonly step?: number;
    readonly event?: string;
    readonly message: string;
    readonly diff: readonly DiffEntry[];
  };
}

type Line = { bytes: Buffer; lineNo: number; terminated: boolean };

/** Trace lines only, trimmed, as the replay checker reads them. */
async function* traceLines(stream: Readable, maxLineBytes: number): AsyncGenerator<Line> {
  try {
    for await (const line of readLines(stream, maxLineBytes)) {
      if (!isUtf8(line.bytes)) throw malformed(line.lineNo, 'invalid UTF-8');
      const text = line.bytes.toString('utf8').trim();
      if (text === '' || !text.startsWith('{')) continue;
      yield { ...line, bytes: Buffer.from(text) };
    }
  } catch (err) {
    if (err instanceof LineTooLongError) throw malformed(err.lineNo, `line longer than the ${err.limit}-byte limit`);
    throw err;
  }
}

function parseLine(line: Line, side: string): JsonObject {
  try {
    const value = parseJson(line.bytes.toString('utf8'));
    if (isJsonObject(value)) return value;
    throw malformed(line.lineNo, `trace ${side}: a trace line must be a JSON object`);
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw malformed(line.lineNo, `trace ${side}: invalid JSON: ${err.message}`);
    throw err;
  }
}

const snapshotView = (v: JsonValue | undefined, mode: CompareMode): JsonValue | undefined =>
  mode === 'strict' || !isJsonObject(v) ? v : projectSnapshot(v);

/** Member-wise differences of two parsed trace lines under `mode`. */
export function diffLines(a: JsonObject, b: JsonObject, mode: CompareMode): DiffEntry[] {
  if (mode === 'strict' || a.kind !== 'step' || b.kind !== 'step') return diffJson('', a, b, mode);
  const out: DiffEntry[] = [];
  for (const key of ['kind', 'step', 'from_state', 'to_state', 'event']) diffJson(key, a[key], b[key], mode, out);
  diffJson('before', snapshotView(a.before, mode), snapshotView(b.before, mode), mode, out);
  for (const key of ['before_checks', 'after_checks']) {
    diffJson(key, isJsonObject(a[key]) ? projectChecks(a[key]) : a[key], isJsonObject(b[key]) ? projectChecks(b[key]) : b[key], mode, out);
  }
  diffJson('after', snapshotView(a.after, mode), snapshotView(b.after, mode), mode, out);
  if (Array.isArray(a.effects) && Array.isArray(b.effects)) diffEffectMultisets('effects', projectEffects(a.effects), projectEffects(b.effects), out);
  else diffJson('effects', a.effects, b.effects, mode, out);
  return out;
}

export async function diffTraces(a: Readable, b: Readable, mode: CompareMode = 'lean', maxLineBytes = DEFAULT_MAX_LINE_BYTES): Promise<TraceDiffResult> {
  const left = traceLines(a, maxLineBytes);
  const right = traceLines(b, maxLineBytes);
  let lines = 0;
  let equivalentLines = 0;
  for (;;) {
    const [x, y] = await Promise.all([left.next(), right.next()]);
    if (x.done && y.done) return { lines, equivalentLines };
    if (x.done || y.done) {
      const present = (x.done ? y.value : x.value) as Line;
      return {
        lines,
        equivalentLines,
        divergence: {
          lineA: x.done ? 0 : present.lineNo,
          lineB: y.done ? 0 : present.lineNo,
          message: `trace ${x.done ? 'A' : 'B'} ends after ${lines} lines; the other continues at line ${present.lineNo}`,
          diff: [],
        },
      };
    }
    lines++;
    if (x.value.bytes.equals(y.value.bytes)) continue;
    const ja = parseLine(x.value, 'A');
    const jb = parseLine(y.value, 'B');
    const diff = diffLines(ja, jb, mode);
    if (diff.length === 0 && (mode === 'lean' || sameJson(ja, jb))) {
      equivalentLines++;
      continue;
    }
    const event = isJsonObject(ja.event) ? String(ja.event.type) : undefined;
    return {
      lines,
      equivalentLines,
      divergence: {
        lineA: x.value.lineNo,
        lineB: y.value.lineNo,
        ...(typeof ja.step === 'number' ? { step: ja.step } : {}),
        ...(event === undefined ? {} : { event }),
        message: `traces diverge at trace line ${lines}`,
        diff,
      },
    };
  }
}
