/**
 * C library integer parsing as upstream's CLI (CLI11 2.6 on glibc 2.41) sees
 * it, so `cross-validate` accepts and rejects exactly the same argv:
 * `strtoull`/`strtoll` with base 0 (hex `0x`, C23 binary `0b`, octal leading
 * zero), leading whitespace and sign, then CLI11's fallbacks: digit-group
 * separators `_ ' ,` removed, trailing whitespace trimmed, explicit `0o`/`0b`
 * prefixes, and `"true"` as 1 for signed targets.
 */
const U64_MASK = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const I32_MIN = -(1n << 31n);
const I32_MAX = (1n << 31n) - 1n;

const isCSpace = (ch: string | undefined): boolean =>
  ch === ' ' || ch === '\t' || ch === '\n' || ch === '\v' || ch === '\f' || ch === '\r';

function digitValue(ch: string): number {
  const c = ch.charCodeAt(0);
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 122) return c - 87;
  if (c >= 65 && c <= 90) return c - 55;
  return 99;
}

interface Scan {
  /** Magnitude read (unbounded) and its sign. */
  readonly magnitude: bigint;
  readonly negative: boolean;
  /** Index just past the last consumed character (0 when nothing parsed). */
  readonly end: number;
}

/** The shared front end of glibc's strto(u)ll. */
function scan(text: string, base: number): Scan {
  let i = 0;
  while (isCSpace(text[i])) i++;
  let negative = false;
  if (text[i] === '+' || text[i] === '-') {
    negative = text[i] === '-';
    i++;
  }
  const prefixed = (letter: string, radix: number): boolean =>
    text[i] === '0' &&
    (text[i + 1] === letter || text[i + 1] === letter.toUpperCase()) &&
    text[i + 2] !== undefined &&
    digitValue(text[i + 2] as string) < radix;
  if ((base === 0 || base === 16) && prefixed('x', 16)) {
    base = 16;
    i += 2;
  } else if ((base === 0 || base === 2) && prefixed('b', 2)) {
    base = 2;
    i += 2;
  } else if (base === 0) {
    base = text[i] === '0' ? 8 : 10;
  }
  const start = i;
  let magnitude = 0n;
  const radix = BigInt(base);
  while (i < text.length && digitValue(text[i] as string) < base) {
    magnitude = magnitude * radix + BigInt(digitValue(text[i] as string));
    i++;
  }
  return { magnitude, negative, end: i === start ? 0 : i };
}

/** glibc `strtoull`: value modulo 2^64 (negation wraps), range error past 2^64 - 1. */
function strtoull(text: string, base: number): { value: bigint; end: number; erange: boolean } {
  const s = scan(text, base);
  if (s.magnitude > U64_MASK) return { value: U64_MASK, end: s.end, erange: true };
  return { value: s.negative ? -s.magnitude & U64_MASK : s.magnitude, end: s.end, erange: false };
}

/** glibc `strtoll`: range error outside int64. */
function strtoll(text: string, base: number): { value: bigint; end: number; erange: boolean } {
  const s = scan(text, base);
  const value = s.negative ? -s.magnitude : s.magnitude;
  if (value < I64_MIN || value > I64_MAX) return { value: 0n, end: s.end, erange: true };
  return { value, end: s.end, erange: false };
}

const SEPARATORS = ['_', "'", ','];

function withoutSeparators(text: string): string | undefined {
  if (!SEPARATORS.some((sep) => text.includes(sep))) return undefined;
  let out = text;
  for (const sep of SEPARATORS) out = out.split(sep).join('');
  return out;
}

function trimC(text: string): string {
  let a = 0;
  let b = text.length;
  while (a < b && isCSpace(text[a])) a++;
  while (b > a && isCSpace(text[b - 1])) b--;
  return text.slice(a, b);
}

/** CLI11's conversion of an argument to `uint64_t`; undefined when rejected. */
export function parseCliUnsigned(input: string): bigint | undefined {
  if (input === '' || input[0] === '-') return undefined;
  const full = strtoull(input, 0);
  if (full.erange) return undefined;
  if (full.end === input.length) return full.value;
  const stripped = withoutSeparators(input);
  if (stripped !== undefined) return parseCliUnsigned(stripped);
  if (isCSpace(input[input.length - 1])) return parseCliUnsigned(trimC(input));
  return explicitPrefix(input, (rest, radix) => strtoull(rest, radix), () => true);
}

/** CLI11's conversion of an argument to a 32-bit `int`; undefined when rejected. */
export function parseCliInt(input: string): number | undefined {
  if (input === '') return undefined;
  const full = strtoll(input, 0);
  if (full.erange) return undefined;
  if (full.end === input.length && full.value >= I32_MIN && full.value <= I32_MAX) return Number(full.value);
  if (input === 'true') return 1;
  for (const sep of SEPARATORS) {
    if (input.includes(sep)) return parseCliInt(input.split(sep).join(''));
  }
  if (isCSpace(input[input.length - 1])) return parseCliInt(trimC(input));
  const value = explicitPrefix(input, (rest, radix) => strtoll(rest, radix), (v) => v >= I32_MIN && v <= I32_MAX);
  return value === undefined ? undefined : Number(value);
}

/** The `0o`/`0b` fallbacks: the rest must parse completely in that radix. */
function explicitPrefix(
  input: string,
  parse: (rest: string, radix: number) => { value: bigint; end: number; erange: boolean },
  fits: (value: bigint) => boolean,
): bigint | undefined {
  const head = input.slice(0, 2).toLowerCase();
  const radix = head === '0o' ? 8 : head === '0b' ? 2 : 0;
  if (radix === 0) return undefined;
  const rest = input.slice(2);
  const r = parse(rest, radix);
  if (r.erange) return undefined;
  // An empty remainder counts as fully consumed (glibc leaves end at the start).
  return r.end === rest.length && fits(r.value) ? r.value : undefined;
}
