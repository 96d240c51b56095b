/**
 * Schema-validated trace JSON to reducer values. Images become ordered maps
 * (a repeated object id keeps its last entry, as `std::map` assignment
 * would); optional members that upstream's Lean parser defaults are
 * defaulted the same way.
 */
import {
  authorityOsdFor,
  mapFromEntries,
  primaryLength,
  recoveryTargetsFromPlans,
  setFrom,
  type ActingSet,
  type AuthorityImage,
  type BlobMetaImage,
  type ObjectImage,
  type ObjRecovery,
  type OsdId,
  type PeeringEvent,
  type PeerInfo,
  type PeerRecoveryPlan,
  type PGInfo,
  type Snapshot,
  type State,
  type U64,
} from '../../reducer/index.js';
import type { JsonObject, JsonValue } from './json-lossless.js';

type J = JsonObject;

const u64 = (v: JsonValue | undefined): U64 => v as U64;
const num = (v: JsonValue | undefined): number => v as number;
const obj = (v: JsonValue | undefined): J => v as J;
const list = (v: JsonValue | undefined): J[] => (v ?? []) as J[];
const osds = (v: JsonValue | undefined): OsdId[] => (v ?? []) as OsdId[];

export function decodeImage(v: JsonValue | undefined): ObjectImage {
  return mapFromEntries(list(v).map((e) => [u64(e.obj), u64(e.len)] as const));
}

function decodeAuthority(v: JsonValue | undefined): AuthorityImage {
  return mapFromEntries(list(v).map((e) => [u64(e.obj), { osd: num(e.osd), length: u64(e.len) }] as const));
}

function decodeBlobMeta(v: JsonValue | undefined): BlobMetaImage {
  return mapFromEntries(
    list(v).map((e) => [u64(e.obj), { sealed: e.sealed as boolean, finalLen: e.final_len === undefined || e.final_len === null ? undefined : u64(e.final_len) }] as const),
  );
}

function decodeActing(v: JsonValue | undefined): ActingSet {
  const j = obj(v);
  return { osds: osds(j.osds), epoch: num(j.epoch) };
}

export function decodePeerInfo(v: JsonValue | undefined): PeerInfo {
  const j = obj(v);
  return {
    osd: num(j.osd),
    committedSeq: u64(j.committed_seq),
    committedLength: u64(j.committed_length),
    image: decodeImage(j.image),
    blobMeta: decodeBlobMeta(j.blob_meta),
    lastEpochStarted: num(j.last_epoch_started),
    lastIntervalStarted: num(j.last_interval_started),
  };
}

export function decodePGInfo(v: JsonValue | undefined): PGInfo {
  const j = obj(v);
  return {
    pgid: u64(j.pgid),
    committedSeq: u64(j.committed_seq),
    committedLength: u64(j.committed_length),
    image: decodeImage(j.image),
    blobMeta: decodeBlobMeta(j.blob_meta),
    lastEpochStarted: num(j.last_epoch_started),
    lastIntervalStarted: num(j.last_interval_started),
    lastEpochClean: num(j.last_epoch_clean),
    epochCreated: num(j.epoch_created),
    sameIntervalSince: num(j.same_interval_since),
    sameUpSince: num(j.same_up_since),
    samePrimarySince: num(j.same_primary_since),
  };
}

function decodeRecoveries(v: JsonValue | undefined): ObjRecovery[] {
  return list(v).map((r) => ({
    obj: u64(r.obj),
    source: num(r.source),
    fromLength: u64(r.from_length),
    toLength: u64(r.to_length),
  }));
}

function decodePlans(v: JsonValue | undefined): PeerRecoveryPlan[] {
  return list(v).map((p) => ({
    target: num(p.target),
    peerCommittedSeq: u64(p.peer_committed_seq),
    authoritativeSeq: u64(p.authoritative_seq),
    recoveries: decodeRecoveries(p.recoveries),
  }));
}

export function decodeEvent(v: JsonValue): PeeringEvent {
  const j = obj(v);
  const type = j.type as PeeringEvent['type'];
  switch (type) {
    case 'Initialize':
      return {
        type,
        pgid: u64(j.pgid),
        whoami: num(j.whoami),
        epoch: num(j.epoch),
        acting: decodeActing(j.acting),
        up: decodeActing(j.up),
        poolSize: num(j.pool_size),
        poolMinSize: num(j.pool_min_size),
        localInfo: decodePGInfo(j.local_info),
        priorOsds: osds(j.prior_osds),
      };
    case 'AdvanceMap':
      return {
        type,
        newEpoch: num(j.new_epoch),
        newActing: decodeActing(j.new_acting),
        newUp: decodeActing(j.new_up),
        newPoolSize: num(j.new_pool_size),
        newPoolMinSize: num(j.new_pool_min_size),
        priorOsds: osds(j.prior_osds),
      };
    case 'PeerInfoReceived':
      return { type, from: num(j.from), info: decodePeerInfo(j.info), queryEpoch: num(j.query_epoch) };
    case 'PeerQueryTimeout':
      return { type, peer: num(j.peer) };
    case 'UpThruUpdated':
      return { type, epoch: num(j.epoch) };
    case 'RecoveryComplete':
      return { type, peer: num(j.peer), epoch: num(j.epoch) };
    case 'AllReplicasRecovered':
      return { type, epoch: num(j.epoch), peers: osds(j.peers) };
    case 'ReplicaActivate':
      return {
        type,
        from: num(j.from),
        authInfo: decodePeerInfo(j.auth_info),
        authSources: decodeAuthority(j.auth_sources),
        authBlobMeta: decodeBlobMeta(j.auth_blob_meta),
        authoritativeSeq: u64(j.authoritative_seq),
        activationEpoch: num(j.activation_epoch),
      };
    case 'ReplicaRecoveryComplete':
      return {
        type,
        newCommittedSeq: u64(j.new_committed_seq),
        newCommittedLength: u64(j.new_committed_length),
        recoveredImage: decodeImage(j.recovered_image),
        activationEpoch: num(j.activation_epoch),
      };
    case 'ActivateCommitted':
    case 'DeleteStart':
    case 'DeleteComplete':
      return { type };
  }
}

/** A trace snapshot as a reducer snapshot (derived summaries recomputed). */
export function decodeSnapshot(v: JsonValue): Snapshot {
  const j = obj(v);
  const authImage = decodeImage(j.auth_image);
  const authSources = decodeAuthority(j.auth_sources);
  const localInfo = decodePGInfo(j.local_info);
  const peerRecoveryPlans = decodePlans(j.peer_recovery_plans);
  const localRecoveryPlan = decodeRecoveries(j.local_recovery_plan);
  const whoami = num(j.whoami);
  const authSeq = u64(j.auth_seq);
  return {
    state: j.state as State,
    pgid: u64(j.pgid),
    whoami,
    epoch: num(j.epoch),
    acting: decodeActing(j.acting),
    up: decodeActing(j.up),
    poolSize: num(j.pool_size),
    poolMinSize: num(j.pool_min_size),
    localInfo,
    authSeq,
    authLength: primaryLength(authImage),
    authOsd: authorityOsdFor(authSources, 0),
    authImage,
    authSources,
    authBlobMeta: decodeBlobMeta(j.auth_blob_meta),
    peerInfo: mapFromEntries(list(j.peer_info).map((e) => [num(e.osd), decodePeerInfo(e)] as const)),
    peersQueried: setFrom(osds(j.peers_queried)),
    peersResponded: setFrom(osds(j.peers_responded)),
    priorOsds: setFrom(osds(j.prior_osds)),
    recoveryTargets:
      j.recovery_targets === undefined
        ? recoveryTargetsFromPlans(peerRecoveryPlans, localRecoveryPlan, localInfo.committedSeq, authSeq, whoami)
        : setFrom(osds(j.recovery_targets)),
    peerRecoveryPlans,
    localRecoveryPlan,
    recovered: setFrom(osds(j.recovered)),
    timedOutProbes: setFrom(osds(j.timed_out_probes)),
    needUpThru: j.need_up_thru as boolean,
    activated: j.activated as boolean,
    pendingActingChange: j.pending_acting_change as boolean,
    lastPeeringReset: num(j.last_peering_reset),
  };
}
