/**
 * The working form of a reducer while it processes one event.
 *
 * A `Machine` is a mutable record whose fields hold immutable values, so
 * restoring it from a snapshot and taking a snapshot back are shallow copies.
 * The helpers here are the building blocks shared by the per-event
 * `decide*` / `apply*` pairs.
 */
import {
  authoritativeCommittedSeq,
  authoritativeSources,
  authorityFromImage,
  authorityEqual,
  authorityImageValues,
  authorityOsdFor,
  buildPeerRecoveryPlans,
  effectiveImage,
  emptyPeerInfo,
  imageEqual,
  imageRecoveryGaps,
  normalizedPeerInfo,
  normalizedPGInfo,
  pgInfoEqual,
  primaryImage,
  primaryLength,
  sameBlobMetaImage,
  samePlans,
  sameRecoveries,
  withPeerInfo,
} from './image.js';
import { EMPTY, mapGet, mapHas, seqEqual, setAdd, setHas } from './ordered.js';
import type { Snapshot } from './snapshot.js';
import type {
  ActingSet,
  AuthorityImage,
  BlobMetaImage,
  Epoch,
  JournalSeq,
  ObjectImage,
  ObjRecovery,
  OsdId,
  OsdSet,
  PeeringEffect,
  PeerInfo,
  PeerInfoMap,
  PeerRecoveryPlan,
  PgId,
  PGInfo,
  State,
} from './types.js';

export interface Machine {
  state: State;
  pgid: PgId;
  whoami: OsdId;
  epoch: Epoch;
  poolSize: number;
  poolMinSize: number;
  acting: ActingSet;
  up: ActingSet;
  localInfo: PGInfo;
  /** OSDs from earlier intervals that may hold data we have not seen. */
  priorOsds: OsdSet;
  peerInfo: PeerInfoMap;
  peersQueried: OsdSet;
  peersResponded: OsdSet;
  timedOutProbes: OsdSet;
  authSeq: JournalSeq;
  authImage: ObjectImage;
  authSources: AuthorityImage;
  authBlobMeta: BlobMetaImage;
  peerRecoveryPlans: readonly PeerRecoveryPlan[];
  localRecoveryPlan: readonly ObjRecovery[];
  recovered: OsdSet;
  needUpThru: boolean;
  activated: boolean;
  /** An acting-set change was requested; activation waits for the next map. */
  pendingActingChange: boolean;
  /** Epoch of the last interval reset; older completions are stale. */
  lastPeeringReset: Epoch;
}

export type Effects = PeeringEffect[];

// ── Roles and sets ───────────────────────────────────────────────────

export function primaryOf(acting: ActingSet): OsdId {
  return acting.osds.length === 0 ? -1 : (acting.osds[0] as OsdId);
}

export function actingContains(acting: ActingSet, osd: OsdId): boolean {
  return acting.osds.includes(osd);
}

export function isActive(m: Machine): boolean {
  const s = m.state;
  return s === 'Active' || s === 'Recovering' || s === 'Clean' || s === 'ReplicaActive';
}

/** Peers that hold map entries for acting members (self excluded from neither). */
export function countActingWithInfo(acting: ActingSet, peerInfo: PeerInfoMap): number {
  let available = 0;
  const osds = acting.osds;
  for (let i = 0; i < osds.length; i++) if (osds[i]! >= 0 && mapHas(peerInfo, osds[i]!)) available++;
  return available;
}

export function lookupPeer(peerInfo: PeerInfoMap, osd: OsdId): PeerInfo | undefined {
  return mapGet(peerInfo, osd);
}

// ── Peer views ───────────────────────────────────────────────────────

/** Every entry normalised and stamped with its map key as `osd`. */
export function normalizedPeerMap(peerInfo: PeerInfoMap): PeerInfoMap {
  // Entries are normally stored normalised already; avoid copying then.
  let i = 0;
  while (i < peerInfo.length && isNormalEntry(peerInfo[i]!)) i++;
  if (i === peerInfo.length) return peerInfo;
  return peerInfo.map((entry) => (isNormalEntry(entry) ? entry : ([entry[0], stampOsd(normalizedPeerInfo(entry[1]), entry[0])] as const)));
}

function isNormalEntry(entry: readonly [OsdId, PeerInfo]): boolean {
  const info = entry[1];
  return info.osd === entry[0] && normalizedPeerInfo(info) === info;
}

function stampOsd(info: PeerInfo, osd: OsdId): PeerInfo {
  return info.osd === osd ? info : withPeerInfo(info, { osd });
}

/** Local PG info seen as one more peer report. */
export function localAsPeer(whoami: OsdId, local: PGInfo): PeerInfo {
  return {
    osd: whoami,
    committedSeq: local.committedSeq,
    committedLength: local.committedLength,
    image: local.image,
    blobMeta: local.blobMeta,
    lastEpochStarted: local.lastEpochStarted,
    lastIntervalStarted: local.lastIntervalStarted,
  };
}

/** All peer images authority is chosen from: remote reports, then ourselves last. */
export function knownPeerImages(whoami: OsdId, localInfo: PGInfo, peerInfo: PeerInfoMap): PeerInfo[] {
  const peers: PeerInfo[] = [];
  for (let i = 0; i < peerInfo.length; i++) {
    const osd = peerInfo[i]![0];
    if (osd === whoami) continue;
    peers.push(stampOsd(normalizedPeerInfo(peerInfo[i]![1]), osd));
  }
  peers.push(localAsPeer(whoami, normalizedPGInfo(localInfo)));
  return peers;
}

/** Acting replicas in acting order; an unheard replica counts as empty. */
export function actingReplicaImages(acting: ActingSet, whoami: OsdId, peerInfo: PeerInfoMap): PeerInfo[] {
  const peers: PeerInfo[] = [];
  const osds = acting.osds;
  for (let i = 0; i < osds.length; i++) {
    const osd = osds[i]!;
    if (osd < 0 || osd === whoami) continue;
    const info = lookupPeer(peerInfo, osd);
    peers.push(info === undefined ? emptyPeerInfo(osd) : stampOsd(normalizedPeerInfo(info), osd));
  }
  return peers;
}

export function recoveryTargetsFromPlans(
  peerPlans: readonly PeerRecoveryPlan[],
  localPlan: readonly ObjRecovery[],
  localCommittedSeq: JournalSeq,
  authoritativeSeq: JournalSeq,
  whoami: OsdId,
): OsdSet {
  let targets: OsdSet = EMPTY;
  for (let i = 0; i < peerPlans.length; i++) targets = setAdd(targets, peerPlans[i]!.target);
  if (localPlan.length > 0 || localCommittedSeq < authoritativeSeq) targets = setAdd(targets, whoami);
  return targets;
}

export function imageRecoveryTargets(m: Machine): OsdSet {
  return recoveryTargetsFromPlans(
    m.peerRecoveryPlans,
    m.localRecoveryPlan,
    m.localInfo.committedSeq,
    m.authSeq,
    m.whoami,
  );
}

export function isImageRecoveryTarget(m: Machine, osd: OsdId): boolean {
  return setHas(imageRecoveryTargets(m), osd);
}

// ── Authority refresh ────────────────────────────────────────────────

export function refreshAuthorityFromKnownPeers(m: Machine): void {
  const known = knownPeerImages(m.whoami, m.localInfo, m.peerInfo);
  m.authSeq = authoritativeCommittedSeq(known);
  m.authSources = authoritativeSources(known);
  m.authBlobMeta = EMPTY;
  m.authImage = authorityImageValues(m.authSources);
}

export function refreshRecoveryPlans(m: Machine): void {
  m.peerRecoveryPlans = buildPeerRecoveryPlans(
    m.authSources,
    m.authSeq,
    actingReplicaImages(m.acting, m.whoami, m.peerInfo),
  );
  m.localRecoveryPlan = imageRecoveryGaps(effectiveImage(m.localInfo), m.authSources);
}

export function refreshImageState(m: Machine): void {
  refreshAuthorityFromKnownPeers(m);
  refreshRecoveryPlans(m);
}

// ── Common effects ───────────────────────────────────────────────────

/** Moves to `to`, logging the transition; a no-op when already there. */
export function transitionTo(m: Machine, to: State, reason: string, fx: Effects): void {
  if (m.state === to) return;
  fx.push({ type: 'LogTransition', pgid: m.pgid, from: m.state, to, reason });
  m.state = to;
}

export function persist(m: Machine, fx: Effects): void {
  fx.push({ type: 'PersistState', pgid: m.pgid, info: normalizedPGInfo(m.localInfo) });
}

export function publishStats(m: Machine, fx: Effects): void {
  const image = effectiveImage(m.localInfo);
  fx.push({
    type: 'PublishStats',
    pgid: m.pgid,
    state: m.state,
    committedSeq: m.localInfo.committedSeq,
    authoritativeSeq: m.authSeq,
    committedLength: primaryLength(image),
    image,
    authoritativeImage: m.authImage,
    authoritativeBlobMeta: m.authBlobMeta,
    actingSize: m.acting.osds.length,
    upSize: m.up.osds.length,
  });
}

/** Drops interval-local peering, authority and recovery bookkeeping. */
export function resetPeeringState(m: Machine): void {
  m.peerInfo = EMPTY;
  m.peersQueried = EMPTY;
  m.peersResponded = EMPTY;
  m.timedOutProbes = EMPTY;
  m.priorOsds = EMPTY;
  m.authSeq = 0;
  m.authImage = EMPTY;
  m.authSources = EMPTY;
  m.authBlobMeta = EMPTY;
  m.peerRecoveryPlans = EMPTY;
  m.localRecoveryPlan = EMPTY;
  m.recovered = EMPTY;
  m.needUpThru = false;
  m.activated = false;
  m.pendingActingChange = false;
}

// ── Snapshot conversion ──────────────────────────────────────────────

export function fromSnapshot(s: Snapshot): Machine {
  const localInfo = normalizedPGInfo(s.localInfo);
  const authImage =
    s.authImage.length > 0
      ? s.authImage
      : s.authSources.length > 0
        ? authorityImageValues(s.authSources)
        : primaryImage(s.authLength);
  const m: Machine = {
    state: s.state,
    pgid: s.pgid,
    whoami: s.whoami,
    epoch: s.epoch,
    poolSize: s.poolSize,
    poolMinSize: s.poolMinSize,
    acting: s.acting,
    up: s.up,
    localInfo,
    priorOsds: s.priorOsds,
    peerInfo: normalizedPeerMap(s.peerInfo),
    peersQueried: s.peersQueried,
    peersResponded: s.peersResponded,
    timedOutProbes: s.timedOutProbes,
    authSeq: s.authSeq,
    authImage,
    authSources: s.authSources.length > 0 ? s.authSources : authorityFromImage(s.authOsd, authImage),
    authBlobMeta: s.authBlobMeta,
    peerRecoveryPlans: s.peerRecoveryPlans,
    localRecoveryPlan: s.localRecoveryPlan,
    recovered: s.recovered,
    needUpThru: s.needUpThru,
    activated: s.activated,
    pendingActingChange: s.pendingActingChange,
    lastPeeringReset: s.lastPeeringReset,
  };
  if (m.authSeq === 0) {
    m.authSeq = authoritativeCommittedSeq(knownPeerImages(m.whoami, m.localInfo, m.peerInfo));
  }
  if (
    m.peerRecoveryPlans.length === 0 &&
    m.localRecoveryPlan.length === 0 &&
    (m.authSeq > 0 || m.authImage.length > 0) &&
    s.state !== 'Clean'
  ) {
    refreshRecoveryPlans(m);
  }
  if (m.state === 'Clean') {
    m.peerRecoveryPlans = EMPTY;
    m.localRecoveryPlan = EMPTY;
    m.recovered = EMPTY;
  }
  return m;
}

export function toSnapshot(m: Machine): Snapshot {
  return buildSnapshot(m, undefined);
}

/**
 * `toSnapshot` for a machine read from `before` with `fromSnapshot`, after
 * reducing one event. Derived values are recomputed on every step and often
 * come out equal; those keep `before`'s objects, so consecutive snapshots
 * share them by identity and consumers that cache by identity (the trace
 * encoder, the checks) can skip the work.
 */
export function toSnapshotAfter(m: Machine, before: Snapshot): Snapshot {
  return buildSnapshot(m, before);
}

/** `previous` when it equals `next`, else `next`. */
function keepEqual<T>(previous: T | undefined, next: T, equal: (a: T, b: T) => boolean): T {
  return previous === undefined || previous === next || !equal(previous, next) ? next : previous;
}

function buildSnapshot(m: Machine, before: Snapshot | undefined): Snapshot {
  // `m` was read from `before` by fromSnapshot, which keeps a value's identity
  // only when it is already normalised; such values need no second pass.
  const localInfo = m.localInfo === before?.localInfo ? m.localInfo : normalizedPGInfo(m.localInfo);
  const clean = m.state === 'Clean';
  const recoveryTargets = clean
    ? EMPTY
    : recoveryTargetsFromPlans(m.peerRecoveryPlans, m.localRecoveryPlan, localInfo.committedSeq, m.authSeq, m.whoami);
  return {
    state: m.state,
    pgid: m.pgid,
    whoami: m.whoami,
    epoch: m.epoch,
    acting: m.acting,
    up: m.up,
    poolSize: m.poolSize,
    poolMinSize: m.poolMinSize,
    localInfo: keepEqual(before?.localInfo, localInfo, pgInfoEqual),
    authSeq: m.authSeq,
    authLength: primaryLength(m.authImage),
    authOsd: authorityOsdFor(m.authSources, 0),
    authImage: keepEqual(before?.authImage, m.authImage, imageEqual),
    authSources: keepEqual(before?.authSources, m.authSources, authorityEqual),
    authBlobMeta: keepEqual(before?.authBlobMeta, m.authBlobMeta, sameBlobMetaImage),
    peerInfo: m.peerInfo === before?.peerInfo ? m.peerInfo : normalizedPeerMap(m.peerInfo),
    peersQueried: m.peersQueried,
    peersResponded: keepEqual(before?.peersResponded, m.peersResponded, seqEqual),
    priorOsds: m.priorOsds,
    recoveryTargets: keepEqual(before?.recoveryTargets, recoveryTargets, seqEqual),
    peerRecoveryPlans: keepEqual(before?.peerRecoveryPlans, clean ? EMPTY : m.peerRecoveryPlans, samePlans),
    localRecoveryPlan: keepEqual(before?.localRecoveryPlan, clean ? EMPTY : m.localRecoveryPlan, sameRecoveries),
    recovered: clean ? EMPTY : m.recovered,
    timedOutProbes: m.timedOutProbes,
    needUpThru: m.needUpThru,
    activated: m.activated,
    pendingActingChange: m.pendingActingChange,
    lastPeeringReset: m.lastPeeringReset,
  };
}
