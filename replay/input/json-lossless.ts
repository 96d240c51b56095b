/**
 * A JSON parser that keeps every integer exact.
 *
 * Integers become canonical values: a `number` while safe (|n| <= 2^53 - 1),
 * otherwise a `bigint`. Integers outside [-2^63, 2^64 - 1] are rejected, as
 * are fractions and exponents: trace numbers are always integers, and a
 * float that happens to be integral would otherwise slip past the schema.
 * Duplicate keys keep the last value, like `JSON.parse`.
 *
 * Objects are created without a prototype: a member named `__proto__`,
 * `constructor` or `toString` is an ordinary own member, never an inherited
 * one, so untrusted input cannot change what other code reads.
 */

export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const MAX_DEPTH = 256;

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** An integer literal for a message: long ones are shortened, never echoed in full. */
export function showInteger(literal: string): string {
  const digits = literal.length - (literal[0] === '-' ? 1 : 0);
  return digits <= 24 ? literal : `${literal.slice(0, literal.length - digits + 12)}...${literal.slice(-6)} (${digits} digits)`;
}

/** Integers of at most this many digits are below 2^53: they are always numbers, never bigints. */
export const SAFE_INTEGER_DIGITS = 15;

/** Parses an integer literal exactly; throws on values outside int64/uint64. */
export function exactInteger(literal: string, offset = 0): number | bigint {
  const digits = literal.length - (literal[0] === '-' ? 1 : 0);
  if (digits <= SAFE_INTEGER_DIGITS) return Number(literal);
  const negative = literal[0] === '-';
  // Anything longer than 20 digits is out of range; never build a huge BigInt.
  const big = digits > 20 ? (negative ? I64_MIN - 1n : U64_MAX + 1n) : BigInt(literal);
  if (big > U64_MAX) throw new JsonSyntaxError(`integer ${showInteger(literal)} is beyond the uint64 range`, offset);
  if (big < I64_MIN) throw new JsonSyntaxError(`integer ${showInteger(literal)} is beyond the int64 range`, offset);
  return big >= -9007199254740991n && big <= 9007199254740991n ? Number(big) : big;
}

class Parser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly allowFractions: boolean,
  ) {}

  parseDocument(): JsonValue {
    this.skipWhitespace();
    const value = this.value(0);
    this.skipWhitespace();
    if (this.pos !== this.text.length) this.fail('unexpected data after the JSON value');
    return value;
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(`${message} at column ${this.pos + 1}`, this.pos);
  }

  private skipWhitespace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      this.pos++;
    }
  }

  private value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      case undefined:
        return this.fail('unexpected end of input');
      default:
        if (c === '-' || (c >= '0' && c <= '9')) return this.number();
        return this.fail(`unexpected character ${JSON.stringify(c)}`);
    }
  }

  private literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail('invalid literal');
    this.pos += word.length;
    return value;
  }

  private number(): number | bigint {
    const t = this.text;
    const start = this.pos;
    if (t[this.pos] === '-') this.pos++;
    if (t[this.pos] === '0') {
      this.pos++;
    } else if (t[this.pos]! >= '1' && t[this.pos]! <= '9') {
      while (t[this.pos]! >= '0' && t[this.pos]! <= '9') this.pos++;
    } else {
      this.fail('invalid number');
    }
    const next = t[this.pos];
    if (next === '.' || next === 'e' || next === 'E') {
      if (!this.allowFractions) this.fail('non-integer number (trace numbers are integers)');
      if (next === '.') {
        this.pos++;
        if (!(t[this.pos]! >= '0' && t[this.pos]! <= '9')) this.fail('invalid number');
        while (t[this.pos]! >= '0' && t[this.pos]! <= '9') this.pos++;
      }
      if (t[this.pos] === 'e' || t[this.pos] === 'E') {
        this.pos++;
        if (t[this.pos] === '+' || t[this.pos] === '-') this.pos++;
        if (!(t[this.pos]! >= '0' && t[this.pos]! <= '9')) this.fail('invalid number');
        while (t[this.pos]! >= '0' && t[this.pos]! <= '9') this.pos++;
      }
      return Number(t.slice(start, this.pos));
    }
    return exactInteger(t.slice(start, this.pos), start);
  }

  private string(): string {
    const t = this.text;
    this.pos++;
    let out = '';
    let chunkStart = this.pos;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (Number.isNaN(c)) this.fail('unterminated string');
      if (c === 0x22) {
        out += t.slice(chunkStart, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail('control character in string');
      if (c === 0x5c) {
        out += t.slice(chunkStart, this.pos);
        out += this.escape();
        chunkStart = this.pos;
        continue;
      }
      this.pos++;
    }
  }

  private escape(): string {
    const t = this.text;
    const e = t[this.pos + 1];
    this.pos += 2;
    switch (e) {
      case '"':
        return '"';
      case '\\':
        return '\\';
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
        const hex = t.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape');
        this.pos += 4;
        return String.fromCharCode(parseInt(hex, 16));
      }
      default:
        this.pos -= 2;
        return this.fail('invalid escape');
    }
  }

  private array(depth: number): JsonValue[] {
    this.pos++;
    const items: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return items;
    }
    for (;;) {
      this.skipWhitespace();
      items.push(this.value(depth + 1));
      this.skipWhitespace();
      const c = this.text[this.pos];
      this.pos++;
      if (c === ']') return items;
      if (c !== ',') {
        this.pos--;
        this.fail(c === undefined ? 'unexpected end of input' : "expected ',' or ']'");
      }
    }
  }

  private object(depth: number): JsonObject {
    this.pos++;
    const out: JsonObject = Object.create(null) as JsonObject;
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') this.fail(this.pos >= this.text.length ? 'unexpected end of input' : 'expected a key');
      const key = this.string();
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail("expected ':'");
      this.pos++;
      this.skipWhitespace();
      const value = this.value(depth + 1);
      // No prototype: "__proto__" is stored like any other member.
      out[key] = value;
      this.skipWhitespace();
      const c = this.text[this.pos];
      this.pos++;
      if (c === '}') return out;
      if (c !== ',') {
        this.pos--;
        this.fail(c === undefined ? 'unexpected end of input' : "expected ',' or '}'");
      }
    }
  }
}

/** Trace JSON: integers only, all exact. */
export function parseJson(text: string): JsonValue {
  return new Parser(text, false).parseDocument();
}

/** General JSON (reports, indexes): integers exact, other numbers as doubles. */
export function parseJsonWithFractions(text: string): JsonValue {
  return new Parser(text, true).parseDocument();
}

/**
 * Canonical compact text of a parsed value: object keys in the given order,
 * integers exact. Used for effect multiset keys and diff output.
 */
export function stringifyJson(value: JsonValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
    case 'number':
      return String(value);
    case 'bigint':
      return value.toString();
    case 'string':
      return JSON.stringify(value);
    default:
      if (Array.isArray(value)) return `[${value.map(stringifyJson).join(',')}]`;
      return `{${Object.entries(value)
        .map(([k, v]) => `${JSON.stringify(k)}:${stringifyJson(v)}`)
        .join(',')}}`;
  }
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
