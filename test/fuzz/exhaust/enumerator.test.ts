/**
 * The enumerating chooser: every combination of a drawing's choices, free
 * numbers only within the scope's domains, and parts enumerated once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EnumeratingChooser } from '../../../fuzz/exhaust/enumerator.js';
import type { ScopeDomains } from '../../../fuzz/exhaust/scope.js';
import type { Chooser } from '../../../tracegen/index.js';

const DOMAINS: ScopeDomains = { length: [0, 5, 10], epoch: [10], 'pool-size': [1, 2], 'min-size': [1], object: [0, 10] };

function all<T>(draw: (c: EnumeratingChooser) => T): T[] {
  const c = new EnumeratingChooser(DOMAINS);
  const out: T[] = [];
  c.enumerate(() => draw(c), (r) => out.push(r), 'a test drawing');
  return out;
}

describe('EnumeratingChooser', () => {
  it('takes every alternative of every choice, as an odometer', () => {
    const got = all((c) => `${c.int(1, 3)}${c.percent(30) ? 'y' : 'n'}${c.pick(['a', 'b'])}`);
    assert.equal(got.length, 3 * 2 * 2);
    assert.equal(new Set(got).size, 12);
    assert.deepEqual(got.slice(0, 3), ['1ya', '1yb', '1na']);
  });

  it('a choice made only on some branches is made only there', () => {
    // 'x' then one of two; or 'z' alone: three results, not four.
    const got = all((c) => (c.oneIn(2) ? `x${c.int(0, 1)}` : 'z'));
    assert.deepEqual(got, ['x0', 'x1', 'z']);
  });

  it('weighted() takes each index with a positive weight, certain percentages one branch', () => {
    assert.deepEqual(all((c) => c.weighted([3, 0, 1])), [0, 2]);
    assert.deepEqual(all((c) => [c.percent(0), c.percent(100), c.oneIn(1)]), [[false, true, true]]);
  });

  it('shuffled() yields every order once', () => {
    const got = all((c) => c.shuffled([1, 2, 3]).join(''));
    assert.deepEqual([...got].sort(), ['123', '132', '213', '231', '312', '321']);
  });

  it('value() keeps only the domain, mapped values included; a drawing with no value in scope yields nothing', () => {
    assert.deepEqual(all((c) => c.value('length', 0, 300)), [0, 5, 10]);
    assert.deepEqual(all((c) => c.value('length', 1, 60, (d) => 4 + d)), [5, 10]);
    assert.deepEqual(all((c) => c.value('length', 6, 9)), []);
    // Out of scope cuts only that branch.
    assert.deepEqual(all((c) => (c.percent(50) ? c.value('epoch', 0, 5) : -1)), [-1]);
  });

  it('sub() enumerates a part once per arguments and takes each distinct result', () => {
    let runs = 0;
    const part = (ctx: { dice: Chooser }, n: number) => {
      runs++;
      return ctx.dice.int(0, n) % 2; // 0..n, only two distinct results
    };
    const got = all((c) => `${c.sub(part, { dice: c }, 3)}-${c.sub(part, { dice: c }, 3)}`);
    assert.deepEqual(got, ['0-0', '0-1', '1-0', '1-1']);
    assert.equal(runs, 4, 'the part ran once per combination of its own choices, not once per outer combination');
  });

  it('refuses a drawing with more combinations than it would ever finish', () => {
    const c = new EnumeratingChooser(DOMAINS);
    assert.throws(
      () => c.enumerate(() => [0, 1, 2, 3, 4, 5, 6, 7].map(() => c.int(0, 9)), () => undefined, 'a huge drawing'),
      /the scope is too large: more than \d+ ways to draw a huge drawing/,
    );
  });
});
