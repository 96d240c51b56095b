/**
 * The serialisable view of a reducer: everything `step` needs to continue,
 * plus a few derived summaries (`authLength`, `authOsd`, `recoveryTargets`)
 * that upstream exposes for observers.
 */
import { EMPTY } from './ordered.js';
import { EMPTY_PG_INFO } from './image.js';
import type {
  ActingSet,
  AuthorityImage,
  BlobMetaImage,
  Epoch,
  JournalSeq,
  Length,
  ObjectImage,
  ObjRecovery,
  OsdId,
  OsdSet,
  PeerInfoMap,
  PeerRecoveryPlan,
  PgId,
  PGInfo,
  State,
} from './types.js';

export interface Snapshot {
  readonly state: State;
  readonly pgid: PgId;
  readonly whoami: OsdId;
  readonly epoch: Epoch;
  readonly acting: ActingSet;
  readonly up: ActingSet;
  readonly poolSize: number;
  readonly poolMinSize: number;
  readonly localInfo: PGInfo;
  readonly authSeq: JournalSeq;
  /** Length of object 0 in `authImage`; not part of the trace format. */
  readonly authLength: Length;
  /** Source of object 0 in `authSources`, or -1; not part of the trace format. */
  readonly authOsd: OsdId;
  readonly authImage: ObjectImage;
  readonly authSources: AuthorityImage;
  readonly authBlobMeta: BlobMetaImage;
  readonly peerInfo: PeerInfoMap;
  readonly peersQueried: OsdSet;
  readonly peersResponded: OsdSet;
  readonly priorOsds: OsdSet;
  readonly recoveryTargets: OsdSet;
  readonly peerRecoveryPlans: readonly PeerRecoveryPlan[];
  readonly localRecoveryPlan: readonly ObjRecovery[];
  readonly recovered: OsdSet;
  readonly timedOutProbes: OsdSet;
  readonly needUpThru: boolean;
  readonly activated: boolean;
  readonly pendingActingChange: boolean;
  readonly lastPeeringReset: Epoch;
}

export const EMPTY_ACTING: ActingSet = { osds: EMPTY, epoch: 0 };

/** The snapshot of a freshly constructed reducer: where every trace starts. */
export const EMPTY_SNAPSHOT: Snapshot = {
  state: 'Initial',
  pgid: 0,
  whoami: -1,
  epoch: 0,
  acting: EMPTY_ACTING,
  up: EMPTY_ACTING,
  poolSize: 0,
  poolMinSize: 0,
  localInfo: EMPTY_PG_INFO,
  authSeq: 0,
  authLength: 0,
  authOsd: -1,
  authImage: EMPTY,
  authSources: EMPTY,
  authBlobMeta: EMPTY,
  peerInfo: EMPTY,
  peersQueried: EMPTY,
  peersResponded: EMPTY,
  priorOsds: EMPTY,
  recoveryTargets: EMPTY,
  peerRecoveryPlans: EMPTY,
  localRecoveryPlan: EMPTY,
  recovered: EMPTY,
  timedOutProbes: EMPTY,
  needUpThru: false,
  activated: false,
  pendingActingChange: false,
  lastPeeringReset: 0,
};
