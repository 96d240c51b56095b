/**
 * How a raw input line is read, shared by the replay checker and the trace
 * diff so both see the same lines: UTF-8 only; a byte-order mark at the
 * start and NUL bytes (a zero-filled torn write) are errors; surrounding
 * JSON whitespace (space, tab, CR, LF; nothing else) is trimmed; blank
 * lines and lines not starting with `{` are skipped, as the Lean checker
 * does.
 */
import { isUtf8 } from 'node:buffer';
import { malformed } from './failure.js';

export type LineKind =
  | { readonly kind: 'blank' }
  | { readonly kind: 'skipped'; readonly trimmed: boolean }
  | { readonly kind: 'trace'; readonly line: Uint8Array; readonly trimmed: boolean };

const BLANK: LineKind = { kind: 'blank' };

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/** Classifies one line (without its newline); throws `ReplayFailure` for lines no trace can contain. */
export function classifyLine(raw: Uint8Array, lineNo: number, terminated: boolean): LineKind {
  if (raw.indexOf(0) >= 0) {
    // Lean would skip such a line; it is how a crash mid-write usually looks.
    throw malformed(lineNo, 'NUL bytes: the file has a zero-filled region (a torn write after a crash?)');
  }
  if (!isUtf8(raw)) {
    throw malformed(lineNo, terminated ? 'invalid UTF-8' : 'truncated final line (no newline; torn write?): ends inside a UTF-8 character or is not UTF-8');
  }
  if (lineNo === 1 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) {
    // Lean would skip this line as not starting with "{" and then fail on the next one.
    throw malformed(lineNo, 'the input starts with a UTF-8 byte-order mark; remove it');
  }
  let start = 0;
  let end = raw.length;
  while (start < end && isSpace(raw[start]!)) start++;
  while (end > start && isSpace(raw[end - 1]!)) end--;
  if (start === end) return BLANK;
  const trimmed = start !== 0 || end !== raw.length;
  if (raw[start] !== 0x7b) return { kind: 'skipped', trimmed };
  return { kind: 'trace', line: raw.subarray(start, end), trimmed };
}
