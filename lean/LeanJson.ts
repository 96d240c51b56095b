/**
 * What `Replay.lean` gets from Lean's standard library: `Json.parse`
 * (Lean.Data.Json.Parser) and the `FromJson` readers it calls through
 * `getObjValAs?`. Written from the behaviour of those definitions:
 *
 * - a number is a mantissa and a decimal exponent (JsonNumber.ts); `1.5e1`
 *   is the integer 15 while `1.0` and `10e-1` are not integers (their
 *   exponent stays 1), and a natural or integer must be an integer with
 *   exponent 0;
 * - objects keep the last value of a duplicated key;
 * - a missing member reads as `null`, so only `Option` fields may be absent;
 * - `\u` escapes decode one code unit each; a surrogate becomes U+0000.
 *
 * Lean's parser recurses once per nesting level on the native stack; this
 * one recurses for the first levels only, keeps deeper open arrays and
 * objects on a list, and stops at a fixed depth, `MAX_NESTING`, so the
 * verdict never depends on the JS stack.
 */
import { LeanNumber, MAX_BUILT_SHIFT, NatPowPanic, ShiftedNumber, buildShifted, mkJsonNumber, shiftl, shiftr, type JsonNumberValue } from './JsonNumber.js';

export { LeanNumber, ShiftedNumber };

/**
 * A parsed value. An integer with exponent 0 (what Lean's `getNat?` and
 * `getInt?` accept) is a JS number while safe, else a bigint, or a
 * `ShiftedNumber` while it is not built; every other number is a `LeanNumber`.
 */
export type LeanJson = null | boolean | string | JsonNumberValue | LeanJson[] | LeanObject;

/** A JSON object; a later duplicate key replaces an earlier one. */
export class LeanObject {
  constructor(readonly members: Record<string, LeanJson>) {}
}

export class LeanJsonError extends Error {}

/**
 * The deepest nesting of arrays and objects accepted, the trace line's own
 * object included. Lean accepts 10,000 levels; its limit is its native
 * stack's (docs/replay.md, "Numbers and nesting").
 */
export const MAX_NESTING = 20000;

/** Levels read by recursion (fast, and far below any JS stack's limit); deeper ones iteratively. */
const RECURSION_LIMIT = 200;

/** `USize.size` on a 64-bit host: `exponent` fails with "exp too large" above it. */
const USIZE_SIZE = 1n << 64n;

/** An array (`members` null) or object (`items` null) whose members are still being read; one shape for both. */
class OpenValue {
  constructor(
    readonly items: LeanJson[] | null,
    readonly members: Record<string, LeanJson> | null,
    public key: string,
  ) {}
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

class Parser {
  pos = 0;
  constructor(readonly s: string) {}

  fail(message: string): never {
    throw new LeanJsonError(`offset ${this.pos}: ${message}`);
  }

  peek(): number {
    if (this.pos >= this.s.length) this.fail('unexpected end of input');
    return this.s.charCodeAt(this.pos);
  }

  atEnd(): boolean {
    return this.pos >= this.s.length;
  }

  ws(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else break;
    }
  }

  /** `anyCore`: recursive like Lean's while shallow; a value deeper than `RECURSION_LIMIT` is read by `deepValue`. */
  anyCore(depth: number): LeanJson {
    const c = this.peek();
    if (c === 0x22) {
      this.pos++;
      const text = this.str();
      this.ws();
      return text;
    }
    if (c === 0x2d || isDigit(c)) {
      const n = this.num();
      this.ws();
      return n;
    }
    if (c !== 0x5b && c !== 0x7b) return this.keyword(c);
    if (depth >= RECURSION_LIMIT) return this.deepValue(depth);
    if (depth >= MAX_NESTING) this.fail(`nesting deeper than ${MAX_NESTING}`);
    this.pos++;
    this.ws();
    if (c === 0x5b) return this.peek() === 0x5d ? this.close([]) : this.arrayCore(depth + 1);
    // No prototype: any key, `__proto__` included, is a plain member.
    const members = Object.create(null) as Record<string, LeanJson>;
    return this.peek() === 0x7d ? this.close(new LeanObject(members)) : this.objectCore(members, depth + 1);
  }

  arrayCore(depth: number): LeanJson[] {
    const items: LeanJson[] = [];
    for (;;) {
      items.push(this.anyCore(depth));
      if (this.separator(0x5d, 'array')) return items;
    }
  }

  objectCore(members: Record<string, LeanJson>, depth: number): LeanObject {
    for (;;) {
      const key = this.objectKey();
      members[key] = this.anyCore(depth);
      if (this.separator(0x7d, 'object')) return new LeanObject(members);
    }
  }

  /** After a member: true at `close` (the value ends), false at a comma (another member follows). */
  separator(close: number, what: 'array' | 'object'): boolean {
    const d = this.peek();
    this.pos++;
    if (d !== close && d !== 0x2c) this.fail(`unexpected character in ${what}`);
    this.ws();
    return d === close;
  }

  /** `anyCore` with `arrayCore` and `objectCore` unrolled: the open values are a list, not the stack. */
  deepValue(depth: number): LeanJson {
    const open: OpenValue[] = [];
    for (;;) {
      let v = this.openOrScalar(depth + open.length, open);
      if (v === undefined) continue;
      for (;;) {
        const top = open[open.length - 1];
        if (top === undefined) return v;
        v = top.items !== null ? this.arrayNext(top.items, v) : this.objectNext(top, v);
        if (v === undefined) break;
        open.pop();
      }
    }
  }

  /** A scalar or an empty array or object; any other array or object is opened (undefined). */
  openOrScalar(depth: number, open: OpenValue[]): LeanJson | undefined {
    const c = this.peek();
    if (c !== 0x5b && c !== 0x7b) return this.anyCore(depth);
    if (depth >= MAX_NESTING) this.fail(`nesting deeper than ${MAX_NESTING}`);
    this.pos++;
    this.ws();
    if (c === 0x5b) {
      if (this.peek() === 0x5d) return this.close([]);
      open.push(new OpenValue([], null, ''));
      return undefined;
    }
    const members = Object.create(null) as Record<string, LeanJson>;
    if (this.peek() === 0x7d) return this.close(new LeanObject(members));
    open.push(new OpenValue(null, members, this.objectKey()));
    return undefined;
  }

  close<T>(value: T): T {
    this.pos++;
    this.ws();
    return value;
  }

  /** `arrayCore` after an element: the finished array, or undefined while more follow. */
  arrayNext(items: LeanJson[], v: LeanJson): LeanJson[] | undefined {
    items.push(v);
    return this.separator(0x5d, 'array') ? items : undefined;
  }

  /** `objectCore` after a value: the finished object, or undefined while more members follow. */
  objectNext(top: OpenValue, v: LeanJson): LeanObject | undefined {
    const members = top.members!;
    members[top.key] = v;
    if (this.separator(0x7d, 'object')) return new LeanObject(members);
    top.key = this.objectKey();
    return undefined;
  }

  /** The start of `objectCore`: a key and its colon. */
  objectKey(): string {
    if (this.peek() !== 0x22) this.fail('expected "');
    this.pos++;
    const key = this.str();
    this.ws();
    if (this.peek() !== 0x3a) this.fail('expected :');
    this.pos++;
    this.ws();
    return key;
  }

  /** `false`, `true` or `null`; anything else here is no JSON value. */
  keyword(c: number): LeanJson {
    if (c === 0x66) return this.literal('false', false);
    if (c === 0x74) return this.literal('true', true);
    if (c === 0x6e) return this.literal('null', null);
    return this.fail('unexpected input');
  }

  literal<T>(word: string, value: T): T {
    if (!this.s.startsWith(word, this.pos)) this.fail(`expected ${word}`);
    this.pos += word.length;
    this.ws();
    return value;
  }

  /** `str` (`strCore`), after the opening quote. */
  str(): string {
    const s = this.s;
    let out = '';
    let runStart = this.pos;
    for (;;) {
      if (this.pos >= s.length) this.fail('unexpected end of input in string');
      const c = s.charCodeAt(this.pos);
      if (c === 0x22) {
        out += s.slice(runStart, this.pos);
        this.pos++;
        return out;
      }
      if (c === 0x5c) {
        out += s.slice(runStart, this.pos);
        this.pos++;
        out += this.escapedChar();
        runStart = this.pos;
        continue;
      }
      if (c < 0x20) this.fail('unexpected character in string');
      this.pos++;
    }
  }

  escapedChar(): string {
    if (this.pos >= this.s.length) this.fail('unexpected end of input in escape');
    const c = this.s[this.pos++]!;
    switch (c) {
      case '\\':
        return '\\';
      case '"':
        return '"';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u':
        return this.unicodeEscape();
      default:
        return this.fail('illegal \\u escape');
    }
  }

  /** Four `hexChar`s and `Char.ofNat`. */
  unicodeEscape(): string {
    let code = 0;
    for (let i = 0; i < 4; i++) {
      if (this.pos >= this.s.length) this.fail('unexpected end of input in escape');
      const h = this.s.charCodeAt(this.pos++);
      const digit = isDigit(h) ? h - 0x30 : h >= 0x61 && h <= 0x66 ? h - 0x57 : h >= 0x41 && h <= 0x46 ? h - 0x37 : -1;
      if (digit < 0) this.fail('invalid hex character');
      code = code * 16 + digit;
    }
    // Lean's Char.ofNat maps a surrogate (not a valid scalar) to U+0000.
    return code >= 0xd800 && code <= 0xdfff ? '\u0000' : String.fromCharCode(code);
  }

  digits(): string {
    const start = this.pos;
    const s = this.s;
    while (this.pos < s.length && isDigit(s.charCodeAt(this.pos))) this.pos++;
    return s.slice(start, this.pos);
  }

  /** The common case, a short integer literal not followed by a fraction or exponent. */
  smallInteger(): number | undefined {
    const s = this.s;
    let i = this.pos;
    const negative = s.charCodeAt(i) === 0x2d;
    if (negative) i++;
    const first = s.charCodeAt(i);
    if (!isDigit(first)) return undefined;
    let value = first - 0x30;
    let j = i + 1;
    if (first !== 0x30) {
      while (j < s.length && j - i < 15) {
        const c = s.charCodeAt(j);
        if (!isDigit(c)) break;
        value = value * 10 + (c - 0x30);
        j++;
      }
    }
    const next = j < s.length ? s.charCodeAt(j) : -1;
    if (isDigit(next) || next === 0x2e || next === 0x65 || next === 0x45) return undefined;
    this.pos = j;
    return negative ? -value || 0 : value;
  }

  /** `num`: `numWithDecimals`, then `exponent`. */
  num(): JsonNumberValue {
    const fast = this.smallInteger();
    if (fast !== undefined) return fast;
    const [mantissa, exponent] = this.numWithDecimals();
    return this.exponent(mantissa, exponent);
  }

  /** The sign, the whole part and the decimals: `⟨mantissa, decimals⟩`. */
  numWithDecimals(): [bigint, bigint] {
    let negative = false;
    if (this.peek() === 0x2d) {
      negative = true;
      this.pos++;
    }
    const first = this.peek();
    let mantissa = 0n;
    if (first === 0x30) {
      this.pos++;
    } else {
      if (first < 0x31 || first > 0x39) this.fail('expected 1-9');
      mantissa = BigInt(this.digits());
    }
    let exponent = 0n;
    if (!this.atEnd() && this.s.charCodeAt(this.pos) === 0x2e) {
      this.pos++;
      if (!isDigit(this.peek())) this.fail('expected digit');
      const frac = this.digits();
      mantissa = mantissa * 10n ** BigInt(frac.length) + BigInt(frac);
      exponent = BigInt(frac.length);
    }
    return [negative ? -mantissa : mantissa, exponent];
  }

  /** `exponent`: `e-n` is `shiftr n`; `e+n` and `en` are `shiftl n`, failing above `USize.size`. */
  exponent(mantissa: bigint, exponent: bigint): JsonNumberValue {
    if (this.atEnd()) return mkJsonNumber(mantissa, exponent);
    const c = this.s.charCodeAt(this.pos);
    if (c !== 0x65 && c !== 0x45) return mkJsonNumber(mantissa, exponent);
    this.pos++;
    const sign = this.peek();
    if (sign === 0x2d || sign === 0x2b) this.pos++;
    if (!isDigit(this.peek())) this.fail('expected 0-9');
    const text = this.digits().replace(/^0+(?=.)/, '');
    if (sign === 0x2d) return shiftr(mantissa, exponent, BigInt(text));
    // More than 20 digits is above 2^64 without building it.
    if (text.length > 20 || BigInt(text) > USIZE_SIZE) this.fail('exp too large');
    try {
      return shiftl(mantissa, exponent, BigInt(text));
    } catch (err) {
      if (err instanceof NatPowPanic) this.fail(err.message);
      throw err;
    }
  }
}

/** `Json.parse`: one value, surrounding whitespace allowed, nothing after it. */
export function parseLeanJson(text: string): LeanJson {
  const p = new Parser(text);
  p.ws();
  const v = p.anyCore(0);
  if (!p.atEnd()) p.fail('expected end of input');
  return v;
}

// ── FromJson readers ─────────────────────────────────────────────────────

/** `getObjValD`: the member, or `null` when absent or when `j` is no object. */
export function getObjValD(j: LeanJson, key: string): LeanJson {
  if (!(j instanceof LeanObject)) return null;
  const v = j.members[key];
  return v === undefined ? null : v;
}

/** `getObjVal?`: the member, failing when absent. */
export function getObjVal(j: LeanJson, key: string): LeanJson {
  if (!(j instanceof LeanObject)) throw new LeanJsonError('object expected');
  const v = j.members[key];
  if (v === undefined) throw new LeanJsonError(`property not found: ${key}`);
  return v;
}

export function hasObjVal(j: LeanJson, key: string): boolean {
  return j instanceof LeanObject && j.members[key] !== undefined;
}

/** `FromJson Nat` (`getNat?`): an integer with exponent 0, not negative. */
export function asNat(j: LeanJson, what: string): number | bigint {
  if ((typeof j === 'number' || typeof j === 'bigint') && j >= 0) return j;
  const n = asNatUnbuilt(j, what);
  return n instanceof ShiftedNumber ? built(n, what) : n;
}

/**
 * `FromJson Nat` for a member the model reads but never computes with (a
 * line's `step`, the summary's `seed` and `events`): the same verdict as
 * `asNat`, with a shifted number left unbuilt.
 */
export function asNatUnbuilt(j: LeanJson, what: string): number | bigint | ShiftedNumber {
  if ((typeof j === 'number' || typeof j === 'bigint') && j >= 0) return j;
  if (j instanceof ShiftedNumber && j.mantissa > 0n) return j;
  throw new LeanJsonError(`${what}: Natural number expected`);
}

/** `FromJson Int` (`getInt?`): an integer with exponent 0. */
export function asInt(j: LeanJson, what: string): number | bigint {
  if (typeof j === 'number' || typeof j === 'bigint') return j;
  if (j instanceof ShiftedNumber) return built(j, what);
  throw new LeanJsonError(`${what}: Integer expected`);
}

/** Lean builds any shifted number it reads; past `MAX_BUILT_SHIFT` places this checker refuses instead. */
function built(n: ShiftedNumber, what: string): bigint {
  const value = buildShifted(n);
  if (value === undefined) throw new LeanJsonError(`${what}: ${n} has more than ${MAX_BUILT_SHIFT} digits, too large for this checker (Lean would build it)`);
  return value;
}

export function asBool(j: LeanJson, what: string): boolean {
  if (typeof j === 'boolean') return j;
  throw new LeanJsonError(`${what}: Bool expected`);
}

export function asString(j: LeanJson, what: string): string {
  if (typeof j === 'string') return j;
  throw new LeanJsonError(`${what}: String expected`);
}

export function asArray(j: LeanJson, what: string): LeanJson[] {
  if (Array.isArray(j)) return j;
  throw new LeanJsonError(`${what}: array expected`);
}
