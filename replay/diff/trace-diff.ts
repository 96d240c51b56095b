/**
 * Lockstep comparison of two traces (say, TS output against upstream C++
 * output for the same argv): the first line where they diverge, with the
 * same focused diff as the replay checker. Byte-identical lines are skipped
 * cheaply; others are compared semantically (Lean projection by default,
 * every member in `strict` mode).
 */
import type { Readable } from 'node:stream';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { describeSchemaProblem } from '../check/checker.js';
import { diffEffectMultisets, diffJson, type DiffEntry } from '../compare/diff.js';
import { malformed, ReplayFailure } from '../verdict/failure.js';
import { classifyLine } from '../check/line-rules.js';
import { isJsonObject, JsonSyntaxError, parseJson, type JsonObject, type JsonValue } from '../input/json-lossless.js';
import { DEFAULT_MAX_LINE_BYTES, LineTooLongError, readLines } from '../input/line-reader.js';
import { projectChecks, projectEffects, projectSnapshot, sameJson, type CompareMode } from '../compare/project.js';
import { schemaError, validators } from '../input/schema.js';
import { diffLeanLines, parseLeanLine } from './lean-line-diff.js';
import type { ReplayLine } from '../../lean/Replay.js';

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

/** `value` is the cpp view (parsed and schema-checked), `lean` what Lean's parser reads; one of them is set. */
type Line = { bytes: Buffer; lineNo: number; terminated: boolean; value?: JsonObject; lean?: ReplayLine | null };

/**
 * Trace lines only, read by the replay checker's line rules, each parsed
 * and validated against the trace schema: a line the checker would reject
 * is reported (exit 3), never compared.
 */
async function* traceLines(stream: Readable, maxLineBytes: number, side: string, mode: CompareMode, model: 'cpp' | 'lean' = 'cpp'): AsyncGenerator<Line> {
  const schema = validators(mode === 'strict').line;
  try {
    for await (const line of readLines(stream, maxLineBytes)) {
      let c;
      try {
        c = classifyLine(line.bytes, line.lineNo, line.terminated);
      } catch (err) {
        if (err instanceof ReplayFailure) throw malformed(line.lineNo, `trace ${side}: ${err.report.message}`);
        throw err;
      }
      if (c.kind !== 'trace') continue;
      const bytes = Buffer.from(c.line);
      if (model === 'lean') yield { bytes, lineNo: line.lineNo, terminated: line.terminated, lean: parseLeanLine(bytes.toString('utf8'), line.lineNo, side) };
      else yield { bytes, lineNo: line.lineNo, terminated: line.terminated, value: parseLine(bytes, line, side, schema) };
    }
  } catch (err) {
    if (err instanceof LineTooLongError) throw malformed(err.lineNo, `trace ${side}: line longer than the ${err.limit}-byte limit`);
    throw err;
  }
}

function parseLine(bytes: Buffer, line: { lineNo: number; terminated: boolean }, side: string, schema: ValidateFunction): JsonObject {
  let value: JsonValue;
  try {
    value = parseJson(bytes.toString('utf8'));
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    throw malformed(line.lineNo, `trace ${side}: ${line.terminated ? 'invalid JSON' : 'truncated final line (no newline; torn write?)'}: ${err.message}`);
  }
  if (!isJsonObject(value)) throw malformed(line.lineNo, `trace ${side}: a trace line must be a JSON object`);
  const problem = schemaError(schema, value);
  if (problem !== undefined) throw malformed(line.lineNo, `trace ${side}: schema: ${describeSchemaProblem(problem, value)}`);
  return value;
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

/**
 * `model` `cpp` (default) compares the members the cpp checker projects;
 * `lean` compares what Lean's parser reads, after Lean's normalisation.
 */
export async function diffTraces(
  a: Readable,
  b: Readable,
  mode: CompareMode = 'lean',
  maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  model: 'cpp' | 'lean' = 'cpp',
): Promise<TraceDiffResult> {
  const left = traceLines(a, maxLineBytes, 'A', mode, model);
  const right = traceLines(b, maxLineBytes, 'B', mode, model);
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
    if (model === 'lean') {
      const la = x.value.lean ?? null;
      const lb = y.value.lean ?? null;
      const diff = diffLeanLines(la, lb);
      if (diff.length === 0) {
        equivalentLines++;
        continue;
      }
      const step = la?.kind === 'step' ? la.line : undefined;
      return {
        lines,
        equivalentLines,
        divergence: {
          lineA: x.value.lineNo,
          lineB: y.value.lineNo,
          ...(step === undefined ? {} : { step: Number(step.step), event: step.event.type }),
          message: `traces diverge at trace line ${lines}`,
          diff,
        },
      };
    }
    const ja = x.value.value!;
    const jb = y.value.value!;
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
