/**
 * Replica side: `ReplicaRecoveryComplete` reports data pushed to this replica.
 * It is accepted only while `ReplicaActive`, only if local progress and
 * history stay monotone, and only within the installed authority.
 */
import {
  clampImageTo,
  effectiveImage,
  joinImage,
  prefixImage,
  primaryImage,
  primaryLength,
  sameImage,
  withPGInfo,
} from '../state/image.js';
import { persist, publishStats, refreshRecoveryPlans, type Effects, type Machine } from '../state/machine.js';
import type { Epoch, JournalSeq, ObjectImage, ReplicaRecoveryComplete } from '../state/types.js';

export type ReplicaRecoveryDecision =
  | { readonly kind: 'None' }
  | {
      readonly kind: 'Complete';
      readonly committedSeq: JournalSeq;
      readonly recoveredImage: ObjectImage;
      readonly activationEpoch: Epoch;
    };

const NONE: ReplicaRecoveryDecision = { kind: 'None' };

export function decideReplicaRecoveryComplete(m: Machine, e: ReplicaRecoveryComplete): ReplicaRecoveryDecision {
  if (m.state !== 'ReplicaActive') return NONE;
  if (e.activationEpoch < m.lastPeeringReset) return NONE;

  const reported =
    e.recoveredImage.length === 0 && e.newCommittedLength > 0 ? primaryImage(e.newCommittedLength) : e.recoveredImage;
  const localImage = effectiveImage(m.localInfo);
  const clamped = clampImageTo(m.authImage, joinImage(localImage, reported));
  if (!prefixImage(localImage, clamped)) return NONE;
  if (e.activationEpoch < m.localInfo.lastEpochStarted) return NONE;

  // A report without a sequence that matches authority exactly implies it.
  let committedSeq = e.newCommittedSeq;
  if (committedSeq === 0 && reported.length > 0 && sameImage(reported, m.authImage)) committedSeq = m.authSeq;
  if (committedSeq < m.localInfo.committedSeq) return NONE;
  if (committedSeq > m.authSeq) return NONE;

  return { kind: 'Complete', committedSeq, recoveredImage: clamped, activationEpoch: e.activationEpoch };
}

export function applyReplicaRecovery(m: Machine, fx: Effects, d: ReplicaRecoveryDecision): void {
  if (d.kind === 'None') return;
  m.localInfo = withPGInfo(m.localInfo, {
    image: d.recoveredImage,
    blobMeta: m.authBlobMeta,
    committedSeq: d.committedSeq,
    committedLength: primaryLength(d.recoveredImage),
    lastEpochStarted: d.activationEpoch,
    lastIntervalStarted: d.activationEpoch,
  });
  refreshRecoveryPlans(m);
  persist(m, fx);
  publishStats(m, fx);
}

export function onReplicaRecoveryComplete(m: Machine, e: ReplicaRecoveryComplete, fx: Effects): void {
  applyReplicaRecovery(m, fx, decideReplicaRecoveryComplete(m, e));
}
