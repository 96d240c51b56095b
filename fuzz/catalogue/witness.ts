/**
 * Where a finding's evidence comes from, whatever ran the cycle: the two
 * models' verdict on its failing step (the in-process checker's own report,
 * or both models asked afterwards about the saved trace), and its events
 * in their wire form up to that step (regenerated from the cycle's
 * configuration when our generator made them, else read back from the
 * event stream an implementation was fed or from the trace itself). Also
 * the first differing step of a witness as each model writes it.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { PeeringEvent } from '../../reducer/index.js';
import {
  DEFAULT_MAX_LINE_BYTES,
  decodeEvent,
  diffJson,
  isJsonObject,
  LineSplitter,
  parseJson,
  ReplayFailure,
  schemaError,
  stringifyJson,
  validators,
  type JsonValue,
} from '../../replay/index.js';
import { createChecker } from '../../replay/models/both-checker.js';
import type { ModelComparison } from '../../replay/verdict/failure.js';
import { eventStreamText, wireEventsTraceText, type WireEvent } from '../../tracegen/index.js';
import { wireLeanTraceText } from '../../tracegen/lean-render/wire-lean.js';
import type { CycleConfig } from '../plan/campaign.js';
import type { StepDiff } from './catalogue.js';

/** The events of a trace up to a step, with the summary seed and the whole trace's event count. */
export interface Witness {
  readonly events: readonly WireEvent[];
  readonly seed: bigint;
  /** Events in the whole trace (or stream) the witness was cut from. */
  readonly total: number;
}

export interface Triage {
  readonly comparison: ModelComparison;
  /** The failing line's `from_state`, when it has one. */
  readonly fromState: string;
}

/** Largest file read back for a finding; a bigger one is reported without attribution. */
const MAX_READ_BYTES = 512 * 1024 * 1024;
const FROM_STATE = /"from_state"\s*:\s*"(\w+)"/;

/** Calls `onLine` for each line of a file, stopping when it returns false. */
function eachFileLine(path: string, onLine: (line: Buffer, lineNo: number) => boolean): void {
  const fd = openSync(path, 'r');
  const chunk = Buffer.alloc(1 << 20);
  let more = true;
  let read = 0;
  const splitter = new LineSplitter((bytes, lineNo) => {
    if (more) more = onLine(Buffer.from(bytes), lineNo);
  }, DEFAULT_MAX_LINE_BYTES);
  try {
    while (more && read < MAX_READ_BYTES) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      read += n;
      splitter.push(chunk.subarray(0, n));
    }
    if (more) splitter.end();
  } finally {
    closeSync(fd);
  }
}

/** Both models' verdict on a trace file's first failing line; undefined when they accept it or it has no comparison. */
export function triageTraceFile(path: string): Triage | undefined {
  const checker = createChecker('both');
  let failure: Triage | undefined;
  eachFileLine(path, (line, lineNo) => {
    try {
      checker.feedLine(line, lineNo, true);
      return true;
    } catch (err) {
      if (!(err instanceof ReplayFailure)) throw err;
      const c = err.report.comparison;
      if (c !== undefined) failure = { comparison: c, fromState: FROM_STATE.exec(line.subarray(0, 200).toString('latin1'))?.[1] ?? '?' };
      return false;
    }
  });
  return failure;
}

function wireEvent(text: string, where: string): WireEvent {
  const value = parseJson(text);
  const problem = schemaError(validators(false).event, value);
  if (problem !== undefined) throw new Error(`${where}: ${problem}`);
  return { event: decodeEvent(value) as PeeringEvent, text: stringifyJson(value) };
}

const SUMMARY = /^\s*\{\s*"kind"\s*:\s*"summary"/;

function summarySeed(line: string): bigint | undefined {
  const value = parseJson(line);
  return isJsonObject(value) && (typeof value.seed === 'number' || typeof value.seed === 'bigint') ? BigInt(value.seed) : undefined;
}

/** Reads an event stream (`--emit events`) or a trace; keeps the events of the first `count` steps. */
export function witnessFromFile(path: string, count: number, kind: 'events' | 'trace'): Witness {
  const events: WireEvent[] = [];
  let seed = 0n;
  let total = 0;
  eachFileLine(path, (line, lineNo) => {
    const text = line.toString('utf8').trim();
    if (text === '') return true;
    if (SUMMARY.test(text)) {
      seed = summarySeed(text) ?? seed;
      return true;
    }
    total++;
    if (events.length < count) {
      const value = kind === 'events' ? text : stringifyJson((parseJson(text) as { event?: JsonValue }).event ?? null);
      events.push(wireEvent(value, `${path} line ${lineNo}`));
    }
    return true;
  });
  return { events, seed, total };
}

/** The events our generator writes for a cycle, up to `count` of them. */
export function witnessFromConfig(config: CycleConfig, count: number): Witness {
  const lines = eventStreamText(config).split('\n').filter((l) => l !== '');
  const summary = lines.pop() ?? '';
  const events = lines.slice(0, count).map((l, i) => wireEvent(l, `event ${i}`));
  return { events, seed: summarySeed(summary) ?? config.seed, total: lines.length };
}

const STEP_MEMBERS = ['to_state', 'after', 'after_checks', 'effects'] as const;

function stepMembers(line: string): { [key: string]: JsonValue } {
  const value = parseJson(line) as { [key: string]: JsonValue };
  return Object.fromEntries(STEP_MEMBERS.map((k) => [k, value[k] ?? null]));
}

/**
 * The step `step` of the witness as the C++ port and the Lean mirror each
 * write it, and the paths where they differ (lists compared in order).
 */
export function stepDiff(events: readonly WireEvent[], seed: bigint, step: number): StepDiff | undefined {
  const upTo = events.slice(0, step + 1);
  const cppLine = wireEventsTraceText(upTo, seed).split('\n')[step];
  let leanLine: string | undefined;
  try {
    leanLine = wireLeanTraceText(upTo.map((e) => e.text), seed).split('\n')[step];
  } catch {
    return undefined; // the Lean parser rejects an event
  }
  if (cppLine === undefined || leanLine === undefined) return undefined;
  const cpp = stepMembers(cppLine);
  const lean = stepMembers(leanLine);
  const head = parseJson(cppLine) as { from_state?: JsonValue; event?: { type?: JsonValue } };
  return {
    step,
    event: String(head.event?.type ?? '?'),
    from_state: String(head.from_state ?? '?'),
    cpp: stringifyJson(cpp),
    lean: stringifyJson(lean),
    paths: diffJson('', cpp, lean, 'strict').map((d) => d.path),
  };
}
