/**
 * Reducer properties over generated traces (fast-check drives seeds,
 * profiles and lengths; the trace generator drives the events): `step` is
 * pure, snapshot -> restore -> snapshot round-trips, and on the
 * proof-aligned `lean-core` surface the image invariant holds after every
 * step. Registered with a number of traces each: test/reducer/properties.test.ts
 * (PROPERTY_RUNS, default 200) and test/long/properties.test.ts (1000).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { computeChecks, fromSnapshot, step, toSnapshot, type PeeringEvent, type Snapshot, type StepResult } from '../../reducer/index.js';
import { runTrace, type Profile } from '../../tracegen/index.js';

const traceArgs = fc.record({
  seed: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  profile: fc.constantFrom<Profile>('lean-core', 'full'),
  events: fc.integer({ min: 0, max: 120 }),
});

interface Recorded {
  readonly event: PeeringEvent;
  readonly result: StepResult;
}

export function record(args: { seed: bigint; profile: Profile; events: number }): Recorded[] {
  const steps: Recorded[] = [];
  runTrace(args, (_index, event, result) => steps.push({ event, result }));
  return steps;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** The three properties, each over `RUNS` generated traces. */
export function reducerProperties(RUNS: number): void {
  it(`step never mutates its input and is deterministic (${RUNS} traces)`, () => {
    fc.assert(
      fc.property(traceArgs, (args) => {
        for (const { event, result } of record(args)) {
          const input = structuredClone(result.before);
          const frozenInput = deepFreeze(structuredClone(result.before));
          const frozenEvent = deepFreeze(structuredClone(event));
          // A mutation attempt on frozen input throws in strict-mode modules.
          const again = step(frozenInput, frozenEvent);
          assert.deepStrictEqual(frozenInput, input);
          assert.deepStrictEqual(again.after, result.after);
          assert.deepStrictEqual(again.effects, result.effects);
          assert.equal(again.from, result.from);
          assert.equal(again.to, result.to);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it(`snapshot -> restore -> snapshot is the identity on reachable snapshots (${RUNS} traces)`, () => {
    fc.assert(
      fc.property(traceArgs, (args) => {
        for (const { result } of record(args)) {
          const snap: Snapshot = result.after;
          assert.deepStrictEqual(toSnapshot(fromSnapshot(snap)), snap);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it(`lean-core keeps image_invariant after every step (${RUNS} traces)`, () => {
    fc.assert(
      fc.property(traceArgs, (args) => {
        for (const [index, { event, result }] of record({ ...args, profile: 'lean-core' }).entries()) {
          assert.ok(computeChecks(result.after).imageInvariant, `step ${index} (${event.type}) broke the invariant`);
        }
      }),
      { numRuns: RUNS },
    );
  });

}
