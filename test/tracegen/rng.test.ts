/**
 * The RNG pieces against reference values printed by libstdc++ 14
 * (test/fixtures/rng-oracle.cc, built with g++ 14 on Debian trixie).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Mt19937, shuffleInPlace, uniformBigInt, uniformInt } from '../../tracegen/index.js';
import { fixture, readJson } from '../helpers.js';

interface Oracle {
  mt19937: { seed: string; first: number[]; at10000: number }[];
  int: { a: number; b: number; values: number[] }[];
  uint32: { a: number; b: number; values: number[] }[];
  uint64: { a: string; b: string; values: string[] }[];
  shuffle: { n: number; seed: number; rounds: number[][]; next: number }[];
}

const oracle = readJson<Oracle>(fixture('libstdcxx-rng.json'));

describe('std::mt19937', () => {
  for (const row of oracle.mt19937) {
    it(`seed ${row.seed} (reduced mod 2^32)`, () => {
      const g = new Mt19937(BigInt(row.seed));
      assert.deepEqual(Array.from({ length: row.first.length }, () => g.next()), row.first);
      g.discard(10000 - row.first.length - 1);
      assert.equal(g.next(), row.at10000);
    });
  }

  it('meets the standard 10000th-output requirement for the default seed', () => {
    const g = new Mt19937(5489n);
    g.discard(9999);
    assert.equal(g.next(), 4123659995);
  });
});

describe('std::uniform_int_distribution (libstdc++ 14)', () => {
  for (const row of oracle.int) {
    it(`int [${row.a}, ${row.b}]`, () => {
      const g = new Mt19937(7n);
      assert.deepEqual(row.values.map(() => uniformInt(g, row.a, row.b)), row.values);
    });
  }
  for (const row of oracle.uint32) {
    it(`uint32 [${row.a}, ${row.b}]`, () => {
      const g = new Mt19937(11n);
      assert.deepEqual(row.values.map(() => uniformInt(g, row.a, row.b)), row.values);
    });
  }
  for (const row of oracle.uint64) {
    it(`uint64 [${row.a}, ${row.b}]`, () => {
      const g = new Mt19937(13n);
      const got = row.values.map(() => uniformBigInt(g, BigInt(row.a), BigInt(row.b)).toString());
      assert.deepEqual(got, row.values);
    });
  }

  it('agrees between the number and bigint entry points', () => {
    const a = new Mt19937(3n);
    const b = new Mt19937(3n);
    for (let i = 0; i < 1000; i++) {
      assert.equal(BigInt(uniformInt(a, 0, 300)), uniformBigInt(b, 0n, 300n));
    }
  });

  it('rejects an empty range', () => {
    assert.throws(() => uniformInt(new Mt19937(1n), 5, 4), RangeError);
  });
});

describe('std::ranges::shuffle', () => {
  for (const row of oracle.shuffle) {
    it(`n=${row.n} seed=${row.seed}`, () => {
      const g = new Mt19937(BigInt(row.seed));
      const rounds = row.rounds.map(() => {
        const items = Array.from({ length: row.n }, (_, i) => i);
        shuffleInPlace(items, g);
        return items;
      });
      assert.deepEqual(rounds, row.rounds);
      assert.equal(g.next(), row.next, 'engine position after shuffling');
    });
  }
});
