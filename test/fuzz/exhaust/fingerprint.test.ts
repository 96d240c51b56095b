/**
 * The visited set of the search and of each expander: fingerprints with
 * stamps, so an expander that takes chunks out of order still reports a
 * state from the chunk the merge reaches first.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FingerprintSet } from '../../../fuzz/exhaust/fingerprint.js';

describe('exhaust: fingerprint stamps', () => {
  it('claims a fingerprint again only with a smaller stamp', () => {
    const set = new FingerprintSet(4);
    assert.equal(set.claim(1, 2, 50), true);
    assert.equal(set.claim(1, 2, 50), false, 'the same stamp is not earlier');
    assert.equal(set.claim(1, 2, 70), false);
    assert.equal(set.claim(1, 2, 30), true, 'an earlier stamp claims it again');
    assert.equal(set.claim(1, 2, 40), false);
    for (let i = 0; i < 1000; i++) set.claim(i, i * 7, 1000 + i); // grows, keeping stamps
    assert.equal(set.claim(1, 2, 35), false);
    assert.equal(set.claim(5, 35, 1006), false);
    assert.equal(set.claim(5, 35, 1004), true);
    assert.equal(set.add(0, 0), true, '(0, 0) is a fingerprint like any other');
    assert.equal(set.has(0, 0), true);
  });
});
