/**
 * Domain types of the reduced peering model: identifiers, per-object images,
 * peer and PG metadata, events and effects.
 *
 * Every value is immutable. Integer kinds follow upstream widths: `OsdId` is
 * int32, `Epoch` uint32, pool sizes are C `int`, and the 64-bit quantities
 * are canonical `U64`s.
 */
import type { OrdMap, OrdSet } from './ordered.js';
import type { U64 } from './u64.js';

export type OsdId = number;
export type Epoch = number;
export type PgId = U64;
export type ObjectId = U64;
export type JournalSeq = U64;
export type Length = U64;

/** Object id used only to translate scalar `committed_length` into an image. */
export const PRIMARY_OBJECT: ObjectId = 0;

export const STATES = [
  'Initial',
  'Reset',
  'GetPeerInfo',
  'WaitUpThru',
  'Active',
  'Recovering',
  'Clean',
  'Stray',
  'ReplicaActive',
  'Down',
  'Incomplete',
  'Deleting',
] as const;
export type State = (typeof STATES)[number];

/** Readable committed prefix length per object; absent means 0. */
export type ObjectImage = OrdMap<ObjectId, Length>;

export interface ObjectAuthority {
  readonly osd: OsdId;
  readonly length: Length;
}
/** Which peer backs each authoritative object extent. */
export type AuthorityImage = OrdMap<ObjectId, ObjectAuthority>;

/** Blob finalisation metadata, kept apart from readability. */
export interface BlobMeta {
  readonly sealed: boolean;
  readonly finalLen: Length | undefined;
}
export type BlobMetaImage = OrdMap<ObjectId, BlobMeta>;

/** One exact byte interval `[fromLength, toLength)` of one object to copy. */
export interface ObjRecovery {
  readonly obj: ObjectId;
  readonly source: OsdId;
  readonly fromLength: Length;
  readonly toLength: Length;
}

export interface PeerRecoveryPlan {
  readonly target: OsdId;
  readonly peerCommittedSeq: JournalSeq;
  readonly authoritativeSeq: JournalSeq;
  readonly recoveries: readonly ObjRecovery[];
}

export interface PeerInfo {
  readonly osd: OsdId;
  readonly committedSeq: JournalSeq;
  /** Scalar summary kept for compatibility: the length of object 0. */
  readonly committedLength: Length;
  readonly image: ObjectImage;
  readonly blobMeta: BlobMetaImage;
  readonly lastEpochStarted: Epoch;
  readonly lastIntervalStarted: Epoch;
}

export interface PGInfo {
  readonly pgid: PgId;
  readonly committedSeq: JournalSeq;
  readonly committedLength: Length;
  readonly image: ObjectImage;
  readonly blobMeta: BlobMetaImage;
  readonly lastEpochStarted: Epoch;
  readonly lastIntervalStarted: Epoch;
  readonly lastEpochClean: Epoch;
  readonly epochCreated: Epoch;
  readonly sameIntervalSince: Epoch;
  readonly sameUpSince: Epoch;
  readonly samePrimarySince: Epoch;
}

/** OSDs in placement order; index 0 is the primary. */
export interface ActingSet {
  readonly osds: readonly OsdId[];
  readonly epoch: Epoch;
}

export type PeerInfoMap = OrdMap<OsdId, PeerInfo>;
export type OsdSet = OrdSet<OsdId>;

// ── Events ───────────────────────────────────────────────────────────

export interface Initialize {
  readonly type: 'Initialize';
  readonly pgid: PgId;
  readonly whoami: OsdId;
  readonly epoch: Epoch;
  readonly acting: ActingSet;
  readonly up: ActingSet;
  readonly poolSize: number;
  readonly poolMinSize: number;
  readonly localInfo: PGInfo;
  readonly priorOsds: readonly OsdId[];
}

export interface AdvanceMap {
  readonly type: 'AdvanceMap';
  readonly newEpoch: Epoch;
  readonly newActing: ActingSet;
  readonly newUp: ActingSet;
  readonly newPoolSize: number;
  readonly newPoolMinSize: number;
  readonly priorOsds: readonly OsdId[];
}

export interface PeerInfoReceived {
  readonly type: 'PeerInfoReceived';
  readonly from: OsdId;
  readonly info: PeerInfo;
  /** Epoch of the query being answered; 0 means unknown. */
  readonly queryEpoch: Epoch;
}

export interface PeerQueryTimeout {
  readonly type: 'PeerQueryTimeout';
  readonly peer: OsdId;
}

export interface UpThruUpdated {
  readonly type: 'UpThruUpdated';
  readonly epoch: Epoch;
}

export interface ActivateCommitted {
  readonly type: 'ActivateCommitted';
}

export interface RecoveryComplete {
  readonly type: 'RecoveryComplete';
  readonly peer: OsdId;
  readonly epoch: Epoch;
}

export interface AllReplicasRecovered {
  readonly type: 'AllReplicasRecovered';
  readonly epoch: Epoch;
  readonly peers: readonly OsdId[];
}

export interface ReplicaActivate {
  readonly type: 'ReplicaActivate';
  readonly from: OsdId;
  readonly authInfo: PeerInfo;
  readonly authSources: AuthorityImage;
  readonly authBlobMeta: BlobMetaImage;
  readonly authoritativeSeq: JournalSeq;
  readonly activationEpoch: Epoch;
}

export interface ReplicaRecoveryComplete {
  readonly type: 'ReplicaRecoveryComplete';
  readonly newCommittedSeq: JournalSeq;
  readonly newCommittedLength: Length;
  readonly recoveredImage: ObjectImage;
  readonly activationEpoch: Epoch;
}

export interface DeleteStart {
  readonly type: 'DeleteStart';
}

export interface DeleteComplete {
  readonly type: 'DeleteComplete';
}

export type PeeringEvent =
  | Initialize
  | AdvanceMap
  | PeerInfoReceived
  | PeerQueryTimeout
  | UpThruUpdated
  | ActivateCommitted
  | RecoveryComplete
  | AllReplicasRecovered
  | ReplicaActivate
  | ReplicaRecoveryComplete
  | DeleteStart
  | DeleteComplete;

export type EventType = PeeringEvent['type'];


// ── Effects ──────────────────────────────────────────────────────────

export interface SendQuery {
  readonly type: 'SendQuery';
  readonly target: OsdId;
  readonly pgid: PgId;
  readonly epoch: Epoch;
}

export interface SendNotify {
  readonly type: 'SendNotify';
  readonly target: OsdId;
  readonly pgid: PgId;
  readonly info: PeerInfo;
  readonly epoch: Epoch;
}

export interface SendActivate {
  readonly type: 'SendActivate';
  readonly target: OsdId;
  readonly pgid: PgId;
  readonly authInfo: PeerInfo;
  readonly authSources: AuthorityImage;
  readonly authBlobMeta: BlobMetaImage;
  readonly authoritativeSeq: JournalSeq;
  readonly activationEpoch: Epoch;
}

export interface ActivatePG {
  readonly type: 'ActivatePG';
  readonly pgid: PgId;
  readonly authoritativeSeq: JournalSeq;
  readonly authoritativeLength: Length;
  readonly authoritativeImage: ObjectImage;
  readonly authoritativeBlobMeta: BlobMetaImage;
  readonly activationEpoch: Epoch;
}

export interface DeactivatePG {
  readonly type: 'DeactivatePG';
  readonly pgid: PgId;
}

export interface RecoveryTarget {
  readonly osd: OsdId;
  readonly peerLength: Length;
  readonly authoritativeLength: Length;
  readonly peerCommittedSeq: JournalSeq;
  readonly authoritativeSeq: JournalSeq;
  readonly recoveries: readonly ObjRecovery[];
}

export interface ScheduleRecovery {
  readonly type: 'ScheduleRecovery';
  readonly pgid: PgId;
  readonly targets: readonly RecoveryTarget[];
}

export interface CancelRecovery {
  readonly type: 'CancelRecovery';
  readonly pgid: PgId;
}

export interface MarkClean {
  readonly type: 'MarkClean';
  readonly pgid: PgId;
}

export interface PersistState {
  readonly type: 'PersistState';
  readonly pgid: PgId;
  readonly info: PGInfo;
}

export interface RequestUpThru {
  readonly type: 'RequestUpThru';
  readonly epoch: Epoch;
}

export interface RequestActingChange {
  readonly type: 'RequestActingChange';
  readonly pgid: PgId;
  readonly wantActing: readonly OsdId[];
}

export interface UpdateHeartbeats {
  readonly type: 'UpdateHeartbeats';
  readonly peers: readonly OsdId[];
}

export interface PublishStats {
  readonly type: 'PublishStats';
  readonly pgid: PgId;
  readonly state: State;
  readonly committedSeq: JournalSeq;
  readonly authoritativeSeq: JournalSeq;
  readonly committedLength: Length;
  readonly image: ObjectImage;
  readonly authoritativeImage: ObjectImage;
  readonly authoritativeBlobMeta: BlobMetaImage;
  readonly actingSize: number;
  readonly upSize: number;
}

export interface DeletePG {
  readonly type: 'DeletePG';
  readonly pgid: PgId;
}

export interface LogTransition {
  readonly type: 'LogTransition';
  readonly pgid: PgId;
  readonly from: State;
  readonly to: State;
  readonly reason: string;
}

export type PeeringEffect =
  | SendQuery
  | SendNotify
  | SendActivate
  | ActivatePG
  | DeactivatePG
  | ScheduleRecovery
  | CancelRecovery
  | MarkClean
  | PersistState
  | RequestUpThru
  | RequestActingChange
  | UpdateHeartbeats
  | PublishStats
  | DeletePG
  | LogTransition;

export type EffectType = PeeringEffect['type'];

