/**
 * Executable checks over a snapshot, recomputed from scratch. They mirror the
 * image-safety predicates of the Lean model, and every trace line records
 * their value for the snapshot before and after the step.
 */
import {
  authoritativeBlobMeta,
  authoritativeCommittedSeq,
  authoritativeSources,
  authorityImageValues,
  buildPeerRecoveryPlans,
  effectiveImage,
  imageRecoveryGaps,
  lookupLength,
  prefixImage,
  sameBlobMetaImage,
  samePlans,
  sameImage,
  sameRecoveries,
} from './image.js';
import { actingReplicaImages, knownPeerImages } from './machine.js';
import { setHas } from './ordered.js';
import type { Snapshot } from './snapshot.js';
import type { PeerInfo } from './types.js';

export interface SnapshotChecks {
  readonly haveEnoughInfo: boolean;
  readonly imageInvariant: boolean;
  readonly imageClean: boolean;
  readonly imageRecovering: boolean;
}

/** Every queried peer has answered (or timed out), and so has every acting replica. */
export function haveEnoughInfo(snap: Snapshot): boolean {
  const queried = snap.peersQueried;
  for (let i = 0; i < queried.length; i++) if (!setHas(snap.peersResponded, queried[i]!)) return false;
  const acting = snap.acting.osds;
  for (let i = 0; i < acting.length; i++) {
    const osd = acting[i]!;
    if (osd >= 0 && osd !== snap.whoami && !setHas(snap.peersResponded, osd)) return false;
  }
  return true;
}

function actingReplicas(snap: Snapshot): PeerInfo[] {
  return actingReplicaImages(snap.acting, snap.whoami, snap.peerInfo);
}

function knownPeers(snap: Snapshot): PeerInfo[] {
  return knownPeerImages(snap.whoami, snap.localInfo, snap.peerInfo);
}

/**
 * Authority, plans and local/replica progress are exactly what recomputation
 * from the known peer images gives, and nothing claims more than authority.
 */
export function imageInvariant(snap: Snapshot): boolean {
  return invariantHolds(snap, knownPeers(snap), actingReplicas(snap));
}

function invariantHolds(snap: Snapshot, known: readonly PeerInfo[], replicas: readonly PeerInfo[]): boolean {
  const sources = authoritativeSources(known);
  const image = authorityImageValues(sources);
  const seq = authoritativeCommittedSeq(known);

  for (let i = 0; i < snap.authSources.length; i++) {
    const obj = snap.authSources[i]![0];
    const length = snap.authSources[i]![1].length;
    const backed = known.some((peer) => lookupLength(effectiveImage(peer), obj) === length);
    if (!backed) return false;
  }
  if (!sameImage(snap.authImage, image)) return false;
  if (snap.authSeq !== seq) return false;
  if (!sameImage(authorityImageValues(snap.authSources), image)) return false;
  if (!sameBlobMetaImage(snap.authBlobMeta, authoritativeBlobMeta(known, sources))) return false;
  if (snap.localInfo.committedSeq > snap.authSeq) return false;
  if (!prefixImage(effectiveImage(snap.localInfo), snap.authImage)) return false;
  for (let i = 0; i < replicas.length; i++) {
    const peer = replicas[i]!;
    if (peer.committedSeq > snap.authSeq) return false;
    if (!prefixImage(effectiveImage(peer), snap.authImage)) return false;
  }
  if (!samePlans(snap.peerRecoveryPlans, buildPeerRecoveryPlans(sources, seq, replicas))) return false;
  return sameRecoveries(snap.localRecoveryPlan, imageRecoveryGaps(effectiveImage(snap.localInfo), sources));
}

/** The invariant holds and nothing is left to recover anywhere in the acting set. */
export function imageClean(snap: Snapshot): boolean {
  return computeChecks(snap).imageClean;
}

/** The invariant holds but some local or replica gap remains. */
export function imageRecovering(snap: Snapshot): boolean {
  return computeChecks(snap).imageRecovering;
}

function cleanGivenInvariant(snap: Snapshot, replicas: readonly PeerInfo[]): boolean {
  if (snap.peerRecoveryPlans.length > 0 || snap.localRecoveryPlan.length > 0) return false;
  if (snap.localInfo.committedSeq < snap.authSeq || !sameImage(effectiveImage(snap.localInfo), snap.authImage)) {
    return false;
  }
  for (let i = 0; i < replicas.length; i++) {
    const peer = replicas[i]!;
    if (peer.committedSeq < snap.authSeq || !sameImage(effectiveImage(peer), snap.authImage)) return false;
  }
  return true;
}

function hasOutstandingWork(snap: Snapshot, replicas: readonly PeerInfo[]): boolean {
  return (
    snap.peerRecoveryPlans.length > 0 ||
    snap.localRecoveryPlan.length > 0 ||
    snap.localInfo.committedSeq < snap.authSeq ||
    replicas.some((peer) => peer.committedSeq < snap.authSeq)
  );
}

/**
 * The snapshots agree, by identity, on every field the checks read, so their
 * checks are equal. Lets callers that see consecutive snapshots (which share
 * unchanged values) skip recomputation.
 */
export function sameCheckInputs(a: Snapshot, b: Snapshot): boolean {
  return (
    a.whoami === b.whoami &&
    a.acting.osds === b.acting.osds &&
    a.peersQueried === b.peersQueried &&
    a.peersResponded === b.peersResponded &&
    a.peerInfo === b.peerInfo &&
    a.localInfo === b.localInfo &&
    a.authSeq === b.authSeq &&
    a.authImage === b.authImage &&
    a.authSources === b.authSources &&
    a.authBlobMeta === b.authBlobMeta &&
    a.peerRecoveryPlans === b.peerRecoveryPlans &&
    a.localRecoveryPlan === b.localRecoveryPlan
  );
}

/** All four checks, sharing the recomputation. */
export function computeChecks(snap: Snapshot): SnapshotChecks {
  const replicas = actingReplicas(snap);
  const invariant = invariantHolds(snap, knownPeers(snap), replicas);
  const clean = invariant && cleanGivenInvariant(snap, replicas);
  return {
    haveEnoughInfo: haveEnoughInfo(snap),
    imageInvariant: invariant,
    imageClean: clean,
    imageRecovering: invariant && !clean && hasOutstandingWork(snap, replicas),
  };
}
