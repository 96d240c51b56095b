/**
 * Report text that does not depend on the machine: code-unit order instead
 * of the locale's, and en-US digit grouping written out by hand.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compareText, withThousands } from '../../../fuzz/store/text.js';

/** Any UTF-16 code unit, lone surrogates included (fast-check's 'binary' unit takes most of a second to set up). */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

describe('compareText', () => {
  it('orders as a plain sort does (UTF-16 code units), capitals before small letters', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: codeUnit, maxLength: 6 }), { maxLength: 12 }), (xs) => {
        assert.deepEqual([...xs].sort(compareText), [...xs].sort());
      }),
    );
    assert.deepEqual(['PeerInfo', 'PGLog', 'activate', 'Zebra'].sort(compareText), ['PGLog', 'PeerInfo', 'Zebra', 'activate']);
  });

  it('is zero only for equal strings', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => assert.equal(compareText(a, b) === 0, a === b)));
  });
});

describe('withThousands', () => {
  it('writes whole numbers as en-US does', () => {
    fc.assert(fc.property(fc.maxSafeInteger(), (n) => assert.equal(withThousands(n), n.toLocaleString('en-US'))));
    for (const n of [0, 7, 999, 1000, 123456, 1234567, -1000, -5]) assert.equal(withThousands(n), n.toLocaleString('en-US'), String(n));
  });

  it('rounds a fraction to the nearest whole number first', () => {
    assert.equal(withThousands(1234.4), '1,234');
    assert.equal(withThousands(1234.5), '1,235');
    assert.equal(withThousands(0.2), '0');
  });
});
