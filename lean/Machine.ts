/**
 * Mirror of upstream `Peering/Machine.lean`: the snapshot, its helpers and
 * the reducer (`step`). Functions keep the Lean names and argument order so
 * the two files read side by side; every list keeps Lean's order (`osdSetInsert`
 * prepends, folds run left to right, `foldr` builds in list order).
 */
import {
  authoritativeBlobMeta,
  authoritativeCommittedSeq,
  authoritativeSources,
  authorityFromPeerInfo,
  authorityImageValues,
  buildPeerRecoveryPlans,
  clampImageTo,
  effectivePeerImage,
  effectivePGImage,
  eraseDups,
  joinImage,
  listMap,
  lookupLength,
  minNat,
  normalizedPeerInfo,
  normalizedPGInfo,
  objectImageSupport,
  pgImageRecoveryPlan,
  primaryImage,
  primaryLength,
} from './Image.js';
import {
  actingContains,
  actingPrimary,
  actingSize,
  emptyActingSet,
  emptyAuthorityImage,
  emptyBlobMetaImage,
  emptyObjectImage,
  peerInfo as makePeerInfo,
  pgInfo,
  withPeerInfo,
  withPGInfo,
  type ActingSet,
  type AdvanceMapEvent,
  type AllReplicasRecoveredEvent,
  type AuthorityImage,
  type BlobMetaImage,
  type Epoch,
  type InitializeEvent,
  type JournalSeq,
  type Nat,
  type ObjectImage,
  type ObjRecovery,
  type OsdId,
  type PeerInfo,
  type PeerInfoReceivedEvent,
  type PeeringEffect,
  type PeeringEvent,
  type PeerQueryTimeoutEvent,
  type PeerRecoveryPlan,
  type PgId,
  type PGInfo,
  type RecoveryCompleteEvent,
  type RecoveryTarget,
  type ReplicaActivateEvent,
  type ReplicaRecoveryCompleteEvent,
  type State,
  type UpThruUpdatedEvent,
} from './Types.js';

/** `Std.TreeMap OsdId PeerInfo compare`: entries sorted by numeric key, one per key. */
export type PeerInfoMap = readonly (readonly [OsdId, PeerInfo])[];

export interface Snapshot {
  readonly state: State;
  readonly pgid: PgId;
  readonly whoami: OsdId;
  readonly epoch: Epoch;
  readonly acting: ActingSet;
  readonly up: ActingSet;
  readonly poolSize: Nat;
  readonly poolMinSize: Nat;
  readonly localInfo: PGInfo;
  readonly authSeq: JournalSeq;
  readonly authImage: ObjectImage;
  readonly authSources: AuthorityImage;
  readonly authBlobMeta: BlobMetaImage;
  readonly peerInfo: PeerInfoMap;
  readonly peersQueried: readonly OsdId[];
  readonly peersResponded: readonly OsdId[];
  readonly priorOsds: readonly OsdId[];
  readonly peerRecoveryPlans: readonly PeerRecoveryPlan[];
  readonly localRecoveryPlan: readonly ObjRecovery[];
  readonly recovered: readonly OsdId[];
  readonly timedOutProbes: readonly OsdId[];
  readonly needUpThru: boolean;
  readonly activated: boolean;
  readonly pendingActingChange: boolean;
  readonly lastPeeringReset: Epoch;
}

/** Lean's `{ snap with … }`, built by one literal like `withPeerInfo` (lean/Types.ts). */
export function withSnapshot(snap: Snapshot, change: Partial<Snapshot>): Snapshot {
  return {
    state: change.state ?? snap.state,
    pgid: change.pgid ?? snap.pgid,
    whoami: change.whoami ?? snap.whoami,
    epoch: change.epoch ?? snap.epoch,
    acting: change.acting ?? snap.acting,
    up: change.up ?? snap.up,
    poolSize: change.poolSize ?? snap.poolSize,
    poolMinSize: change.poolMinSize ?? snap.poolMinSize,
    localInfo: change.localInfo ?? snap.localInfo,
    authSeq: change.authSeq ?? snap.authSeq,
    authImage: change.authImage ?? snap.authImage,
    authSources: change.authSources ?? snap.authSources,
    authBlobMeta: change.authBlobMeta ?? snap.authBlobMeta,
    peerInfo: change.peerInfo ?? snap.peerInfo,
    peersQueried: change.peersQueried ?? snap.peersQueried,
    peersResponded: change.peersResponded ?? snap.peersResponded,
    priorOsds: change.priorOsds ?? snap.priorOsds,
    peerRecoveryPlans: change.peerRecoveryPlans ?? snap.peerRecoveryPlans,
    localRecoveryPlan: change.localRecoveryPlan ?? snap.localRecoveryPlan,
    recovered: change.recovered ?? snap.recovered,
    timedOutProbes: change.timedOutProbes ?? snap.timedOutProbes,
    needUpThru: change.needUpThru ?? snap.needUpThru,
    activated: change.activated ?? snap.activated,
    pendingActingChange: change.pendingActingChange ?? snap.pendingActingChange,
    lastPeeringReset: change.lastPeeringReset ?? snap.lastPeeringReset,
  };
}

/** The default `Snapshot` (`{}` in Lean): where every replay starts. */
export const emptySnapshot: Snapshot = {
  state: 'Initial',
  pgid: 0,
  whoami: -1,
  epoch: 0,
  acting: emptyActingSet,
  up: emptyActingSet,
  poolSize: 0,
  poolMinSize: 0,
  localInfo: pgInfo(),
  authSeq: 0,
  authImage: emptyObjectImage,
  authSources: emptyAuthorityImage,
  authBlobMeta: emptyBlobMetaImage,
  peerInfo: [],
  peersQueried: [],
  peersResponded: [],
  priorOsds: [],
  peerRecoveryPlans: [],
  localRecoveryPlan: [],
  recovered: [],
  timedOutProbes: [],
  needUpThru: false,
  activated: false,
  pendingActingChange: false,
  lastPeeringReset: 0,
};

export interface SnapshotStepResult {
  readonly before: Snapshot;
  readonly after: Snapshot;
  readonly fromState: State;
  readonly toState: State;
  readonly effects: readonly PeeringEffect[];
}

type Reduced = readonly [Snapshot, readonly PeeringEffect[]];

export function isPrimary(snap: Snapshot): boolean {
  return actingPrimary(snap.acting) === snap.whoami;
}

export function isActive(snap: Snapshot): boolean {
  return snap.state === 'Active' || snap.state === 'Recovering' || snap.state === 'Clean' || snap.state === 'ReplicaActive';
}

export function osdNonneg(osd: OsdId): boolean {
  return osd >= 0;
}

export function boolAnd(xs: readonly boolean[]): boolean {
  return xs.every((x) => x);
}

/** Set insertion on a list: new members go to the front. */
export function osdSetInsert(xs: readonly OsdId[], osd: OsdId): readonly OsdId[] {
  return xs.includes(osd) ? xs : [osd, ...xs];
}

export function osdSetUnion(xs: readonly OsdId[], ys: readonly OsdId[]): readonly OsdId[] {
  return ys.reduce(osdSetInsert, xs);
}

export function osdSetEq(xs: readonly OsdId[], ys: readonly OsdId[]): boolean {
  return eraseDups(xs).every((o) => ys.includes(o)) && eraseDups(ys).every((o) => xs.includes(o));
}

// ── PeerInfoMap ──────────────────────────────────────────────────────────

export function lookupPeerInfo(entries: PeerInfoMap, osd: OsdId): PeerInfo | undefined {
  for (const [key, info] of entries) {
    if (key === osd) return info;
    if (key > osd) return undefined;
  }
  return undefined;
}

/** Replaces the entry for `osd` or inserts it in key order. */
export function insertPeerInfo(entries: PeerInfoMap, osd: OsdId, info: PeerInfo): PeerInfoMap {
  const out: (readonly [OsdId, PeerInfo])[] = [];
  let placed = false;
  for (const entry of entries) {
    if (!placed && entry[0] >= osd) {
      out.push([osd, info]);
      placed = true;
      if (entry[0] === osd) continue;
    }
    out.push(entry);
  }
  if (!placed) out.push([osd, info]);
  return out;
}

export function peerInfoEntriesSorted(entries: PeerInfoMap): PeerInfoMap {
  return entries;
}

export function normalizePeerInfoMap(entries: PeerInfoMap): PeerInfoMap {
  let changed = false;
  const out = listMap(entries, (entry) => {
    const info = normalizedPeerInfo(entry[1]);
    if (info === entry[1]) return entry;
    changed = true;
    return [entry[0], info] as const;
  });
  return changed ? out : entries;
}

export function upsertRecoveredPeerInfo(
  entries: PeerInfoMap,
  osd: OsdId,
  authSeq: JournalSeq,
  authImage: ObjectImage,
  authBlobMeta: BlobMetaImage,
): PeerInfoMap {
  const existing = lookupPeerInfo(entries, osd);
  const base = existing === undefined ? makePeerInfo() : normalizedPeerInfo(existing);
  const updated: PeerInfo = withPeerInfo(base, {
    osd,
    committedSeq: authSeq,
    committedLength: primaryLength(authImage),
    blobMeta: authBlobMeta,
    image: authImage,
  });
  return insertPeerInfo(entries, osd, updated);
}

// ── Image predicates ─────────────────────────────────────────────────────

export function prefixImageQ(lhs: ObjectImage, rhs: ObjectImage): boolean {
  return objectImageSupport(lhs).every((obj) => lookupLength(lhs, obj) <= lookupLength(rhs, obj));
}

export function sameImageQ(lhs: ObjectImage, rhs: ObjectImage): boolean {
  return prefixImageQ(lhs, rhs) && prefixImageQ(rhs, lhs);
}

export function authorityImageEmpty(auth: AuthorityImage): boolean {
  return auth.entries.length === 0;
}

export function objectImageEmpty(img: ObjectImage): boolean {
  return img.entries.length === 0;
}

export function recoveryTargetsFromPlans(
  peerPlans: readonly PeerRecoveryPlan[],
  localPlan: readonly ObjRecovery[],
  localCommittedSeq: JournalSeq,
  authoritativeSeq: JournalSeq,
  whoami: OsdId,
): readonly OsdId[] {
  const peerTargets = eraseDups(listMap(peerPlans, (p) => p.target));
  if (localPlan.length === 0 && localCommittedSeq >= authoritativeSeq) return peerTargets;
  return osdSetInsert(peerTargets, whoami);
}

/** Remote peers in key order (never the local entry), then the local info. */
export function knownPeerImages(snap: Snapshot): PeerInfo[] {
  const out: PeerInfo[] = [];
  for (const [osd, info] of snap.peerInfo) {
    if (osd === snap.whoami) continue;
    const normalized = normalizedPeerInfo(info);
    out.push(normalized.osd === osd ? normalized : withPeerInfo(normalized, { osd }));
  }
  const local = normalizedPGInfo(snap.localInfo);
  out.push({
    osd: snap.whoami,
    committedSeq: local.committedSeq,
    committedLength: local.committedLength,
    image: local.image,
    blobMeta: local.blobMeta,
    lastEpochStarted: local.lastEpochStarted,
    lastIntervalStarted: local.lastIntervalStarted,
  });
  return out;
}

/** One entry per acting replica slot, in acting order (duplicates kept). */
export function actingReplicaImages(snap: Snapshot): PeerInfo[] {
  const out: PeerInfo[] = [];
  for (const osd of snap.acting.osds) {
    if (!osdNonneg(osd) || osd === snap.whoami) continue;
    const info = lookupPeerInfo(snap.peerInfo, osd);
    if (info === undefined) {
      out.push({ osd, committedSeq: 0, committedLength: 0, image: emptyObjectImage, blobMeta: emptyBlobMetaImage, lastEpochStarted: 0, lastIntervalStarted: 0 });
      continue;
    }
    const normalized = normalizedPeerInfo(info);
    out.push(normalized.osd === osd ? normalized : withPeerInfo(normalized, { osd }));
  }
  return out;
}

export function refreshAuthorityFromKnownPeers(snap: Snapshot): Snapshot {
  const known = knownPeerImages(snap);
  const authSources = authoritativeSources(known);
  return withSnapshot(snap, {
    authSeq: authoritativeCommittedSeq(known),
    authSources,
    authBlobMeta: authoritativeBlobMeta(known, authSources),
    authImage: authorityImageValues(authSources),
  });
}

export function refreshRecoveryPlansFromCurrentAuthority(snap: Snapshot): Snapshot {
  const localInfo = normalizedPGInfo(snap.localInfo);
  return withSnapshot(snap, {
    peerRecoveryPlans: buildPeerRecoveryPlans(snap.authSources, snap.authSeq, actingReplicaImages(snap)),
    localRecoveryPlan: pgImageRecoveryPlan(snap.authSources, localInfo),
  });
}

export function refreshImageStateFromKnownPeers(snap: Snapshot): Snapshot {
  return refreshRecoveryPlansFromCurrentAuthority(refreshAuthorityFromKnownPeers(snap));
}

export function imageRecoveryTargets(snap: Snapshot): readonly OsdId[] {
  return recoveryTargetsFromPlans(snap.peerRecoveryPlans, snap.localRecoveryPlan, snap.localInfo.committedSeq, snap.authSeq, snap.whoami);
}

export function isImageRecoveryTarget(snap: Snapshot, peer: OsdId): boolean {
  return imageRecoveryTargets(snap).includes(peer);
}

function insertProbe(snap: Snapshot) {
  return (acc: readonly OsdId[], osd: OsdId): readonly OsdId[] => (osdNonneg(osd) && osd !== snap.whoami ? osdSetInsert(acc, osd) : acc);
}

export function buildProbeSet(snap: Snapshot): readonly OsdId[] {
  const add = insertProbe(snap);
  const actingPeers = snap.acting.osds.reduce(add, [] as readonly OsdId[]);
  const upPeers = snap.up.osds.reduce(add, actingPeers);
  return snap.priorOsds.reduce(add, upPeers);
}

export function haveEnoughInfo(snap: Snapshot): boolean {
  return (
    snap.peersQueried.every((osd) => snap.peersResponded.includes(osd)) &&
    snap.acting.osds.every((osd) => (osdNonneg(osd) && osd !== snap.whoami ? snap.peersResponded.includes(osd) : true))
  );
}

export function peerInfoReceivedEnoughInfo(snap: Snapshot, sender: OsdId): boolean {
  return (
    snap.peersQueried.every((osd) => (osd === sender ? true : snap.peersResponded.includes(osd))) &&
    snap.acting.osds.every((osd) => (osdNonneg(osd) && osd !== snap.whoami && osd !== sender ? snap.peersResponded.includes(osd) : true))
  );
}

export function peerInfoReceivedAllowed(snap: Snapshot, sender: OsdId): boolean {
  return (
    snap.peersQueried.includes(sender) ||
    actingContains(snap.acting, sender) ||
    actingContains(snap.up, sender) ||
    snap.priorOsds.includes(sender)
  );
}

export function peerQueryTimeoutEnoughInfo(snap: Snapshot, peer: OsdId): boolean {
  return (
    snap.peersQueried.every((osd) => (osd === peer ? true : snap.peersResponded.includes(osd))) &&
    snap.acting.osds.every((osd) => (osdNonneg(osd) && osd !== snap.whoami && osd !== peer ? snap.peersResponded.includes(osd) : true))
  );
}

export function effectPersist(snap: Snapshot): PeeringEffect {
  return { type: 'PersistState', pgid: snap.pgid, info: normalizedPGInfo(snap.localInfo) };
}

export function effectPublishStats(snap: Snapshot): PeeringEffect {
  const image = effectivePGImage(snap.localInfo);
  return {
    type: 'PublishStats',
    pgid: snap.pgid,
    state: snap.state,
    committedSeq: snap.localInfo.committedSeq,
    authoritativeSeq: snap.authSeq,
    committedLength: primaryLength(image),
    image,
    authoritativeImage: snap.authImage,
    authoritativeBlobMeta: snap.authBlobMeta,
    actingSize: actingSize(snap.acting),
    upSize: actingSize(snap.up),
  };
}

export function transitionTo(snap: Snapshot, newState: State, reason: string): Reduced {
  if (snap.state === newState) return [snap, []];
  return [withSnapshot(snap, { state: newState }), [{ type: 'LogTransition', pgid: snap.pgid, fromState: snap.state, toState: newState, reason }]];
}

export function resetPeeringState(snap: Snapshot): Snapshot {
  return withSnapshot(snap, {
    peerInfo: [],
    peersQueried: [],
    peersResponded: [],
    priorOsds: [],
    authSeq: 0,
    authImage: emptyObjectImage,
    authSources: emptyAuthorityImage,
    authBlobMeta: emptyBlobMetaImage,
    peerRecoveryPlans: [],
    localRecoveryPlan: [],
    recovered: [],
    timedOutProbes: [],
    needUpThru: false,
    activated: false,
    pendingActingChange: false,
  });
}

export function sendQueries(snap: Snapshot): Reduced {
  let acc = snap;
  const fx: PeeringEffect[] = [];
  for (const osd of buildProbeSet(snap)) {
    if (acc.peersResponded.includes(osd) || acc.peersQueried.includes(osd)) continue;
    acc = withSnapshot(acc, { peersQueried: osdSetInsert(acc.peersQueried, osd) });
    fx.push({ type: 'SendQuery', target: osd, pgid: acc.pgid, epoch: acc.epoch });
  }
  return [acc, fx];
}

// ── Activation ───────────────────────────────────────────────────────────

export function tryActivateAvailable(snap: Snapshot): number {
  let count = 0;
  for (const osd of snap.acting.osds) if (osdNonneg(osd) && lookupPeerInfo(snap.peerInfo, osd) !== undefined) count++;
  return count;
}

export function tryActivateClampLocalToAuth(snap: Snapshot): boolean {
  return snap.localInfo.committedSeq >= snap.authSeq && prefixImageQ(snap.authImage, effectivePGImage(snap.localInfo));
}

export function tryActivatePeerTargets(snap: Snapshot): RecoveryTarget[] {
  return listMap(snap.peerRecoveryPlans, (plan) => {
    const info = lookupPeerInfo(snap.peerInfo, plan.target);
    return {
      osd: plan.target,
      peerLength: info === undefined ? 0 : primaryLength(effectivePeerImage(info)),
      authoritativeLength: primaryLength(snap.authImage),
      peerCommittedSeq: info === undefined ? 0 : info.committedSeq,
      authoritativeSeq: snap.authSeq,
      recoveries: plan.recoveries,
    };
  });
}

export function tryActivateLocalTargets(snap: Snapshot): RecoveryTarget[] {
  if (snap.localRecoveryPlan.length === 0 && snap.localInfo.committedSeq >= snap.authSeq) return [];
  return [
    {
      osd: snap.whoami,
      peerLength: primaryLength(effectivePGImage(snap.localInfo)),
      authoritativeLength: primaryLength(snap.authImage),
      peerCommittedSeq: snap.localInfo.committedSeq,
      authoritativeSeq: snap.authSeq,
      recoveries: snap.localRecoveryPlan,
    },
  ];
}

export function tryActivateRecoveryTargets(snap: Snapshot): RecoveryTarget[] {
  return [...tryActivatePeerTargets(snap), ...tryActivateLocalTargets(snap)];
}

export function tryActivateLocalInfo(snap: Snapshot): PGInfo {
  const updated: PGInfo = withPGInfo(snap.localInfo, { lastEpochStarted: snap.epoch, lastIntervalStarted: snap.epoch });
  if (!tryActivateClampLocalToAuth(snap)) return updated;
  return withPGInfo(updated, {
    image: snap.authImage,
    blobMeta: snap.authBlobMeta,
    committedSeq: snap.authSeq,
    committedLength: primaryLength(snap.authImage),
  });
}

export function tryActivatePreparedSnap(snap: Snapshot): Snapshot {
  return refreshImageStateFromKnownPeers(withSnapshot(snap, { localInfo: tryActivateLocalInfo(snap) }));
}

export function tryActivate(start: Snapshot): Reduced {
  if (start.pendingActingChange) return [start, []];
  const available = tryActivateAvailable(start);
  if (available < start.poolMinSize) {
    const [down, fx] = transitionTo(start, 'Down', 'min_size check failed at activation');
    return [down, [...fx, effectPublishStats(down)]];
  }
  const activateReplicas = start.acting.osds.filter((osd) => osdNonneg(osd) && osd !== start.whoami);
  const recoveryTargets = tryActivateRecoveryTargets(start);
  const [snap, transitionFx] = transitionTo(tryActivatePreparedSnap(start), 'Active', 'peering complete');
  const activateFx: PeeringEffect[] = listMap(activateReplicas, (osd) => ({
    type: 'SendActivate',
    target: osd,
    pgid: snap.pgid,
    authInfo: {
      osd: snap.whoami,
      committedSeq: snap.authSeq,
      committedLength: primaryLength(snap.authImage),
      image: snap.authImage,
      blobMeta: snap.authBlobMeta,
      lastEpochStarted: snap.epoch,
      lastIntervalStarted: snap.epoch,
    },
    authSources: snap.authSources,
    authBlobMeta: snap.authBlobMeta,
    authoritativeSeq: snap.authSeq,
    activationEpoch: snap.epoch,
  }));
  const baseFx: PeeringEffect[] = [
    ...transitionFx,
    ...activateFx,
    {
      type: 'ActivatePG',
      pgid: snap.pgid,
      authoritativeSeq: snap.authSeq,
      authoritativeLength: primaryLength(snap.authImage),
      authoritativeImage: snap.authImage,
      authoritativeBlobMeta: snap.authBlobMeta,
      activationEpoch: snap.epoch,
    },
    effectPersist(snap),
    effectPublishStats(snap),
  ];
  if (recoveryTargets.length === 0) {
    const [clean, cleanFx] = transitionTo(snap, 'Clean', 'all replicas up to date');
    return [clean, [...baseFx, ...cleanFx, { type: 'MarkClean', pgid: clean.pgid }]];
  }
  const [recovering, recoveringFx] = transitionTo(snap, 'Recovering', 'replicas need recovery');
  return [recovering, [...baseFx, ...recoveringFx, { type: 'ScheduleRecovery', pgid: recovering.pgid, targets: recoveryTargets }]];
}

// ── Choosing the acting set ──────────────────────────────────────────────

export function prepareChooseActing(snap: Snapshot): Snapshot {
  return refreshImageStateFromKnownPeers(withSnapshot(snap, { localInfo: normalizedPGInfo(snap.localInfo), peerInfo: normalizePeerInfoMap(snap.peerInfo) }));
}

export function chooseActingPriorTimedOut(snap: Snapshot): boolean {
  return snap.timedOutProbes.some((osd) => snap.priorOsds.includes(osd) && lookupPeerInfo(snap.peerInfo, osd) === undefined);
}

export function chooseActingDesiredPrimary(snap: Snapshot): OsdId {
  return actingPrimary(snap.acting) ?? snap.whoami;
}

export function chooseActingPeerOrder(snap: Snapshot): readonly OsdId[] {
  return [...snap.acting.osds, ...snap.up.osds, ...snap.priorOsds];
}

type WantAcc = readonly [readonly OsdId[], readonly OsdId[]];

export function chooseActingAddPeer(snap: Snapshot, acc: WantAcc, osd: OsdId): WantAcc {
  const [want, inWant] = acc;
  if (!osdNonneg(osd) || inWant.includes(osd) || want.length >= snap.poolSize) return acc;
  if (lookupPeerInfo(snap.peerInfo, osd) === undefined) return acc;
  return [[...want, osd], osdSetInsert(inWant, osd)];
}

export function chooseActingIsCompletePeer(snap: Snapshot, osd: OsdId): boolean {
  const info = lookupPeerInfo(snap.peerInfo, osd);
  return info !== undefined && info.committedSeq >= snap.authSeq && sameImageQ(effectivePeerImage(info), snap.authImage);
}

export function chooseActingSeedWant(snap: Snapshot): readonly OsdId[] {
  return [chooseActingDesiredPrimary(snap)];
}

export function chooseActingSeedSeen(snap: Snapshot): readonly OsdId[] {
  return [chooseActingDesiredPrimary(snap)];
}

export function chooseActingCompletePass(snap: Snapshot): WantAcc {
  let acc: WantAcc = [chooseActingSeedWant(snap), chooseActingSeedSeen(snap)];
  for (const osd of chooseActingPeerOrder(snap)) if (chooseActingIsCompletePeer(snap, osd)) acc = chooseActingAddPeer(snap, acc, osd);
  return acc;
}

export function chooseActingWantActing(snap: Snapshot): readonly OsdId[] {
  let acc = chooseActingCompletePass(snap);
  for (const osd of chooseActingPeerOrder(snap)) acc = chooseActingAddPeer(snap, acc, osd);
  return acc[0];
}

export function chooseActingAvailable(snap: Snapshot): number {
  return chooseActingWantActing(snap).length;
}

export function chooseActingNeedActingChange(snap: Snapshot): boolean {
  return chooseActingWantActing(snap).some((osd) => !actingContains(snap.acting, osd));
}

export function chooseActing(input: Snapshot): Reduced {
  const snap = prepareChooseActing(input);
  const known = knownPeerImages(snap);
  if (known.length === 0) {
    const [s, fx] = transitionTo(snap, 'Incomplete', 'no valid peer info');
    return [s, [...fx, effectPublishStats(s)]];
  }
  if (chooseActingPriorTimedOut(snap)) {
    const [s, fx] = transitionTo(snap, 'Down', 'prior-interval probe timed out');
    return [s, [...fx, effectPublishStats(s)]];
  }
  const wantActing = chooseActingWantActing(snap);
  const available = chooseActingAvailable(snap);
  if (available < snap.poolMinSize) {
    const [s, fx] =
      available === 0 ? transitionTo(snap, 'Incomplete', 'no peers available') : transitionTo(snap, 'Down', 'insufficient peers for min_size');
    return [s, [...fx, effectPublishStats(s)]];
  }
  if (chooseActingNeedActingChange(snap)) {
    return [withSnapshot(snap, { pendingActingChange: true }), [{ type: 'RequestActingChange', pgid: snap.pgid, wantActing }]];
  }
  if (snap.localInfo.lastIntervalStarted < snap.epoch) {
    const [s, fx] = transitionTo(withSnapshot(snap, { pendingActingChange: false, needUpThru: true }), 'WaitUpThru', 'need up_thru');
    return [s, [...fx, { type: 'RequestUpThru', epoch: s.epoch }]];
  }
  return tryActivate(withSnapshot(snap, { pendingActingChange: false }));
}

// ── Starting peering as primary ──────────────────────────────────────────

export function startPeeringPrimaryPrior(snap: Snapshot, priorOsds: readonly OsdId[]): readonly OsdId[] {
  return priorOsds.reduce(insertProbe(snap), [] as readonly OsdId[]);
}

export function startPeeringPrimaryEntered(snap: Snapshot, priorOsds: readonly OsdId[]): Reduced {
  return transitionTo(withSnapshot(snap, { priorOsds: startPeeringPrimaryPrior(snap, priorOsds) }), 'GetPeerInfo', 'start peering as primary');
}

export function startPeeringPrimarySelfInfo(snap: Snapshot, priorOsds: readonly OsdId[]): PeerInfo {
  const entered = startPeeringPrimaryEntered(snap, priorOsds)[0];
  return {
    osd: entered.whoami,
    committedSeq: entered.localInfo.committedSeq,
    committedLength: entered.localInfo.committedLength,
    image: effectivePGImage(entered.localInfo),
    blobMeta: entered.localInfo.blobMeta,
    lastEpochStarted: entered.localInfo.lastEpochStarted,
    lastIntervalStarted: entered.localInfo.lastIntervalStarted,
  };
}

export function startPeeringPrimaryRefreshedSnap(snap: Snapshot, priorOsds: readonly OsdId[]): Snapshot {
  const entered = startPeeringPrimaryEntered(snap, priorOsds)[0];
  return refreshImageStateFromKnownPeers(withSnapshot(entered, {
    peerInfo: insertPeerInfo(entered.peerInfo, entered.whoami, startPeeringPrimarySelfInfo(snap, priorOsds)),
    peersResponded: osdSetInsert(entered.peersResponded, entered.whoami),
  }));
}

export function startPeeringPrimaryQueried(snap: Snapshot, priorOsds: readonly OsdId[]): Reduced {
  const entered = startPeeringPrimaryEntered(snap, priorOsds);
  const [queried, queryFx] = sendQueries(startPeeringPrimaryRefreshedSnap(snap, priorOsds));
  return [queried, [...entered[1], ...queryFx]];
}

export function startPeeringPrimary(start: Snapshot, priorOsds: readonly OsdId[]): Reduced {
  const [snap, fx] = startPeeringPrimaryQueried(start, priorOsds);
  if (!haveEnoughInfo(snap)) return [snap, fx];
  const [chosen, chooseFx] = chooseActing(snap);
  return [chosen, [...fx, ...chooseFx]];
}

// ── Event handlers ───────────────────────────────────────────────────────

export function onInitialize(snap: Snapshot, e: InitializeEvent): Reduced {
  const fresh: Snapshot = withSnapshot(emptySnapshot, {
    state: snap.state,
    pgid: e.pgid,
    whoami: e.whoami,
    epoch: e.epoch,
    acting: e.acting,
    up: e.up,
    poolSize: e.poolSize,
    poolMinSize: e.poolMinSize,
    localInfo: normalizedPGInfo(e.localInfo),
  });
  const base: Snapshot = withSnapshot(refreshImageStateFromKnownPeers(resetPeeringState(fresh)), { lastPeeringReset: e.epoch });
  const [next, fx] =
    actingPrimary(e.acting) === e.whoami
      ? startPeeringPrimary(base, e.priorOsds)
      : transitionTo(base, 'Stray', actingContains(e.acting, e.whoami) ? 'initialize as replica' : 'initialize as stray');
  return [next, [...fx, { type: 'UpdateHeartbeats', peers: next.acting.osds }]];
}

export function peerInfoReceivedInfo(e: PeerInfoReceivedEvent): PeerInfo {
  return normalizedPeerInfo(withPeerInfo(e.info, { osd: e.sender }));
}

export function replicaActivatePeerInfo(e: ReplicaActivateEvent): PeerInfo {
  return normalizedPeerInfo(withPeerInfo(e.authInfo, { osd: e.sender }));
}

export function peerInfoReceivedRefreshedSnap(snap: Snapshot, e: PeerInfoReceivedEvent): Snapshot {
  return refreshImageStateFromKnownPeers(withSnapshot(snap, {
    peerInfo: insertPeerInfo(snap.peerInfo, e.sender, peerInfoReceivedInfo(e)),
    peersResponded: osdSetInsert(snap.peersResponded, e.sender),
  }));
}

/** Stores the reply and refreshes authority in any state; only then looks at the state. */
export function onPeerInfoReceived(start: Snapshot, e: PeerInfoReceivedEvent): Reduced {
  if (!peerInfoReceivedAllowed(start, e.sender)) return [start, []];
  if (e.queryEpoch > 0 && e.queryEpoch < start.lastPeeringReset) return [start, []];
  const snap = peerInfoReceivedRefreshedSnap(start, e);
  if (snap.state === 'Down' || snap.state === 'Incomplete' || snap.state === 'WaitUpThru') return chooseActing(snap);
  if (snap.state !== 'GetPeerInfo') return [snap, []];
  return peerInfoReceivedEnoughInfo(snap, e.sender) ? chooseActing(snap) : [snap, []];
}

export function onPeerQueryTimeout(snap: Snapshot, e: PeerQueryTimeoutEvent): Reduced {
  if (snap.state !== 'GetPeerInfo') return [snap, []];
  const enoughInfo = peerQueryTimeoutEnoughInfo(snap, e.peer);
  const next: Snapshot = withSnapshot(snap, {
    peersResponded: osdSetInsert(snap.peersResponded, e.peer),
    timedOutProbes: osdSetInsert(snap.timedOutProbes, e.peer),
  });
  return enoughInfo ? chooseActing(next) : [next, []];
}

export function onUpThruUpdated(snap: Snapshot, e: UpThruUpdatedEvent): Reduced {
  if (snap.state !== 'WaitUpThru' || e.epoch !== snap.epoch) return [snap, []];
  const localInfo = snap.localInfo.lastIntervalStarted < snap.epoch ? withPGInfo(snap.localInfo, { lastIntervalStarted: snap.epoch }) : snap.localInfo;
  return tryActivate(withSnapshot(snap, { needUpThru: false, localInfo }));
}

export function onActivateCommitted(snap: Snapshot): Reduced {
  if (!isActive(snap)) return [snap, []];
  const next = withSnapshot(snap, { activated: true });
  return [next, [effectPersist(next)]];
}

function adoptAuthority(info: PGInfo, snap: Snapshot): PGInfo {
  return withPGInfo(info, { image: snap.authImage, blobMeta: snap.authBlobMeta, committedSeq: snap.authSeq, committedLength: primaryLength(snap.authImage) });
}

export function onRecoveryComplete(start: Snapshot, e: RecoveryCompleteEvent): Reduced {
  if (start.state !== 'Recovering') return [start, []];
  if (e.epoch < start.lastPeeringReset || !isImageRecoveryTarget(start, e.peer)) return [start, []];
  const completed = osdSetInsert(start.recovered, e.peer);
  const peerInfo = upsertRecoveredPeerInfo(start.peerInfo, e.peer, start.authSeq, start.authImage, start.authBlobMeta);
  const localInfo = e.peer === start.whoami ? adoptAuthority(start.localInfo, start) : start.localInfo;
  const snap = refreshImageStateFromKnownPeers(withSnapshot(start, { peerInfo, localInfo, recovered: completed }));
  if (imageRecoveryTargets(snap).length !== 0) return [snap, []];
  const [clean, fx] = transitionTo(withSnapshot(snap, { recovered: [] }), 'Clean', 'all replicas recovered');
  return [clean, [...fx, { type: 'MarkClean', pgid: clean.pgid }, effectPersist(clean), effectPublishStats(clean)]];
}

export function onAllReplicasRecovered(start: Snapshot, e: AllReplicasRecoveredEvent): Reduced {
  if (start.state !== 'Recovering' && start.state !== 'Active') return [start, []];
  if (e.epoch < start.lastPeeringReset) return [start, []];
  if (!e.peers.every((peer) => isImageRecoveryTarget(start, peer))) return [start, []];
  const completed = osdSetUnion(start.recovered, e.peers);
  if (!osdSetEq(completed, imageRecoveryTargets(start))) return [start, []];
  const peerInfo = e.peers.reduce(
    (entries, peer) => upsertRecoveredPeerInfo(entries, peer, start.authSeq, start.authImage, start.authBlobMeta),
    start.peerInfo,
  );
  const localInfo = adoptAuthority(start.localInfo, start);
  const snap = refreshImageStateFromKnownPeers(withSnapshot(start, { peerInfo, localInfo, recovered: completed }));
  if (imageRecoveryTargets(snap).length !== 0) return [snap, []];
  const [clean, fx] = transitionTo(withSnapshot(snap, { recovered: [] }), 'Clean', 'all replicas recovered (batch)');
  return [clean, [...fx, { type: 'MarkClean', pgid: clean.pgid }, effectPersist(clean), effectPublishStats(clean)]];
}

export function onReplicaActivate(start: Snapshot, e: ReplicaActivateEvent): Reduced {
  if (start.state !== 'Stray' && start.state !== 'ReplicaActive') return [start, []];
  if (!actingContains(start.acting, start.whoami)) return [start, []];
  if (e.activationEpoch !== start.epoch || e.sender !== (actingPrimary(start.acting) ?? -1)) return [start, []];
  const authInfo = replicaActivatePeerInfo(e);
  const authSeq = e.authoritativeSeq > 0 ? e.authoritativeSeq : authInfo.committedSeq;
  const authSources = authorityImageEmpty(e.authSources) ? authorityFromPeerInfo(authInfo) : e.authSources;
  const authBlobMeta = e.authBlobMeta;
  const authImage = authorityImageEmpty(authSources) ? authInfo.image : authorityImageValues(authSources);
  const local = start.localInfo;
  const advanceHistory = authSeq <= local.committedSeq && prefixImageQ(authImage, effectivePGImage(local));
  const localImage = clampImageTo(authImage, effectivePGImage(local));
  const localCommittedSeq = advanceHistory ? authSeq : minNat(local.committedSeq, authSeq);
  const localInfo: PGInfo = withPGInfo(local, {
    image: localImage,
    blobMeta: authBlobMeta,
    committedSeq: localCommittedSeq,
    committedLength: primaryLength(localImage),
    lastEpochStarted: advanceHistory ? e.activationEpoch : local.lastEpochStarted,
    lastIntervalStarted: advanceHistory ? e.activationEpoch : local.lastIntervalStarted,
  });
  const refreshed: Snapshot = withSnapshot(refreshAuthorityFromKnownPeers(withSnapshot(start, { peerInfo: insertPeerInfo(start.peerInfo, e.sender, authInfo), localInfo })), {
    authBlobMeta,
  });
  const [snap, fx] = transitionTo(refreshRecoveryPlansFromCurrentAuthority(refreshed), 'ReplicaActive', 'activated by primary');
  return [snap, [...fx, effectPersist(snap), effectPublishStats(snap)]];
}

export function onReplicaRecoveryComplete(start: Snapshot, e: ReplicaRecoveryCompleteEvent): Reduced {
  if (start.state !== 'ReplicaActive') return [start, []];
  if (e.activationEpoch < start.lastPeeringReset) return [start, []];
  const recoveredImage = objectImageEmpty(e.recoveredImage) && e.newCommittedLength > 0 ? primaryImage(e.newCommittedLength) : e.recoveredImage;
  const localImage = effectivePGImage(start.localInfo);
  const merged = joinImage(localImage, recoveredImage);
  const clamped = clampImageTo(start.authImage, merged);
  const recoveredSeq =
    e.newCommittedSeq === 0 && !objectImageEmpty(recoveredImage) && sameImageQ(recoveredImage, start.authImage) ? start.authSeq : e.newCommittedSeq;
  if (!prefixImageQ(localImage, clamped)) return [start, []];
  if (e.activationEpoch < start.localInfo.lastEpochStarted) return [start, []];
  if (recoveredSeq < start.localInfo.committedSeq || recoveredSeq > start.authSeq) return [start, []];
  const snap = refreshRecoveryPlansFromCurrentAuthority(withSnapshot(start, {
    localInfo: withPGInfo(start.localInfo, {
      image: clamped,
      blobMeta: start.authBlobMeta,
      committedSeq: recoveredSeq,
      committedLength: primaryLength(clamped),
      lastEpochStarted: e.activationEpoch,
      lastIntervalStarted: e.activationEpoch,
    }),
  }));
  return [snap, [effectPersist(snap), effectPublishStats(snap)]];
}

// ── AdvanceMap ───────────────────────────────────────────────────────────

function sameOsdList(a: readonly OsdId[], b: readonly OsdId[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function advanceMapNewInterval(snap: Snapshot, e: AdvanceMapEvent): boolean {
  return !sameOsdList(e.newActing.osds, snap.acting.osds) || !sameOsdList(e.newUp.osds, snap.up.osds);
}

export function advanceMapPoolParamsChanged(snap: Snapshot, e: AdvanceMapEvent): boolean {
  return e.newPoolSize !== snap.poolSize || e.newPoolMinSize !== snap.poolMinSize;
}

export function advanceMapNextIsPrimary(snap: Snapshot, e: AdvanceMapEvent): boolean {
  return actingPrimary(e.newActing) === snap.whoami;
}

export function advanceMapNextContainsSelf(snap: Snapshot, e: AdvanceMapEvent): boolean {
  return actingContains(e.newActing, snap.whoami);
}

export function advanceMapAvailable(snap: Snapshot, acting: ActingSet): number {
  let available = 0;
  for (const osd of acting.osds) if (osdNonneg(osd) && lookupPeerInfo(snap.peerInfo, osd) !== undefined) available++;
  return available;
}

export function advanceMapIntervalBase(snap: Snapshot, e: AdvanceMapEvent): Snapshot {
  return withSnapshot(snap, { epoch: e.newEpoch, acting: e.newActing, up: e.newUp });
}

export function advanceMapPoolBase(snap: Snapshot, e: AdvanceMapEvent): Snapshot {
  return withSnapshot(advanceMapIntervalBase(snap, e), { poolSize: e.newPoolSize, poolMinSize: e.newPoolMinSize });
}

export function advanceMapRestartBase(snap: Snapshot, e: AdvanceMapEvent): Snapshot {
  return withSnapshot(resetPeeringState(advanceMapPoolBase(snap, e)), { lastPeeringReset: e.newEpoch });
}

export function advanceMapRetryChooseActing(snap: Snapshot, e: AdvanceMapEvent): boolean {
  return snap.pendingActingChange && advanceMapNextIsPrimary(snap, e) && (snap.state === 'GetPeerInfo' || snap.state === 'WaitUpThru');
}

export function advanceMapPoolChangePrimaryActive(snap: Snapshot, e: AdvanceMapEvent): boolean {
  return advanceMapNextIsPrimary(snap, e) && isActive(advanceMapIntervalBase(snap, e));
}

export function advanceMapPoolChangeBelowMinSize(snap: Snapshot, e: AdvanceMapEvent): boolean {
  return advanceMapAvailable(snap, e.newActing) < e.newPoolMinSize;
}

export function advanceMapPoolChangeRetryChoose(snap: Snapshot, e: AdvanceMapEvent): boolean {
  return advanceMapNextIsPrimary(snap, e) && (snap.state === 'Down' || snap.state === 'Incomplete') && snap.poolMinSize > e.newPoolMinSize;
}

export function advanceMapMinSizeDecreased(snap: Snapshot, e: AdvanceMapEvent): boolean {
  return snap.poolMinSize > e.newPoolMinSize;
}

export function onAdvanceMap(snap: Snapshot, e: AdvanceMapEvent): Reduced {
  const newInterval = advanceMapNewInterval(snap, e);
  const poolParamsChanged = advanceMapPoolParamsChanged(snap, e);
  const nextIsPrimary = advanceMapNextIsPrimary(snap, e);
  const nextContainsSelf = advanceMapNextContainsSelf(snap, e);
  if (!newInterval && !poolParamsChanged) {
    const base = advanceMapIntervalBase(snap, e);
    return advanceMapRetryChooseActing(snap, e) ? chooseActing(base) : [base, [effectPublishStats(base)]];
  }
  if (!newInterval && poolParamsChanged) {
    if (advanceMapPoolChangePrimaryActive(snap, e)) {
      if (advanceMapPoolChangeBelowMinSize(snap, e)) {
        const poolBase = advanceMapPoolBase(snap, e);
        const recoveryFx: PeeringEffect[] = snap.state === 'Recovering' ? [{ type: 'CancelRecovery', pgid: snap.pgid }] : [];
        const deactivateFx: PeeringEffect[] = [{ type: 'DeactivatePG', pgid: snap.pgid }];
        const [down, transitionFx] = transitionTo(poolBase, 'Down', 'min_size increased, insufficient peers');
        const fx = [...recoveryFx, ...deactivateFx, ...transitionFx, effectPublishStats(down)];
        if (!advanceMapMinSizeDecreased(snap, e)) return [down, fx];
        const [chosen, chooseFx] = chooseActing(down);
        return [chosen, [...fx, ...chooseFx]];
      }
      if (advanceMapPoolChangeRetryChoose(snap, e)) return chooseActing(advanceMapPoolBase(snap, e));
      return [advanceMapPoolBase(snap, e), []];
    }
    if (advanceMapPoolChangeRetryChoose(snap, e)) return chooseActing(advanceMapPoolBase(snap, e));
    return [advanceMapPoolBase(snap, e), []];
  }
  const restart = advanceMapRestartBase(snap, e);
  const recoveryFx: PeeringEffect[] = snap.state === 'Recovering' ? [{ type: 'CancelRecovery', pgid: snap.pgid }] : [];
  const deactivateFx: PeeringEffect[] = isActive(snap) ? [{ type: 'DeactivatePG', pgid: snap.pgid }] : [];
  const [next, fx] = nextIsPrimary
    ? startPeeringPrimary(restart, e.priorOsds)
    : transitionTo(refreshImageStateFromKnownPeers(restart), 'Stray', nextContainsSelf ? 'new interval, replica' : 'new interval, stray');
  return [next, [...recoveryFx, ...deactivateFx, ...fx, { type: 'UpdateHeartbeats', peers: next.acting.osds }]];
}

export function onDeleteStart(snap: Snapshot): Reduced {
  const baseFx: PeeringEffect[] = [
    ...(isActive(snap) ? [{ type: 'DeactivatePG', pgid: snap.pgid } as const] : []),
    ...(snap.state === 'Recovering' ? [{ type: 'CancelRecovery', pgid: snap.pgid } as const] : []),
  ];
  const [next, fx] = transitionTo(snap, 'Deleting', 'delete requested');
  return [next, [...baseFx, ...fx, { type: 'DeletePG', pgid: next.pgid }]];
}

export function reduceValidated(snap: Snapshot, event: PeeringEvent): Reduced {
  switch (event.type) {
    case 'Initialize':
      return onInitialize(snap, event);
    case 'AdvanceMap':
      return onAdvanceMap(snap, event);
    case 'PeerInfoReceived':
      return onPeerInfoReceived(snap, event);
    case 'PeerQueryTimeout':
      return onPeerQueryTimeout(snap, event);
    case 'UpThruUpdated':
      return onUpThruUpdated(snap, event);
    case 'ActivateCommitted':
      return onActivateCommitted(snap);
    case 'RecoveryComplete':
      return onRecoveryComplete(snap, event);
    case 'AllReplicasRecovered':
      return onAllReplicasRecovered(snap, event);
    case 'ReplicaActivate':
      return onReplicaActivate(snap, event);
    case 'ReplicaRecoveryComplete':
      return onReplicaRecoveryComplete(snap, event);
    case 'DeleteStart':
      return onDeleteStart(snap);
    case 'DeleteComplete':
      return [snap, []];
  }
}

export function isFreshEpoch(reset: Epoch, msgEpoch: Epoch): boolean {
  return msgEpoch === 0 || msgEpoch >= reset;
}

/** Drops messages stamped before the last peering reset (epoch 0 means unstamped). */
export function validateEvent(reset: Epoch, event: PeeringEvent): PeeringEvent | null {
  switch (event.type) {
    case 'PeerInfoReceived':
      return isFreshEpoch(reset, event.queryEpoch) ? event : null;
    case 'RecoveryComplete':
    case 'AllReplicasRecovered':
      return isFreshEpoch(reset, event.epoch) ? event : null;
    case 'ReplicaActivate':
    case 'ReplicaRecoveryComplete':
      return isFreshEpoch(reset, event.activationEpoch) ? event : null;
    default:
      return event;
  }
}

export function stepWithValidated(snapshot: Snapshot, validated: PeeringEvent): SnapshotStepResult {
  const [after, effects] = reduceValidated(snapshot, validated);
  return { before: snapshot, after, fromState: snapshot.state, toState: after.state, effects };
}

export function step(snapshot: Snapshot, event: PeeringEvent): SnapshotStepResult {
  const validated = validateEvent(snapshot.lastPeeringReset, event);
  if (validated === null) return { before: snapshot, after: snapshot, fromState: snapshot.state, toState: snapshot.state, effects: [] };
  return stepWithValidated(snapshot, validated);
}

export function stepTrace(snapshot: Snapshot, events: readonly PeeringEvent[]): Snapshot {
  return events.reduce((snap, event) => step(snap, event).after, snapshot);
}
