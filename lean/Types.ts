/**
 * Mirror of upstream `Peering/Types.lean`: the model's data, as plain
 * immutable values.
 *
 * Lean's naturals and integers are unbounded. Here a `Nat`/`Int` is a JS
 * number while it is a safe integer and a bigint beyond that; every
 * constructor of a value goes through `natOf`/`intOf` so the representation is
 * canonical and `===` is value equality. Relational operators compare number
 * and bigint correctly, so the model code reads like the Lean.
 */

export type Nat = number | bigint;
export type Int = number | bigint;
export type Epoch = Nat;
export type OsdId = Int;
export type PgId = Nat;
export type ObjectId = Nat;
export type Length = Nat;
export type JournalSeq = Nat;

/** Canonical form of an integer value: a number when it is safe, else a bigint. */
export function natOf(value: bigint | number): Nat {
  if (typeof value === 'number') return value;
  return value >= -9007199254740991n && value <= 9007199254740991n ? Number(value) : value;
}
export const intOf = natOf;

export const primaryObjectId: ObjectId = 0;

export type State =
  | 'Initial'
  | 'Reset'
  | 'GetPeerInfo'
  | 'WaitUpThru'
  | 'Active'
  | 'Recovering'
  | 'Clean'
  | 'Stray'
  | 'ReplicaActive'
  | 'Down'
  | 'Incomplete'
  | 'Deleting';

/** Objectwise readable-prefix lengths as a list: order and duplicates are kept. */
export interface ObjectImage {
  readonly entries: readonly (readonly [ObjectId, Length])[];
}

export interface ObjectAuthority {
  readonly authorityOsd: OsdId;
  readonly authorityLength: Length;
}

export interface AuthorityImage {
  readonly entries: readonly (readonly [ObjectId, ObjectAuthority])[];
}

export interface BlobMeta {
  readonly sealed: boolean;
  /** `null` is Lean's `none`. */
  readonly finalLen: Length | null;
}

export interface BlobMetaImage {
  readonly entries: readonly (readonly [ObjectId, BlobMeta])[];
}

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

export interface ActingSet {
  readonly osds: readonly OsdId[];
  readonly epoch: Epoch;
}

export const emptyObjectImage: ObjectImage = { entries: [] };
export const emptyAuthorityImage: AuthorityImage = { entries: [] };
export const emptyBlobMetaImage: BlobMetaImage = { entries: [] };
export const defaultBlobMeta: BlobMeta = { sealed: false, finalLen: null };
export const defaultObjectAuthority: ObjectAuthority = { authorityOsd: -1, authorityLength: 0 };
export const emptyActingSet: ActingSet = { osds: [], epoch: 0 };

/** `PeerInfo` with Lean's field defaults, overridden by `fields`. */
export function peerInfo(fields: Partial<PeerInfo> = {}): PeerInfo {
  return {
    osd: fields.osd ?? -1,
    committedSeq: fields.committedSeq ?? 0,
    committedLength: fields.committedLength ?? 0,
    image: fields.image ?? emptyObjectImage,
    blobMeta: fields.blobMeta ?? emptyBlobMetaImage,
    lastEpochStarted: fields.lastEpochStarted ?? 0,
    lastIntervalStarted: fields.lastIntervalStarted ?? 0,
  };
}

/** `PGInfo` with Lean's field defaults, overridden by `fields`. */
export function pgInfo(fields: Partial<PGInfo> = {}): PGInfo {
  return {
    pgid: fields.pgid ?? 0,
    committedSeq: fields.committedSeq ?? 0,
    committedLength: fields.committedLength ?? 0,
    image: fields.image ?? emptyObjectImage,
    blobMeta: fields.blobMeta ?? emptyBlobMetaImage,
    lastEpochStarted: fields.lastEpochStarted ?? 0,
    lastIntervalStarted: fields.lastIntervalStarted ?? 0,
    lastEpochClean: fields.lastEpochClean ?? 0,
    epochCreated: fields.epochCreated ?? 0,
    sameIntervalSince: fields.sameIntervalSince ?? 0,
    sameUpSince: fields.sameUpSince ?? 0,
    samePrimarySince: fields.samePrimarySince ?? 0,
  };
}

/*
 * Lean's `{ info with field := value }`. Each copy is built by one literal,
 * never by `{ ...info }`: V8 gives every spread copy a hidden class of its
 * own, so a chain of copies made the mirror's hot functions see dozens of
 * shapes of one structure and deoptimize (docs/performance.md). No field is
 * ever null, so `??` only picks the fields `change` leaves out.
 */

export function withPeerInfo(info: PeerInfo, change: Partial<PeerInfo>): PeerInfo {
  return {
    osd: change.osd ?? info.osd,
    committedSeq: change.committedSeq ?? info.committedSeq,
    committedLength: change.committedLength ?? info.committedLength,
    image: change.image ?? info.image,
    blobMeta: change.blobMeta ?? info.blobMeta,
    lastEpochStarted: change.lastEpochStarted ?? info.lastEpochStarted,
    lastIntervalStarted: change.lastIntervalStarted ?? info.lastIntervalStarted,
  };
}

export function withPGInfo(info: PGInfo, change: Partial<PGInfo>): PGInfo {
  return {
    pgid: change.pgid ?? info.pgid,
    committedSeq: change.committedSeq ?? info.committedSeq,
    committedLength: change.committedLength ?? info.committedLength,
    image: change.image ?? info.image,
    blobMeta: change.blobMeta ?? info.blobMeta,
    lastEpochStarted: change.lastEpochStarted ?? info.lastEpochStarted,
    lastIntervalStarted: change.lastIntervalStarted ?? info.lastIntervalStarted,
    lastEpochClean: change.lastEpochClean ?? info.lastEpochClean,
    epochCreated: change.epochCreated ?? info.epochCreated,
    sameIntervalSince: change.sameIntervalSince ?? info.sameIntervalSince,
    sameUpSince: change.sameUpSince ?? info.sameUpSince,
    samePrimarySince: change.samePrimarySince ?? info.samePrimarySince,
  };
}

// ── ActingSet ────────────────────────────────────────────────────────────

/** `ActingSet.primary`: the head of the list, `null` when it is empty. */
export function actingPrimary(acting: ActingSet): OsdId | null {
  return acting.osds.length === 0 ? null : acting.osds[0]!;
}

export function actingSize(acting: ActingSet): Nat {
  return acting.osds.length;
}

export function actingContains(acting: ActingSet, osd: OsdId): boolean {
  return acting.osds.includes(osd);
}

// ── Events ───────────────────────────────────────────────────────────────

export interface InitializeEvent {
  readonly type: 'Initialize';
  readonly pgid: PgId;
  readonly whoami: OsdId;
  readonly epoch: Epoch;
  readonly acting: ActingSet;
  readonly up: ActingSet;
  readonly poolSize: Nat;
  readonly poolMinSize: Nat;
  readonly localInfo: PGInfo;
  readonly priorOsds: readonly OsdId[];
}

export interface AdvanceMapEvent {
  readonly type: 'AdvanceMap';
  readonly newEpoch: Epoch;
  readonly newActing: ActingSet;
  readonly newUp: ActingSet;
  readonly newPoolSize: Nat;
  readonly newPoolMinSize: Nat;
  readonly priorOsds: readonly OsdId[];
}

export interface PeerInfoReceivedEvent {
  readonly type: 'PeerInfoReceived';
  readonly sender: OsdId;
  readonly info: PeerInfo;
  readonly queryEpoch: Epoch;
}

export interface PeerQueryTimeoutEvent {
  readonly type: 'PeerQueryTimeout';
  readonly peer: OsdId;
}

export interface UpThruUpdatedEvent {
  readonly type: 'UpThruUpdated';
  readonly epoch: Epoch;
}

export interface RecoveryCompleteEvent {
  readonly type: 'RecoveryComplete';
  readonly peer: OsdId;
  readonly epoch: Epoch;
}

export interface AllReplicasRecoveredEvent {
  readonly type: 'AllReplicasRecovered';
  readonly epoch: Epoch;
  readonly peers: readonly OsdId[];
}

export interface ReplicaActivateEvent {
  readonly type: 'ReplicaActivate';
  readonly sender: OsdId;
  readonly authInfo: PeerInfo;
  readonly authSources: AuthorityImage;
  readonly authBlobMeta: BlobMetaImage;
  readonly authoritativeSeq: JournalSeq;
  readonly activationEpoch: Epoch;
}

export interface ReplicaRecoveryCompleteEvent {
  readonly type: 'ReplicaRecoveryComplete';
  readonly newCommittedSeq: JournalSeq;
  readonly newCommittedLength: Length;
  readonly recoveredImage: ObjectImage;
  readonly activationEpoch: Epoch;
}

export interface UnitEvent {
  readonly type: 'ActivateCommitted' | 'DeleteStart' | 'DeleteComplete';
}

export type PeeringEvent =
  | InitializeEvent
  | AdvanceMapEvent
  | PeerInfoReceivedEvent
  | PeerQueryTimeoutEvent
  | UpThruUpdatedEvent
  | RecoveryCompleteEvent
  | AllReplicasRecoveredEvent
  | ReplicaActivateEvent
  | ReplicaRecoveryCompleteEvent
  | UnitEvent;

export type PeeringEventType = PeeringEvent['type'];

// ── Effects ──────────────────────────────────────────────────────────────

export interface RecoveryTarget {
  readonly osd: OsdId;
  readonly peerLength: Length;
  readonly authoritativeLength: Length;
  readonly peerCommittedSeq: JournalSeq;
  readonly authoritativeSeq: JournalSeq;
  readonly recoveries: readonly ObjRecovery[];
}

export type PeeringEffect =
  | { readonly type: 'SendQuery'; readonly target: OsdId; readonly pgid: PgId; readonly epoch: Epoch }
  | { readonly type: 'SendNotify'; readonly target: OsdId; readonly pgid: PgId; readonly info: PeerInfo; readonly epoch: Epoch }
  | {
      readonly type: 'SendActivate';
      readonly target: OsdId;
      readonly pgid: PgId;
      readonly authInfo: PeerInfo;
      readonly authSources: AuthorityImage;
      readonly authBlobMeta: BlobMetaImage;
      readonly authoritativeSeq: JournalSeq;
      readonly activationEpoch: Epoch;
    }
  | {
      readonly type: 'ActivatePG';
      readonly pgid: PgId;
      readonly authoritativeSeq: JournalSeq;
      readonly authoritativeLength: Length;
      readonly authoritativeImage: ObjectImage;
      readonly authoritativeBlobMeta: BlobMetaImage;
      readonly activationEpoch: Epoch;
    }
  | { readonly type: 'DeactivatePG'; readonly pgid: PgId }
  | { readonly type: 'ScheduleRecovery'; readonly pgid: PgId; readonly targets: readonly RecoveryTarget[] }
  | { readonly type: 'CancelRecovery'; readonly pgid: PgId }
  | { readonly type: 'MarkClean'; readonly pgid: PgId }
  | { readonly type: 'PersistState'; readonly pgid: PgId; readonly info: PGInfo }
  | { readonly type: 'RequestUpThru'; readonly epoch: Epoch }
  | { readonly type: 'RequestActingChange'; readonly pgid: PgId; readonly wantActing: readonly OsdId[] }
  | { readonly type: 'UpdateHeartbeats'; readonly peers: readonly OsdId[] }
  | {
      readonly type: 'PublishStats';
      readonly pgid: PgId;
      readonly state: State;
      readonly committedSeq: JournalSeq;
      readonly authoritativeSeq: JournalSeq;
      readonly committedLength: Length;
      readonly image: ObjectImage;
      readonly authoritativeImage: ObjectImage;
      readonly authoritativeBlobMeta: BlobMetaImage;
      readonly actingSize: Nat;
      readonly upSize: Nat;
    }
  | { readonly type: 'DeletePG'; readonly pgid: PgId }
  | { readonly type: 'LogTransition'; readonly pgid: PgId; readonly fromState: State; readonly toState: State; readonly reason: string };

export type PeeringEffectType = PeeringEffect['type'];

export interface StepResult {
  readonly fromState: State;
  readonly toState: State;
  readonly effects: readonly PeeringEffect[];
}
