/**
 * Activation: once authority and plans are chosen, decide whether the PG can
 * serve IO and whether it starts out `Recovering` or `Clean`.
 */
import { effectiveImage, prefixImage, primaryLength, withPGInfo } from '../state/image.js';
import {
  countActingWithInfo,
  lookupPeer,
  persist,
  publishStats,
  refreshRecoveryPlans,
  transitionTo,
  type Effects,
  type Machine,
} from '../state/machine.js';
import type { OsdId, PeerInfo, RecoveryTarget } from '../state/types.js';

export type ActivationDecision =
  | { readonly kind: 'None' }
  | { readonly kind: 'Down'; readonly reason: string }
  | {
      readonly kind: 'Recovering' | 'Clean';
      /** Local state already covers authority: adopt it exactly. */
      readonly clampLocalToAuth: boolean;
      readonly activateReplicas: readonly OsdId[];
      readonly recoveryTargets: readonly RecoveryTarget[];
    };

export function decideActivation(m: Machine): ActivationDecision {
  if (m.pendingActingChange) return { kind: 'None' };

  // Pool parameters may have changed since the acting decision; recheck.
  if (countActingWithInfo(m.acting, m.peerInfo) < m.poolMinSize) {
    return { kind: 'Down', reason: 'min_size check failed at activation' };
  }

  const localImage = effectiveImage(m.localInfo);
  const clampLocalToAuth = m.localInfo.committedSeq >= m.authSeq && prefixImage(m.authImage, localImage);
  const activateReplicas = m.acting.osds.filter((osd) => osd >= 0 && osd !== m.whoami);
  const authLength = primaryLength(m.authImage);

  const recoveryTargets: RecoveryTarget[] = [];
  for (const plan of m.peerRecoveryPlans) {
    const peer = lookupPeer(m.peerInfo, plan.target);
    recoveryTargets.push({
      osd: plan.target,
      peerLength: peer === undefined ? 0 : primaryLength(effectiveImage(peer)),
      authoritativeLength: authLength,
      peerCommittedSeq: peer === undefined ? 0 : peer.committedSeq,
      authoritativeSeq: m.authSeq,
      recoveries: plan.recoveries,
    });
  }
  if (m.localRecoveryPlan.length > 0 || m.localInfo.committedSeq < m.authSeq) {
    recoveryTargets.push({
      osd: m.whoami,
      peerLength: primaryLength(localImage),
      authoritativeLength: authLength,
      peerCommittedSeq: m.localInfo.committedSeq,
      authoritativeSeq: m.authSeq,
      recoveries: m.localRecoveryPlan,
    });
  }

  return {
    kind: recoveryTargets.length === 0 ? 'Clean' : 'Recovering',
    clampLocalToAuth,
    activateReplicas,
    recoveryTargets,
  };
}

/**
 * Effect order is a contract: SendActivate per replica, ActivatePG,
 * PersistState, PublishStats, then ScheduleRecovery or MarkClean.
 */
export function applyActivation(m: Machine, fx: Effects, d: ActivationDecision): void {
  if (d.kind === 'None') return;
  if (d.kind === 'Down') {
    transitionTo(m, 'Down', d.reason, fx);
    publishStats(m, fx);
    return;
  }

  m.localInfo = withPGInfo(
    m.localInfo,
    d.clampLocalToAuth
      ? {
          lastEpochStarted: m.epoch,
          lastIntervalStarted: m.epoch,
          image: m.authImage,
          committedSeq: m.authSeq,
          committedLength: primaryLength(m.authImage),
        }
      : { lastEpochStarted: m.epoch, lastIntervalStarted: m.epoch },
  );
  refreshRecoveryPlans(m);

  transitionTo(m, 'Active', 'peering complete', fx);

  const authInfo: PeerInfo = {
    osd: m.whoami,
    committedSeq: m.authSeq,
    committedLength: primaryLength(m.authImage),
    image: m.authImage,
    blobMeta: m.authBlobMeta,
    lastEpochStarted: m.epoch,
    lastIntervalStarted: m.epoch,
  };
  for (const target of d.activateReplicas) {
    fx.push({
      type: 'SendActivate',
      target,
      pgid: m.pgid,
      authInfo,
      authSources: m.authSources,
      authBlobMeta: m.authBlobMeta,
      authoritativeSeq: m.authSeq,
      activationEpoch: m.epoch,
    });
  }
  fx.push({
    type: 'ActivatePG',
    pgid: m.pgid,
    authoritativeSeq: m.authSeq,
    authoritativeLength: primaryLength(m.authImage),
    authoritativeImage: m.authImage,
    authoritativeBlobMeta: m.authBlobMeta,
    activationEpoch: m.epoch,
  });
  persist(m, fx);
  publishStats(m, fx);

  if (d.kind === 'Recovering') {
    transitionTo(m, 'Recovering', 'replicas need recovery', fx);
    fx.push({ type: 'ScheduleRecovery', pgid: m.pgid, targets: d.recoveryTargets });
    return;
  }
  transitionTo(m, 'Clean', 'all replicas up to date', fx);
  fx.push({ type: 'MarkClean', pgid: m.pgid });
}

export function tryActivate(m: Machine, fx: Effects): void {
  applyActivation(m, fx, decideActivation(m));
}
