/**
 * Numbers and nesting as Lean's `Json.parse` reads them (Lean 4 core,
 * `Lean.Json.Parser.exponent`, `JsonNumber.shiftl`, the runtime's
 * `lean_nat_pow`), decided without building huge values: expectations come
 * from reading those definitions, see docs/replay.md ("Numbers").
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asInt, asNat, getObjValD, LeanJsonError, LeanNumber, MAX_NESTING, parseLeanJson, ShiftedNumber } from '../../lean/LeanJson.js';
import { replayTrace } from '../../lean/Replay.js';
import { traceText } from '../../tracegen/trace.js';
import { replayText } from '../../replay/index.js';

const trace = traceText({ seed: 3n, events: 4, profile: 'lean-core' });

/** The trace with `member` added as the first member of line `index`. */
function withMember(index: number, member: string): string {
  const lines = trace.split('\n');
  lines[index] = `{${member},${lines[index]!.slice(1)}`;
  return lines.join('\n');
}

/** The trace with its summary's seed written as `seed`. */
function withSeed(seed: string): string {
  return trace.replace(/"seed":\d+/, `"seed":${seed}`);
}

const accepted = (text: string) => assert.equal(replayTrace(text).ok, true, JSON.stringify(replayTrace(text)));
const rejected = (text: string, why: RegExp) => {
  const r = replayTrace(text);
  assert.equal(r.ok, false);
  assert.match((r as { error: string }).error, why);
};

describe('Lean JSON numbers: decided by mantissa and exponent', () => {
  it('keeps a large positive exponent as mantissa and shift, built only when read as a natural', () => {
    const n = parseLeanJson('1e999999');
    assert.ok(n instanceof ShiftedNumber, 'not built while parsing');
    assert.equal(n.shift, 999999n);
    assert.equal(String(parseLeanJson('25e100')), '25e100');
    const built = asNat(parseLeanJson('2e70'), 'x');
    assert.equal(built, 2n * 10n ** 70n);
    assert.equal(asInt(parseLeanJson('-2e70'), 'x'), -2n * 10n ** 70n);
    assert.throws(() => asNat(parseLeanJson('-2e70'), 'x'), /Natural number expected/);
    // shiftl pads only what the decimals cannot absorb: 1.25e70 is 125 * 10^68.
    assert.equal(asNat(parseLeanJson('1.25e70'), 'x'), 125n * 10n ** 68n);
  });

  it('2000 copies of 1e999999 in an unknown member are accepted without being built', () => {
    const many = `"junk":[${Array(2000).fill('1e999999').join(',')}]`;
    const line = parseLeanJson(`{${many}}`);
    const junk = getObjValD(line, 'junk') as unknown[];
    assert.ok(junk.every((v) => v instanceof ShiftedNumber));
    accepted(withMember(1, many));
    assert.equal(replayText(withMember(1, many), { model: 'lean' }).steps, 5);
  });

  it('a summary seed of 1e1000001 is a natural, as Lean reads it, and is never built', () => {
    accepted(withSeed('1e1000001'));
    accepted(withSeed('1e4294967295'));
    assert.equal(replayText(withSeed('1e1000001'), { model: 'lean' }).summaries, 1);
  });

  it('a shift of more than 2^32 - 1 places is rejected: lean_nat_pow panics and the process aborts', () => {
    rejected(withMember(2, '"x":0e4294967296'), /Nat\.pow/);
    rejected(withSeed('1e4294967296'), /Nat\.pow/);
    // Exactly 2^32 - 1 places is computed (zero times a huge power is zero): accepted.
    accepted(withMember(2, '"x":0e4294967295'));
    // The decimals absorb part of the shift: 0.0e4294967296 pads 4294967295 places.
    accepted(withMember(2, '"x":0.0e4294967296'));
    rejected(withMember(2, '"x":0.0e4294967297'), /Nat\.pow/);
    // Leading zeros of the exponent do not count.
    accepted(withMember(2, '"x":1e0000000000000000000000000000004'));
  });

  it('an exponent above USize.size (2^64) is the parser error "exp too large"; 2^64 itself reaches Nat.pow', () => {
    rejected(withMember(2, '"x":1e18446744073709551617'), /exp too large/);
    rejected(withMember(2, '"x":1e18446744073709551616'), /Nat\.pow/);
    // A negative exponent has no bound (shiftr adds it to the exponent).
    accepted(withMember(2, '"x":1e-18446744073709551617999999'));
    const small = parseLeanJson('1e-18446744073709551617999999');
    assert.ok(small instanceof LeanNumber);
    assert.equal(small.exponent, 18446744073709551617999999n);
  });

  it('a natural too large for this checker to build is refused where the model reads it, and only there', () => {
    // The line's last `step` counts (a repeated member keeps its last value); Lean never uses it.
    const lines = trace.split('\n');
    lines[1] = `${lines[1]!.slice(0, -1)},"step":1e1000001}`;
    accepted(lines.join('\n'));
    assert.throws(() => replayText(lines.join('\n'), { model: 'lean' }), /step 1e1000001 out of order/);
    rejected(trace.replace(/"pool_size":\d+/, '"pool_size":3e1000001'), /pool_size: 3e1000001 has more than 1000000 digits, too large for this checker/);
    assert.throws(() => asNat(parseLeanJson('1e1000001'), 'epoch'), (err: unknown) => err instanceof LeanJsonError && /epoch.*too large for this checker/.test(err.message));
  });
});

describe('Lean JSON nesting: an explicit, documented limit', () => {
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  it(`accepts ${MAX_NESTING} levels whatever the JS stack, and refuses one more`, () => {
    assert.ok(MAX_NESTING >= 10000);
    assert.ok(Array.isArray(parseLeanJson(nested(MAX_NESTING))));
    assert.throws(() => parseLeanJson(nested(MAX_NESTING + 1)), /nesting deeper than/);
    const objects = `${'{"a":'.repeat(MAX_NESTING)}1${'}'.repeat(MAX_NESTING)}`;
    assert.ok(parseLeanJson(objects) !== null);
  });

  it('10,000 levels inside an unknown member of a trace line are accepted, as Lean does', () => {
    accepted(withMember(1, `"deep":${nested(10000)}`));
  });

  it('keeps the parse errors of a recursive reading', () => {
    assert.throws(() => parseLeanJson('[1,]'), /unexpected input/);
    assert.throws(() => parseLeanJson('[1 2]'), /unexpected character in array/);
    assert.throws(() => parseLeanJson('{"a":1 "b":2}'), /unexpected character in object/);
    assert.throws(() => parseLeanJson('{1:2}'), /expected "/);
    assert.throws(() => parseLeanJson('{"a" 1}'), /expected :/);
    assert.throws(() => parseLeanJson('[[[['), /unexpected end of input/);
    assert.deepEqual(parseLeanJson(' [ [ ] , { } , "x" , [ 1 , [ 2 ] ] ] '), [[], parseLeanJson('{}'), 'x', [1, [2]]]);
  });

  it('reads deep values as it reads shallow ones: same values, same errors at the same offsets', () => {
    const wrap = (text: string, depth: number) => `${'['.repeat(depth)}${text}${']'.repeat(depth)}`;
    const unwrap = (v: unknown, depth: number): unknown => (depth === 0 ? v : unwrap((v as unknown[])[0], depth - 1));
    const value = ' [ [ ] , { "a" : [ 1 , { } ] , "a" : null } , "x" , [ 1e3 , [ -2.5 ] , true , false ] ] ';
    for (const depth of [1, 150, 450]) assert.deepEqual(unwrap(parseLeanJson(wrap(value, depth)), depth), parseLeanJson(value));
    for (const bad of ['[1,]', '[1 2]', '{"a":1 "b":2}', '{1:2}', '{"a" 1}', '[tru]', '[1,{"a":[}]']) {
      const shallow = () => parseLeanJson(wrap(bad, 1));
      const deep = () => parseLeanJson(wrap(bad, 450));
      const message = (f: () => unknown) => {
        try {
          f();
        } catch (err) {
          return (err as Error).message.replace(/^offset (\d+)/, (_, n: string) => `offset ${Number(n) - (f === deep ? 449 : 0)}`);
        }
        return 'accepted';
      };
      assert.equal(message(deep), message(shallow), bad);
    }
  });
});
