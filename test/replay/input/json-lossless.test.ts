/**
 * The lossless JSON parser used by the replay checker: exact integers up to
 * uint64 / down to int64 (numbers while safe, bigints beyond), rejection of
 * anything else numeric, string escapes, duplicate keys, "__proto__", the
 * nesting limit, and stringifyJson round trips.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseJson, stringifyJson, type JsonValue } from '../../../replay/index.js';
import { exactInteger, JsonSyntaxError } from '../../../replay/input/json-lossless.js';
import { traceText } from '../../../tracegen/index.js';

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);

function syntaxError(text: string): JsonSyntaxError {
  try {
    parseJson(text);
  } catch (err) {
    assert.ok(err instanceof JsonSyntaxError, `${JSON.stringify(text.slice(0, 60))} threw ${String(err)}`);
    return err;
  }
  return assert.fail(`${JSON.stringify(text.slice(0, 60))} was accepted`);
}

describe('exact integers', () => {
  it('keeps safe integers as numbers and larger ones as exact bigints', () => {
    assert.equal(parseJson('0'), 0);
    assert.equal(parseJson('-7'), -7);
    assert.equal(parseJson('999999999999999'), 999999999999999);
    assert.equal(parseJson('1000000000000000'), 1000000000000000);
    assert.equal(parseJson('9007199254740991'), Number.MAX_SAFE_INTEGER);
    assert.equal(parseJson('-9007199254740991'), -Number.MAX_SAFE_INTEGER);
    assert.equal(parseJson('9007199254740992'), 9007199254740992n);
    assert.equal(parseJson('9007199254740993'), 9007199254740993n);
    assert.equal(parseJson('-9007199254740993'), -9007199254740993n);
    assert.equal(parseJson('18446744073709551615'), U64_MAX);
    assert.equal(parseJson('-9223372036854775808'), I64_MIN);
  });

  it('keeps them exact inside objects and arrays', () => {
    assert.deepEqual(
      parseJson('{"a":[9007199254740993,1,18446744073709551615],"b":{"c":-9223372036854775808}}'),
      withoutPrototypes({ a: [9007199254740993n, 1, U64_MAX], b: { c: I64_MIN } }),
    );
    // JSON.parse would have rounded both.
    assert.notEqual(BigInt(JSON.parse('9007199254740993') as number), 9007199254740993n);
  });

  it('exactInteger agrees with the parser', () => {
    assert.equal(exactInteger('18446744073709551615'), U64_MAX);
    assert.equal(exactInteger('123'), 123);
    assert.throws(() => exactInteger('18446744073709551616'), JsonSyntaxError);
  });

  it('rejects integers beyond uint64 and int64', () => {
    assert.match(syntaxError('18446744073709551616').message, /^integer 18446744073709551616 is beyond the uint64 range$/);
    assert.match(syntaxError(`[1,${'9'.repeat(100)}]`).message, /is beyond the uint64 range/);
    assert.match(syntaxError('{"x":-9223372036854775809}').message, /^integer -9223372036854775809 is beyond the int64 range$/);
    assert.equal(syntaxError('{"x":-9223372036854775809}').offset, 5);
  });

  it('rejects fractions and exponents, even integral ones', () => {
    for (const text of ['1.0', '1.5', '-0.5', '0.0', '1e3', '1E3', '2e-1', '1e+2', '[1,2.5]', '{"a":{"b":10.0}}', '18446744073709551615.0']) {
      assert.match(syntaxError(text).message, /^non-integer number \(trace numbers are integers\) at column \d+$/, text);
    }
  });

  it('rejects other number shapes', () => {
    assert.match(syntaxError('.5').message, /^unexpected character "\." at column 1$/);
    assert.match(syntaxError('+1').message, /^unexpected character "\+" at column 1$/);
    assert.match(syntaxError('-').message, /^invalid number at column 2$/);
    assert.match(syntaxError('01').message, /^unexpected data after the JSON value at column 2$/);
    assert.match(syntaxError('NaN').message, /^unexpected character "N"/);
    assert.match(syntaxError('-Infinity').message, /^invalid number/);
  });
});

describe('strings', () => {
  it('decodes every escape as JSON.parse does', () => {
    const texts = [
      String.raw`"\"\\\/\b\f\n\r\t"`,
      String.raw`"\u00e9\u20AC\u0000\u001f"`,
      String.raw`"\ud83d\ude00 grin"`,
      String.raw`"lone \ud800 surrogate"`,
      '"raw é € 😀"',
      '""',
    ];
    for (const text of texts) assert.equal(parseJson(text), JSON.parse(text), text);
    assert.equal(parseJson(String.raw`"a\nb"`), 'a\nb');
  });

  it('rejects bad escapes, raw control characters and unterminated strings', () => {
    assert.match(syntaxError(String.raw`"\x41"`).message, /^invalid escape at column 2$/);
    assert.match(syntaxError(String.raw`"\u12G4"`).message, /^invalid \\u escape/);
    assert.match(syntaxError(String.raw`"\u12"`).message, /^invalid \\u escape/);
    assert.match(syntaxError('"a\tb"').message, /^control character in string at column 3$/);
    assert.match(syntaxError('"a\nb"').message, /^control character in string/);
    assert.match(syntaxError('"abc').message, /^unterminated string/);
    assert.match(syntaxError('"abc\\').message, /^(unterminated string|invalid escape)/);
  });
});

/** The same value with prototype-free objects, as the parser builds them. */
function withoutPrototypes(v: JsonValue): JsonValue {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(withoutPrototypes);
  const out = Object.create(null) as { [k: string]: JsonValue };
  for (const [k, x] of Object.entries(v)) out[k] = withoutPrototypes(x);
  return out;
}

describe('objects', () => {
  it('keeps the last of duplicate keys, in the first key position (as JSON.parse)', () => {
    const text = '{"a":1,"b":2,"a":3}';
    const v = parseJson(text) as { [k: string]: JsonValue };
    assert.deepEqual(v, withoutPrototypes({ a: 3, b: 2 }));
    assert.deepEqual(Object.keys(v), Object.keys(JSON.parse(text) as object));
    assert.equal(stringifyJson(v), '{"a":3,"b":2}');
  });

  it('makes "__proto__" an own member without touching the prototype', () => {
    const v = parseJson('{"__proto__":{"polluted":1},"b":2}') as { [k: string]: JsonValue };
    assert.ok(Object.prototype.hasOwnProperty.call(v, '__proto__'));
    assert.deepEqual(Object.keys(v), ['__proto__', 'b']);
    // No prototype at all: nothing can be inherited, and "__proto__" is just a member.
    assert.equal(Object.getPrototypeOf(v), null);
    assert.equal((v as { polluted?: unknown }).polluted, undefined);
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
    assert.deepEqual(Object.getOwnPropertyDescriptor(v, '__proto__')?.value, withoutPrototypes({ polluted: 1 }));
    assert.equal(stringifyJson(v), '{"__proto__":{"polluted":1},"b":2}');
    // A repeated "__proto__" keeps the last value too.
    const w = parseJson('{"__proto__":1,"__proto__":[2]}') as { [k: string]: JsonValue };
    assert.deepEqual(Object.getOwnPropertyDescriptor(w, '__proto__')?.value, [2]);
  });

  it('reports structural errors with a column', () => {
    assert.match(syntaxError('{"a":1,}').message, /^expected a key at column 8$/);
    assert.match(syntaxError('{"a" 1}').message, /^expected ':' at column 6$/);
    assert.match(syntaxError('{"a":1 "b":2}').message, /^expected ',' or '}' at column 8$/);
    assert.match(syntaxError('[1 2]').message, /^expected ',' or '\]' at column 4$/);
    assert.match(syntaxError('{"a":').message, /^unexpected end of input/);
    assert.match(syntaxError('').message, /^unexpected end of input/);
    assert.match(syntaxError('{} {}').message, /^unexpected data after the JSON value at column 4$/);
    assert.match(syntaxError('tru').message, /^invalid literal/);
    assert.match(syntaxError('\u00a0{}').message, /^unexpected character/);
    assert.deepEqual(parseJson(' \t\r\n{ "a" : [ true , false , null ] } \n'), withoutPrototypes({ a: [true, false, null] }));
  });
});

describe('nesting depth', () => {
  const nest = (n: number, inner = '') => `${'['.repeat(n)}${inner}${']'.repeat(n)}`;

  it('accepts 256 levels of nesting', () => {
    let v = parseJson(nest(256, '1'));
    for (let i = 0; i < 256; i++) v = (v as JsonValue[])[0]!;
    assert.equal(v, 1);
    assert.ok(Array.isArray((parseJson(`{"a":${nest(255)}}`) as { a: JsonValue }).a));
  });

  it('rejects deeper nesting with a syntax error', () => {
    assert.match(syntaxError(nest(258)).message, /^nesting deeper than 256 at column \d+$/);
    assert.match(syntaxError(nest(300, '1')).message, /^nesting deeper than 256/);
    assert.match(syntaxError('{"a":'.repeat(300) + '1' + '}'.repeat(300)).message, /^nesting deeper than 256/);
  });

  it('fails cleanly, without exhausting the stack, on absurd depth', () => {
    assert.match(syntaxError(nest(200_000)).message, /^nesting deeper than 256/);
    assert.match(syntaxError('['.repeat(200_000)).message, /^nesting deeper than 256/);
  });
});

describe('stringifyJson', () => {
  it('round-trips compact trace lines byte for byte, big integers included', () => {
    const lines = traceText({ profile: 'full', seed: 4n, events: 20 }).split('\n').filter((l) => l !== '');
    lines.push('{"kind":"summary","seed":18446744073709551615,"events":3}', '{"a":[-9223372036854775808,9007199254740993,-1,0],"b":"\\u0001\\n\\"x\\""}');
    for (const line of lines) assert.equal(stringifyJson(parseJson(line)), line);
  });

  it('writes bigints and numbers as exact decimals', () => {
    assert.equal(stringifyJson(U64_MAX), '18446744073709551615');
    assert.equal(stringifyJson([I64_MIN, 9007199254740993n, 5, -5]), '[-9223372036854775808,9007199254740993,5,-5]');
    assert.equal(stringifyJson({ k: null, t: true, f: false, s: 'é' }), '{"k":null,"t":true,"f":false,"s":"é"}');
  });

  /** Safe integers as numbers, the rest as bigints: the parser's canonical form. */
  const canonicalInt = fc.bigInt({ min: I64_MIN, max: U64_MAX }).map((b) => (b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b));
  const key = fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__');
  const { value } = fc.letrec<{ value: JsonValue }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant(null),
      fc.boolean(),
      canonicalInt,
      fc.string({ maxLength: 12, unit: 'binary' }),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(key, tie('value'), { maxKeys: 4, noNullPrototype: true }),
    ),
  }));

  it('parseJson(stringifyJson(v)) gives back v for any canonical value (property)', () => {
    fc.assert(
      fc.property(value, (v) => {
        assert.deepEqual(parseJson(stringifyJson(v)), withoutPrototypes(v));
      }),
      { numRuns: 400, seed: 20240601 },
    );
  });

  it('agrees with JSON.stringify and JSON.parse where those are exact (property)', () => {
    const safe = fc.letrec<{ value: JsonValue }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.integer({ min: -1e15, max: 1e15 }).filter((n) => !Object.is(n, -0)),
        fc.string({ maxLength: 12, unit: 'binary' }),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(key, tie('value'), { maxKeys: 4, noNullPrototype: true }),
      ),
    })).value;
    fc.assert(
      fc.property(safe, (v) => {
        const text = JSON.stringify(v);
        assert.equal(stringifyJson(v), text);
        assert.deepEqual(parseJson(text), withoutPrototypes(JSON.parse(text) as JsonValue));
      }),
      { numRuns: 400, seed: 20240602 },
    );
  });
});
