/**
 * Which chunk goes where: lanes hand out every chunk once, neighbours to
 * the same slot (fingerprint.test.ts has the stamps that let an expander
 * take chunks out of order; search.test.ts runs a search fed backwards).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LanePlan } from '../../../fuzz/exhaust/pool.js';

/** Takes chunks for the slots in the order given until one is refused (then every slot must be); returns each slot's chunks. */
function drain(plan: LanePlan, order: readonly number[]): number[][] {
  const taken: number[][] = [];
  for (let i = 0; ; i++) {
    const slot = order[i % order.length]!;
    const chunk = plan.take(slot);
    if (chunk === undefined) {
      for (const s of order) assert.equal(plan.take(s), undefined, `slot ${s} got a chunk after slot ${slot} was refused one`);
      return taken;
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
