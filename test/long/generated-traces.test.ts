/**
 * 1,000 short generated traces (both profiles, 12 events each) accepted
 * by every model of the checker; npm test checks 100 longer ones.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { replayText } from '../../replay/index.js';
import { MODEL_CHOICES } from '../../replay/models/model.js';
import { traceText } from '../../tracegen/index.js';

it('the checker accepts 1,000 generated traces of both profiles under lean, cpp and both', () => {
  let count = 0;
  for (const profile of ['lean-core', 'full'] as const) {
    for (let seed = 1n; seed <= 500n; seed++) {
      const text = traceText({ seed: seed * 7919n, events: 12, profile });
      for (const model of MODEL_CHOICES) assert.doesNotThrow(() => replayText(text, { model }), `${profile} seed ${seed * 7919n} under ${model}`);
      count++;
    }
  }
  assert.equal(count, 1000);
});
