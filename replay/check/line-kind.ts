/**
 * What a line of a trace or of an event stream is, read the way the checker
 * reads it: the shared line rules (line-rules.ts), then the JSON object's
 * `kind` member, its last occurrence when repeated, as any JSON reader
 * keeps it. Member order and whitespace do not matter (docs/protocol.md).
 *
 * Most lines are written compactly with `kind` first. For those a byte
 * check decides: a line that starts `{"kind":"step",` and holds no other
 * `"kind"` and no `\u` escape (the only way to spell a key `kind`
 * differently) is a step if it is JSON at all, and a line that is not JSON
 * is rejected by the checker whatever it is counted as. Every other line is
 * parsed (replay/input/json-lossless.ts).
 */
import { classifyLine } from './line-rules.js';
import { isJsonObject, parseJsonWithFractions } from '../input/json-lossless.js';

/**
 * `event`: an object without `kind` (an event, in an event stream);
 * `other`: an object of another kind; `unreadable`: not a line any trace
 * holds (not JSON, not UTF-8, NUL bytes).
 */
export type TraceLineKind = 'blank' | 'skipped' | 'unreadable' | 'step' | 'summary' | 'event' | 'other';

const STEP_HEAD = Buffer.from('{"kind":"step",');
const SUMMARY_HEAD = Buffer.from('{"kind":"summary",');
const EVENT_HEAD = Buffer.from('{"type":');
const KIND_KEY = Buffer.from('"kind"');
const U_ESCAPE = Buffer.from('\\u');
const decoder = new TextDecoder('utf-8');

function startsWith(line: Buffer, head: Buffer): boolean {
  return line.length >= head.length && line.compare(head, 0, head.length, 0, head.length) === 0;
}

/** The kind a compact line shows in its bytes, when no parse could say otherwise. */
function kindFromBytes(line: Buffer): TraceLineKind | undefined {
  if (line.includes(U_ESCAPE)) return undefined;
  const kindAt = line.indexOf(KIND_KEY);
  if (kindAt < 0) return startsWith(line, EVENT_HEAD) ? 'event' : undefined;
  if (kindAt !== 1 || line.indexOf(KIND_KEY, 2) >= 0) return undefined;
  if (startsWith(line, STEP_HEAD)) return 'step';
  return startsWith(line, SUMMARY_HEAD) ? 'summary' : undefined;
}

function kindFromJson(line: Buffer): TraceLineKind {
  let value;
  try {
    value = parseJsonWithFractions(decoder.decode(line));
  } catch {
    return 'unreadable';
  }
  if (!isJsonObject(value)) return 'other';
  if (value.kind === undefined) return 'event';
  return value.kind === 'step' ? 'step' : value.kind === 'summary' ? 'summary' : 'other';
}

/** Classifies one line (without its newline); `lineNo` 1 checks for a byte-order mark, as the checker does. */
export function traceLineKind(raw: Uint8Array, lineNo = 2, terminated = true): TraceLineKind {
  let c;
  try {
    c = classifyLine(raw, lineNo, terminated);
  } catch {
    return 'unreadable';
  }
  if (c.kind !== 'trace') return c.kind;
  const line = Buffer.from(c.line.buffer, c.line.byteOffset, c.line.byteLength);
  return kindFromBytes(line) ?? kindFromJson(line);
}
