/**
 * Mirror of the executable part of upstream `Peering/Invariants.lean`:
 * the Boolean checks (`snapshotImageInvariant?` and friends) that
 * `computeInvariantChecks` reports. The propositions and proofs have no
 * executable content and are not mirrored.
 */
import { authoritativeCommittedSeq, authoritativeSources, authorityImageValues, buildPeerRecoveryPlans, effectivePeerImage, effectivePGImage, lookupLength, pgImageRecoveryPlan } from './Image.js';
import {
  actingReplicaImages,
  haveEnoughInfo,
  knownPeerImages,
  prefixImageQ,
  sameImageQ,
  type Snapshot,
} from './Machine.js';
import type { ObjectAuthority, ObjectId, ObjRecovery, PeerInfo, PeerRecoveryPlan } from './Types.js';

export interface InvariantChecks {
  readonly haveEnoughInfo: boolean;
  readonly imageInvariant: boolean;
  readonly imageClean: boolean;
  readonly imageRecovering: boolean;
}

export function authorityEntryBackedByKnownPeerQ(knownPeers: readonly PeerInfo[], entry: readonly [ObjectId, ObjectAuthority]): boolean {
  return knownPeers.some((peer) => lookupLength(effectivePeerImage(peer), entry[0]) === entry[1].authorityLength);
}

export function authSourcesBackedByKnownPeersQ(snap: Snapshot): boolean {
  const known = knownPeerImages(snap);
  return snap.authSources.entries.every((entry) => authorityEntryBackedByKnownPeerQ(known, entry));
}

export function actingReplicaWithinAuthorityQ(snap: Snapshot): boolean {
  return actingReplicaImages(snap).every((peer) => peer.committedSeq <= snap.authSeq && prefixImageQ(effectivePeerImage(peer), snap.authImage));
}

export function sameRecoveries(a: readonly ObjRecovery[], b: readonly ObjRecovery[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => {
      const y = b[i]!;
      return x.obj === y.obj && x.source === y.source && x.fromLength === y.fromLength && x.toLength === y.toLength;
    })
  );
}

/** Structural list equality (Lean's `DecidableEq`): order matters. */
export function samePlans(a: readonly PeerRecoveryPlan[], b: readonly PeerRecoveryPlan[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => {
      const y = b[i]!;
      return x.target === y.target && x.peerCommittedSeq === y.peerCommittedSeq && x.authoritativeSeq === y.authoritativeSeq && sameRecoveries(x.recoveries, y.recoveries);
    })
  );
}

export function peerRecoveryPlansMatchAuthorityQ(snap: Snapshot): boolean {
  const known = knownPeerImages(snap);
  return samePlans(snap.peerRecoveryPlans, buildPeerRecoveryPlans(authoritativeSources(known), authoritativeCommittedSeq(known), actingReplicaImages(snap)));
}

export function localRecoveryPlanMatchesAuthorityQ(snap: Snapshot): boolean {
  return sameRecoveries(snap.localRecoveryPlan, pgImageRecoveryPlan(authoritativeSources(knownPeerImages(snap)), snap.localInfo));
}

export function snapshotImageInvariantQ(snap: Snapshot): boolean {
  const known = knownPeerImages(snap);
  const recomputedSources = authoritativeSources(known);
  const recomputedImage = authorityImageValues(recomputedSources);
  const recomputedSeq = authoritativeCommittedSeq(known);
  return (
    authSourcesBackedByKnownPeersQ(snap) &&
    sameImageQ(snap.authImage, recomputedImage) &&
    snap.authSeq === recomputedSeq &&
    sameImageQ(authorityImageValues(snap.authSources), recomputedImage) &&
    snap.localInfo.committedSeq <= snap.authSeq &&
    prefixImageQ(effectivePGImage(snap.localInfo), snap.authImage) &&
    actingReplicaWithinAuthorityQ(snap) &&
    peerRecoveryPlansMatchAuthorityQ(snap) &&
    localRecoveryPlanMatchesAuthorityQ(snap)
  );
}

export function snapshotImageCleanQ(snap: Snapshot): boolean {
  if (!snapshotImageInvariantQ(snap)) return false;
  if (snap.peerRecoveryPlans.length !== 0 || snap.localRecoveryPlan.length !== 0) return false;
  if (snap.localInfo.committedSeq < snap.authSeq || !sameImageQ(effectivePGImage(snap.localInfo), snap.authImage)) return false;
  return actingReplicaImages(snap).every((peer) => peer.committedSeq >= snap.authSeq && sameImageQ(effectivePeerImage(peer), snap.authImage));
}

export function snapshotImageRecoveringQ(snap: Snapshot): boolean {
  const peerSeqLag = actingReplicaImages(snap).some((peer) => peer.committedSeq < snap.authSeq);
  return (
    snapshotImageInvariantQ(snap) &&
    !snapshotImageCleanQ(snap) &&
    (snap.peerRecoveryPlans.length !== 0 || snap.localRecoveryPlan.length !== 0 || snap.localInfo.committedSeq < snap.authSeq || peerSeqLag)
  );
}

/**
 * `computeInvariantChecks`. Equal to calling the three `?` checks above
 * (test/lean/lean-mirror.test.ts checks that on random snapshots), but the
 * recomputed authority and the replica images are built once, not per check.
 */
export function computeInvariantChecks(snap: Snapshot): InvariantChecks {
  const known = knownPeerImages(snap);
  const sources = authoritativeSources(known);
  const image = authorityImageValues(sources);
  const seq = authoritativeCommittedSeq(known);
  const replicas = actingReplicaImages(snap);
  const localImage = effectivePGImage(snap.localInfo);
  const invariant =
    snap.authSources.entries.every((entry) => authorityEntryBackedByKnownPeerQ(known, entry)) &&
    sameImageQ(snap.authImage, image) &&
    snap.authSeq === seq &&
    sameImageQ(authorityImageValues(snap.authSources), image) &&
    snap.localInfo.committedSeq <= snap.authSeq &&
    prefixImageQ(localImage, snap.authImage) &&
    replicas.every((peer) => peer.committedSeq <= snap.authSeq && prefixImageQ(effectivePeerImage(peer), snap.authImage)) &&
    samePlans(snap.peerRecoveryPlans, buildPeerRecoveryPlans(sources, seq, replicas)) &&
    sameRecoveries(snap.localRecoveryPlan, pgImageRecoveryPlan(sources, snap.localInfo));
  const clean =
    invariant &&
    snap.peerRecoveryPlans.length === 0 &&
    snap.localRecoveryPlan.length === 0 &&
    snap.localInfo.committedSeq >= snap.authSeq &&
    sameImageQ(localImage, snap.authImage) &&
    replicas.every((peer) => peer.committedSeq >= snap.authSeq && sameImageQ(effectivePeerImage(peer), snap.authImage));
  const recovering =
    invariant &&
    !clean &&
    (snap.peerRecoveryPlans.length !== 0 ||
      snap.localRecoveryPlan.length !== 0 ||
      snap.localInfo.committedSeq < snap.authSeq ||
      replicas.some((peer) => peer.committedSeq < snap.authSeq));
  return { haveEnoughInfo: haveEnoughInfo(snap), imageInvariant: invariant, imageClean: clean, imageRecovering: recovering };
}
