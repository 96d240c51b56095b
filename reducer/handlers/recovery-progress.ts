/**
 * Primary-side recovery progress: single `RecoveryComplete` reports and the
 * batch `AllReplicasRecovered`. Completed peers adopt the authoritative image;
 * when no target remains the PG becomes `Clean`.
 */
import { emptyPeerInfo, primaryLength, withPeerInfo, withPGInfo } from '../state/image.js';
import {
  imageRecoveryTargets,
  isImageRecoveryTarget,
  lookupPeer,
  persist,
  publishStats,
  refreshImageState,
  transitionTo,
  type Effects,
  type Machine,
} from '../state/machine.js';
import { EMPTY, mapSet, seqEqual, setAdd, type OrdSet } from '../state/ordered.js';
import type { AllReplicasRecovered, OsdId, RecoveryComplete } from '../state/types.js';

export type RecoveryProgressDecision =
  | { readonly kind: 'None' }
  | {
      readonly kind: 'Progress';
      readonly completedPeers: OrdSet<OsdId>;
      /** The primary itself finished (or the whole batch did). */
      readonly updateLocalToAuth: boolean;
      readonly cleanReason: string;
    };

const NONE: RecoveryProgressDecision = { kind: 'None' };

export function decideRecoveryComplete(m: Machine, e: RecoveryComplete): RecoveryProgressDecision {
  if (m.state !== 'Recovering') return NONE;
  if (e.epoch < m.lastPeeringReset) return NONE;
  if (!isImageRecoveryTarget(m, e.peer)) return NONE;
  return {
    kind: 'Progress',
    completedPeers: [e.peer],
    updateLocalToAuth: e.peer === m.whoami,
    cleanReason: 'all replicas recovered',
  };
}

export function decideAllReplicasRecovered(m: Machine, e: AllReplicasRecovered): RecoveryProgressDecision {
  if (m.state !== 'Recovering' && m.state !== 'Active') return NONE;
  if (e.epoch < m.lastPeeringReset) return NONE;

  const targets = imageRecoveryTargets(m);
  let completedPeers: OrdSet<OsdId> = EMPTY;
  for (const peer of e.peers) {
    if (!targets.includes(peer)) return NONE;
    completedPeers = setAdd(completedPeers, peer);
  }
  // The batch must close out exactly the targets that remain.
  let completed = m.recovered;
  for (const peer of completedPeers) completed = setAdd(completed, peer);
  if (!seqEqual(completed, targets)) return NONE;

  return { kind: 'Progress', completedPeers, updateLocalToAuth: true, cleanReason: 'all replicas recovered (batch)' };
}

export function applyRecoveryProgress(m: Machine, fx: Effects, d: RecoveryProgressDecision): void {
  if (d.kind === 'None') return;

  for (const peer of d.completedPeers) {
    m.recovered = setAdd(m.recovered, peer);
    const previous = lookupPeer(m.peerInfo, peer) ?? emptyPeerInfo();
    m.peerInfo = mapSet(
      m.peerInfo,
      peer,
      withPeerInfo(previous, {
        osd: peer,
        committedSeq: m.authSeq,
        committedLength: primaryLength(m.authImage),
        image: m.authImage,
        blobMeta: m.authBlobMeta,
      }),
    );
  }
  if (d.updateLocalToAuth) {
    m.localInfo = withPGInfo(m.localInfo, {
      image: m.authImage,
      blobMeta: m.authBlobMeta,
      committedSeq: m.authSeq,
      committedLength: primaryLength(m.authImage),
    });
  }
  // Progress can change which source wins a tie for the remaining gaps.
  refreshImageState(m);

  if (imageRecoveryTargets(m).length === 0) {
    m.recovered = EMPTY;
    transitionTo(m, 'Clean', d.cleanReason, fx);
    fx.push({ type: 'MarkClean', pgid: m.pgid });
    persist(m, fx);
    publishStats(m, fx);
  }
}

export function onRecoveryComplete(m: Machine, e: RecoveryComplete, fx: Effects): void {
  applyRecoveryProgress(m, fx, decideRecoveryComplete(m, e));
}

export function onAllReplicasRecovered(m: Machine, e: AllReplicasRecovered, fx: Effects): void {
  applyRecoveryProgress(m, fx, decideAllReplicasRecovered(m, e));
}
