/**
 * The fast path for canonical step lines: when a line is laid out exactly
 * as upstream's generator writes it, everything after the event can be
 * checked by comparing bytes against our own encoding of the replayed step,
 * with no parsing of the (large) snapshots. The encoder's output conforms to
 * the schema (tested), so byte identity also establishes validity. Any
 * deviation falls back to the general path, which parses and compares
 * semantically and explains differences.
 */

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

const HEAD = ascii('{"kind":"step","step":');
const FROM = ascii(',"from_state":"');
const TO = ascii('","to_state":"');
const EVENT = ascii('","event":');

function literalAt(b: Uint8Array, pos: number, lit: Uint8Array): boolean {
  if (pos + lit.length > b.length) return false;
  for (let i = 0; i < lit.length; i++) if (b[pos + i] !== lit[i]) return false;
  return true;
}

/**
 * Returns the index after the JSON object or array starting at `pos`, or -1.
 * Sets `needsExactParse` when a number could lose precision in JSON.parse
 * (16+ digits) or is not an integer literal.
 */
export function skipValue(b: Uint8Array, pos: number): number {
  let depth = 0;
  let i = pos;
  let digits = 0;
  needsExactParse = false;
  for (; i < b.length; i++) {
    const c = b[i]!;
    if (c >= 0x30 && c <= 0x39) {
      if (++digits >= 16) needsExactParse = true;
      continue;
    }
    if (digits > 0 && (c === 0x2e || c === 0x45 || c === 0x65)) needsExactParse = true;
    digits = 0;
    if (c === 0x22) {
      for (i++; i < b.length && b[i] !== 0x22; i++) if (b[i] === 0x5c) i++;
      if (i >= b.length) return -1;
      if (depth === 0) return i + 1;
    } else if (c === 0x7b || c === 0x5b) {
      // Deep nesting goes to the general parser, which enforces its depth limit.
      if (++depth > MAX_FAST_DEPTH) return -1;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return i + 1;
      if (depth < 0) return -1;
    }
  }
  return -1;
}

const MAX_FAST_DEPTH = 64;

/** Set by the last `skipValue` call. */
export let needsExactParse = false;

export interface CanonicalHead {
  readonly step: number;
  readonly fromStart: number;
  readonly fromEnd: number;
  readonly toStart: number;
  readonly toEnd: number;
  readonly eventStart: number;
  readonly eventEnd: number;
}

function readName(b: Uint8Array, pos: number): number {
  let i = pos;
  while (i < b.length && ((b[i]! >= 0x41 && b[i]! <= 0x5a) || (b[i]! >= 0x61 && b[i]! <= 0x7a))) i++;
  return i;
}

/** Parses the canonical prefix of a step line up to the end of its event. */
export function canonicalHead(b: Uint8Array): CanonicalHead | undefined {
  if (!literalAt(b, 0, HEAD)) return undefined;
  let pos = HEAD.length;
  let step = 0;
  const digitsStart = pos;
  while (pos < b.length && b[pos]! >= 0x30 && b[pos]! <= 0x39 && pos - digitsStart < 9) step = step * 10 + (b[pos++]! - 0x30);
  if (pos === digitsStart || (b[digitsStart] === 0x30 && pos - digitsStart > 1)) return undefined;
  if (!literalAt(b, pos, FROM)) return undefined;
  const fromStart = pos + FROM.length;
  const fromEnd = readName(b, fromStart);
  if (!literalAt(b, fromEnd, TO)) return undefined;
  const toStart = fromEnd + TO.length;
  const toEnd = readName(b, toStart);
  if (!literalAt(b, toEnd, EVENT)) return undefined;
  const eventStart = toEnd + EVENT.length;
  if (b[eventStart] !== 0x7b) return undefined;
  const eventEnd = skipValue(b, eventStart);
  if (eventEnd < 0) return undefined;
  return { step, fromStart, fromEnd, toStart, toEnd, eventStart, eventEnd };
}

/** Whether `b[start..end)` spells the ASCII `name`. */
export function spells(b: Uint8Array, start: number, end: number, name: string): boolean {
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (b[start + i] !== name.charCodeAt(i)) return false;
  return true;
}

/** Byte equality of `b[from..]` and `expected`. */
export function tailEquals(b: Uint8Array, from: number, expected: Uint8Array): boolean {
  if (b.length - from !== expected.length) return false;
  return Buffer.from(b.buffer, b.byteOffset + from, expected.length).equals(expected);
}
