/**
 * Upstream's main theorem, tested on the mirror: from the empty snapshot,
 * the image invariant holds after every step of random event sequences
 * (not only the generator's), stepping the machine itself (`stepTrace`).
 * A counterexample is either a mirror bug or a finding about the model.
 * (The replay checker's cursor is another matter: it sorts images by
 * printed form, which can break the invariant's order-sensitive plan
 * comparison; docs/divergences.md, class "printed-order".)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { computeInvariantChecks, snapshotImageCleanQ, snapshotImageInvariantQ, snapshotImageRecoveringQ } from '../../lean/Invariants.js';
import { normalizeSnapshot } from '../../lean/Replay.js';
import { emptySnapshot, haveEnoughInfo, step, type Snapshot } from '../../lean/Machine.js';
import type { ActingSet, AuthorityImage, ObjectImage, PeeringEvent, PeerInfo, PGInfo } from '../../lean/Types.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);

const osd = fc.oneof(fc.integer({ min: -1, max: 4 }), fc.constantFrom(10, 11));
const epoch = fc.integer({ min: 0, max: 8 });
const len = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 }));
const obj = fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constant(10));
const image: fc.Arbitrary<ObjectImage> = fc.array(fc.tuple(obj, len), { maxLength: 3 }).map((entries) => ({ entries }));
const osds = fc.array(osd, { maxLength: 4 });
const acting: fc.Arbitrary<ActingSet> = fc.record({ osds, epoch });
const blobMeta = fc.array(fc.tuple(obj, fc.record({ sealed: fc.boolean(), finalLen: fc.option(len, { nil: null }) })), { maxLength: 2 }).map((entries) => ({ entries }));

const peerInfo: fc.Arbitrary<PeerInfo> = fc.record({
  osd,
  committedSeq: fc.integer({ min: 0, max: 6 }),
  committedLength: len,
  image,
  blobMeta,
  lastEpochStarted: epoch,
  lastIntervalStarted: epoch,
});

const pgInfo: fc.Arbitrary<PGInfo> = fc.record({
  pgid: fc.constant(1),
  committedSeq: fc.integer({ min: 0, max: 6 }),
  committedLength: len,
  image,
  blobMeta,
  lastEpochStarted: epoch,
  lastIntervalStarted: epoch,
  lastEpochClean: epoch,
  epochCreated: epoch,
  sameIntervalSince: epoch,
  sameUpSince: epoch,
  samePrimarySince: epoch,
});

const authority: fc.Arbitrary<AuthorityImage> = fc
  .array(fc.tuple(obj, fc.record({ authorityOsd: osd, authorityLength: len })), { maxLength: 2 })
  .map((entries) => ({ entries }));

const event: fc.Arbitrary<PeeringEvent> = fc.oneof(
  fc.record({
    type: fc.constant('Initialize' as const),
    pgid: fc.constant(1),
    whoami: osd,
    epoch,
    acting,
    up: acting,
    poolSize: fc.integer({ min: 0, max: 4 }),
    poolMinSize: fc.integer({ min: 0, max: 3 }),
    localInfo: pgInfo,
    priorOsds: osds,
  }),
  fc.record({
    type: fc.constant('AdvanceMap' as const),
    newEpoch: epoch,
    newActing: acting,
    newUp: acting,
    newPoolSize: fc.integer({ min: 0, max: 4 }),
    newPoolMinSize: fc.integer({ min: 0, max: 3 }),
    priorOsds: osds,
  }),
  fc.record({ type: fc.constant('PeerInfoReceived' as const), sender: osd, info: peerInfo, queryEpoch: epoch }),
  fc.record({ type: fc.constant('PeerQueryTimeout' as const), peer: osd }),
  fc.record({ type: fc.constant('UpThruUpdated' as const), epoch }),
  fc.constant({ type: 'ActivateCommitted' as const }),
  fc.record({ type: fc.constant('RecoveryComplete' as const), peer: osd, epoch }),
  fc.record({ type: fc.constant('AllReplicasRecovered' as const), epoch, peers: osds }),
  fc.record({
    type: fc.constant('ReplicaActivate' as const),
    sender: osd,
    authInfo: peerInfo,
    authSources: authority,
    authBlobMeta: blobMeta,
    authoritativeSeq: fc.integer({ min: 0, max: 6 }),
    activationEpoch: epoch,
  }),
  fc.record({
    type: fc.constant('ReplicaRecoveryComplete' as const),
    newCommittedSeq: fc.integer({ min: 0, max: 6 }),
    newCommittedLength: len,
    recoveredImage: image,
    activationEpoch: epoch,
  }),
  fc.constant({ type: 'DeleteStart' as const }),
  fc.constant({ type: 'DeleteComplete' as const }),
);

/** The checks as the Lean-named functions compute them, one by one. */
function checksOneByOne(snap: Snapshot) {
  return {
    haveEnoughInfo: haveEnoughInfo(snap),
    imageInvariant: snapshotImageInvariantQ(snap),
    imageClean: snapshotImageCleanQ(snap),
    imageRecovering: snapshotImageRecoveringQ(snap),
  };
}

describe('Lean mirror: image invariant (upstream main theorem)', () => {
  it('computeInvariantChecks equals the Lean checks computed one by one, on raw and normalised snapshots', () => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 15 }), (events) => {
        let cursor = emptySnapshot;
        for (const e of events) {
          cursor = step(cursor, e).after;
          assert.deepEqual(computeInvariantChecks(cursor), checksOneByOne(cursor));
          const normalized = normalizeSnapshot(cursor);
          assert.deepEqual(computeInvariantChecks(normalized), checksOneByOne(normalized));
        }
      }),
      { numRuns: RUNS, seed: Number(process.env.PROPERTY_SEED ?? 20261130) },
    );
  });

  it('holds after every step of random event sequences from the empty snapshot', () => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 25 }), (events) => {
        let cursor = emptySnapshot;
        events.forEach((e, i) => {
          cursor = step(cursor, e).after;
          assert.equal(computeInvariantChecks(cursor).imageInvariant, true, `after step ${i} (${e.type})`);
        });
      }),
      { numRuns: RUNS, seed: Number(process.env.PROPERTY_SEED ?? 20261129) },
    );
  });
});
