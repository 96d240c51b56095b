/**
 * How a raw input line is read, shared by the replay checker and the trace
 * diff so both see the same lines: UTF-8 only; a byte-order mark at the
 * start and NUL bytes (a zero-filled torn write) are errors; surrounding
 * JSON whitespace (space, tab, CR, LF; nothing else) is trimmed; blank
 * lines and lines not starting with `{` are skipped, as the Lean checker
 * does.
 */
import { isUtf8 } from 'node:buffer';
import { malformed } from '../verdict/failure.js';

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

/** Inputs the Lean checker accepts silently; we accept them too but say so. */
export interface LeniencyNotes {
  trimmedLines: number;
  firstTrimmedLine: number;
  skippedLines: number;
  firstSkippedLine: number;
  blankLines: number;
  unterminatedFinalLine: boolean;
}

/**
 * Applies the shared line rules to one raw line and records what Lean would
 * accept silently; returns the line to check, or undefined for a line that
 * is skipped (blank, or not an object).
 */
export function lineToCheck(notes: LeniencyNotes, raw: Uint8Array, lineNo: number, terminated: boolean): Uint8Array | undefined {
  const c = classifyLine(raw, lineNo, terminated);
  if (c.kind === 'blank') {
    notes.blankLines++;
    return undefined;
  }
  if (c.trimmed && notes.trimmedLines++ === 0) notes.firstTrimmedLine = lineNo;
  if (c.kind === 'skipped') {
    if (notes.skippedLines++ === 0) notes.firstSkippedLine = lineNo;
    return undefined;
  }
  if (!terminated) notes.unterminatedFinalLine = true;
  return c.line;
}

/** Notes about input the Lean checker accepts silently. */
export function leniencyLines(notes: LeniencyNotes, summaries: number, steps: number, finished = true): string[] {
  const out: string[] = [];
  if (notes.trimmedLines > 0) {
    out.push(`note: ${notes.trimmedLines} line(s) had surrounding whitespace or CR (first: line ${notes.firstTrimmedLine}); trimmed, as the Lean checker does`);
  }
  if (notes.skippedLines > 0) {
    out.push(`note: skipped ${notes.skippedLines} line(s) not starting with "{" (first: line ${notes.firstSkippedLine}), as the Lean checker does`);
  }
  if (notes.blankLines > 0) out.push(`note: skipped ${notes.blankLines} blank line(s)`);
  if (notes.unterminatedFinalLine) out.push('note: the final line has no trailing newline');
  if (finished && summaries === 0 && steps > 0) out.push('note: no summary line; the trace may be truncated');
  return out;
}
