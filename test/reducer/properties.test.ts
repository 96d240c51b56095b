/**
 * Reducer properties over generated traces (test/reducer/reducer-properties.ts),
 * PROPERTY_RUNS traces each (default 200; npm run test:long runs 1000), and
 * a stale event's no-op.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { step } from '../../reducer/index.js';
import { record, reducerProperties } from './reducer-properties.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

describe('reducer properties', () => {
  reducerProperties(RUNS);

  it('a stale event leaves the snapshot untouched and emits nothing', () => {
    const [init] = record({ seed: 3n, profile: 'lean-core', events: 0 });
    const snap = init!.result.after;
    const stale = step(snap, { type: 'RecoveryComplete', peer: 1, epoch: snap.lastPeeringReset - 1 });
    assert.equal(stale.after, snap);
    assert.deepEqual(stale.effects, []);
  });
});
