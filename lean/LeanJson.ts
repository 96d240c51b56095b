/**
 * What `Replay.lean` gets from Lean's standard library: `Json.parse`
 * (Lean.Data.Json.Parser) and the `FromJson` readers it calls through
 * `getObjValAs?`. Written from the behaviour of those definitions:
 *
 * - a number is a mantissa and a decimal exponent; `1.5e1` is the integer 15
 *   while `1.0` and `10e-1` are not integers (their exponent stays 1), and a
 *   natural or integer must be an integer with exponent 0;
 * - objects keep the last value of a duplicated key;
 * - a missing member reads as `null`, so only `Option` fields may be absent;
 * - `\u` escapes decode one code unit each; a surrogate becomes U+0000.
 */

/** `mantissa * 10^-exponent`, exactly as Lean's `JsonNumber`. */
export class LeanNumber {
  constructor(
    /** A number while it is a safe integer, else a bigint. */
    readonly mantissa: number | bigint,
    readonly exponent: number,
  ) {}
}

/**
 * A parsed value. An integer with exponent 0 (what Lean's `getNat?` and
 * `getInt?` accept) is a JS number while safe, else a bigint; every other
 * number is a `LeanNumber`.
 */
export type LeanJson = null | boolean | string | number | bigint | LeanNumber | LeanJson[] | LeanObject;

/** A JSON object; a later duplicate key replaces an earlier one. */
export class LeanObject {
  constructor(readonly members: Record<string, LeanJson>) {}
}

function integerOrNumber(mantissa: number | bigint, exponent: number): LeanJson {
  if (exponent !== 0) return new LeanNumber(mantissa, exponent);
  if (typeof mantissa === 'number') return mantissa;
  return mantissa >= -9007199254740991n && mantissa <= 9007199254740991n ? Number(mantissa) : mantissa;
}

export class LeanJsonError extends Error {}

/** Lean would build a 10^n mantissa for any n; past this we refuse instead. */
const MAX_PAD = 1000000n;

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

  value(): LeanJson {
    const c = this.peek();
    if (c === 0x5b) {
      this.pos++;
      this.ws();
      const out: LeanJson[] = [];
      if (this.peek() === 0x5d) {
        this.pos++;
        this.ws();
        return out;
      }
      for (;;) {
        out.push(this.value());
        const d = this.peek();
        this.pos++;
        if (d === 0x5d) {
          this.ws();
          return out;
        }
        if (d !== 0x2c) this.fail('unexpected character in array');
        this.ws();
      }
    }
    if (c === 0x7b) {
      this.pos++;
      this.ws();
      // No prototype: any key, `__proto__` included, is a plain member.
      const members = Object.create(null) as Record<string, LeanJson>;
      if (this.peek() === 0x7d) {
        this.pos++;
        this.ws();
        return new LeanObject(members);
      }
      for (;;) {
        if (this.peek() !== 0x22) this.fail('expected "');
        this.pos++;
        const key = this.string();
        this.ws();
        if (this.peek() !== 0x3a) this.fail('expected :');
        this.pos++;
        this.ws();
        const v = this.value();
        members[key] = v;
        const d = this.peek();
        this.pos++;
        if (d === 0x7d) {
          this.ws();
          return new LeanObject(members);
        }
        if (d !== 0x2c) this.fail('unexpected character in object');
        this.ws();
      }
    }
    if (c === 0x22) {
      this.pos++;
      const text = this.string();
      this.ws();
      return text;
    }
    if (c === 0x66) return this.literal('false', false);
    if (c === 0x74) return this.literal('true', true);
    if (c === 0x6e) return this.literal('null', null);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const n = this.number();
      this.ws();
      return n;
    }
    return this.fail('unexpected input');
  }

  literal<T>(word: string, value: T): T {
    if (!this.s.startsWith(word, this.pos)) this.fail(`expected ${word}`);
    this.pos += word.length;
    this.ws();
    return value;
  }

  string(): string {
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
        out += this.escape();
        runStart = this.pos;
        continue;
      }
      if (c < 0x20) this.fail('unexpected character in string');
      this.pos++;
    }
  }

  escape(): string {
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
      case 'u': {
        let code = 0;
        for (let i = 0; i < 4; i++) {
          if (this.pos >= this.s.length) this.fail('unexpected end of input in escape');
          const h = this.s.charCodeAt(this.pos++);
          const digit = h >= 0x30 && h <= 0x39 ? h - 0x30 : h >= 0x61 && h <= 0x66 ? h - 0x57 : h >= 0x41 && h <= 0x46 ? h - 0x37 : -1;
          if (digit < 0) this.fail('invalid hex character');
          code = code * 16 + digit;
        }
        // Lean's Char.ofNat maps a surrogate (not a valid scalar) to U+0000.
        return code >= 0xd800 && code <= 0xdfff ? '\u0000' : String.fromCharCode(code);
      }
      default:
        return this.fail('illegal \\u escape');
    }
  }

  digits(): string {
    const start = this.pos;
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c < 0x30 || c > 0x39) break;
      this.pos++;
    }
    return s.slice(start, this.pos);
  }

  /** The common case, a short integer literal not followed by a fraction or exponent. */
  smallInteger(): number | undefined {
    const s = this.s;
    let i = this.pos;
    const negative = s.charCodeAt(i) === 0x2d;
    if (negative) i++;
    const first = s.charCodeAt(i);
    if (first < 0x30 || first > 0x39) return undefined;
    let value = first - 0x30;
    let j = i + 1;
    if (first !== 0x30) {
      while (j < s.length && j - i < 15) {
        const c = s.charCodeAt(j);
        if (c < 0x30 || c > 0x39) break;
        value = value * 10 + (c - 0x30);
        j++;
      }
    }
    const next = j < s.length ? s.charCodeAt(j) : -1;
    if ((next >= 0x30 && next <= 0x39) || next === 0x2e || next === 0x65 || next === 0x45) return undefined;
    this.pos = j;
    return negative ? -value || 0 : value;
  }

  number(): LeanJson {
    const fast = this.smallInteger();
    if (fast !== undefined) return fast;
    let negative = false;
    if (this.peek() === 0x2d) {
      negative = true;
      this.pos++;
    }
    const first = this.peek();
    let whole: bigint;
    if (first === 0x30) {
      this.pos++;
      whole = 0n;
    } else {
      if (first < 0x31 || first > 0x39) this.fail('expected 1-9');
      whole = BigInt(this.digits());
    }
    let mantissa = whole;
    let exponent = 0;
    if (!this.atEnd() && this.s.charCodeAt(this.pos) === 0x2e) {
      this.pos++;
      const c = this.peek();
      if (c < 0x30 || c > 0x39) this.fail('expected digit');
      const frac = this.digits();
      mantissa = whole * 10n ** BigInt(frac.length) + BigInt(frac);
      exponent = frac.length;
    }
    if (negative) mantissa = -mantissa;
    if (!this.atEnd()) {
      const c = this.s.charCodeAt(this.pos);
      if (c === 0x65 || c === 0x45) {
        this.pos++;
        let down = false;
        const sign = this.peek();
        if (sign === 0x2d) {
          down = true;
          this.pos++;
        } else if (sign === 0x2b) {
          this.pos++;
        }
        const d = this.peek();
        if (d < 0x30 || d > 0x39) this.fail('expected 0-9');
        const text = this.digits();
        const n = BigInt(text);
        if (down) return integerOrNumber(mantissa, exponent + Number(n));
        if (n > 18446744073709551616n) this.fail('exp too large');
        // shiftl: pad the mantissa only for places the exponent cannot absorb.
        const pad = n > BigInt(exponent) ? n - BigInt(exponent) : 0n;
        if (mantissa !== 0n && pad > MAX_PAD) this.fail('exponent too large for this checker');
        const rest = BigInt(exponent) > n ? exponent - Number(n) : 0;
        return integerOrNumber(mantissa === 0n ? 0n : mantissa * 10n ** pad, rest);
      }
    }
    return integerOrNumber(mantissa, exponent);
  }
}

/** `Json.parse`: one value, surrounding whitespace allowed, nothing after it. */
export function parseLeanJson(text: string): LeanJson {
  const p = new Parser(text);
  try {
    p.ws();
    const v = p.value();
    if (!p.atEnd()) p.fail('expected end of input');
    return v;
  } catch (err) {
    // Lean's recursive parser would exhaust its stack too: a rejection, never a crash here.
    if (err instanceof RangeError) throw new LeanJsonError(`offset ${p.pos}: nesting too deep`);
    throw err;
  }
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

/** `FromJson Nat`: an integer literal value with exponent 0, not negative. */
export function asNat(j: LeanJson, what: string): number | bigint {
  if ((typeof j === 'number' || typeof j === 'bigint') && j >= 0) return j;
  throw new LeanJsonError(`${what}: Natural number expected`);
}

/** `FromJson Int`: an integer value with exponent 0. */
export function asInt(j: LeanJson, what: string): number | bigint {
  if (typeof j === 'number' || typeof j === 'bigint') return j;
  throw new LeanJsonError(`${what}: Integer expected`);
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
