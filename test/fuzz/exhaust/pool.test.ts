/**
 * Which chunk goes where: lanes hand out every chunk once, neighbours to
 * the same slot; and the stamps that let an expander take chunks out of
 * order (search.test.ts runs a search fed backwards).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FingerprintSet } from '../../../fuzz/exhaust/fingerprint.js';
import { LanePlan } from '../../../fuzz/exhaust/pool.js';

/** Takes chunks for `slots` in the order given, until none is left; returns each slot's chunks. */
function drain(plan: LanePlan, order: readonly number[]): number[][] {
  const taken: number[][] = [];
  for (let i = 0; ; i++) {
    const slot = order[i % order.length]!;
    const chunk = plan.take(slot);
    if (chunk === undefined) {
      if (order.every((s) => plan.take(s) === undefined)) return taken;
      continue;
    }
    (taken[slot] ??= []).push(chunk);
  }
}

describe('exhaust: lanes of chunks', () => {
  it('hands out every chunk exactly once, whatever the slots and the order they ask in', () => {
    for (const [chunks, slots] of [[1, 1], [1, 2], [7, 2], [48, 2], [48, 3], [5, 8], [100, 4]] as const) {
      for (const order of [[...Array(slots).keys()], [...Array(slots).keys()].reverse(), [0, 0, 0, ...Array(slots).keys()]]) {
        const taken = drain(new LanePlan(chunks, slots), order.filter((s) => s < slots));
        assert.deepEqual(taken.flat().sort((a, b) => a - b), [...Array(chunks).keys()], `${chunks} chunks, ${slots} slots, order ${order}`);
      }
    }
  });

  it('gives each slot its own contiguous stretch while no slot runs dry', () => {
    const plan = new LanePlan(48, 2);
    const a = [plan.take(0), plan.take(0), plan.take(0)];
    const b = [plan.take(1), plan.take(1)];
    assert.deepEqual(a, [0, 1, 2]);
    assert.deepEqual(b, [24, 25]);
  });

  it('lets a slot whose lane is done take the back half of the fullest lane', () => {
    const plan = new LanePlan(10, 2); // lanes 0-4 and 5-9
    for (let i = 0; i < 5; i++) assert.equal(plan.take(1), 5 + i);
    assert.equal(plan.take(0), 0);
    // Slot 1's lane is done; slot 0 still has 1-4 left: slot 1 takes 3 and 4.
    assert.equal(plan.take(1), 3);
    assert.equal(plan.take(0), 1);
    assert.equal(plan.take(1), 4);
    assert.equal(plan.take(0), 2);
    assert.equal(plan.take(0), undefined);
    assert.equal(plan.take(1), undefined);
  });
});

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
