/**
 * `AdvanceMap` is always processed. A changed acting or up set starts a new
 * interval and restarts peering; a pool-parameter change alone may take the
 * primary Down or let a stalled primary retry; otherwise only stats go out.
 */
import {
  actingContains,
  countActingWithInfo,
  isActive,
  primaryOf,
  publishStats,
  refreshImageState,
  resetPeeringState,
  transitionTo,
  type Effects,
  type Machine,
} from '../state/machine.js';
import { seqEqual } from '../state/ordered.js';
import type { AdvanceMap } from '../state/types.js';
import { chooseActing } from './acting.js';
import { startPeeringPrimary } from './peering-start.js';

export type AdvanceMapDecision =
  | { readonly kind: 'PublishOnly' | 'PoolParamsOnly' | 'RetryChooseActing' | 'RetryChooseActingAfterPoolChange' }
  | {
      readonly kind: 'DownForMinSize';
      readonly cancelRecovery: boolean;
      readonly deactivatePG: boolean;
      /** min_size went down, so a retry may succeed straight away. */
      readonly retryChooseActing: boolean;
      readonly reason: string;
    }
  | {
      readonly kind: 'RestartPrimary' | 'RestartReplica' | 'RestartStray';
      readonly cancelRecovery: boolean;
      readonly deactivatePG: boolean;
    };

export function decideAdvanceMap(m: Machine, e: AdvanceMap): AdvanceMapDecision {
  const newInterval = !seqEqual(e.newActing.osds, m.acting.osds) || !seqEqual(e.newUp.osds, m.up.osds);
  // Compare against the old pool parameters before anything overwrites them.
  const poolParamsChanged = e.newPoolSize !== m.poolSize || e.newPoolMinSize !== m.poolMinSize;
  const nextIsPrimary = primaryOf(e.newActing) === m.whoami;

  if (!newInterval && !poolParamsChanged) {
    const waiting = m.state === 'GetPeerInfo' || m.state === 'WaitUpThru';
    return { kind: m.pendingActingChange && nextIsPrimary && waiting ? 'RetryChooseActing' : 'PublishOnly' };
  }

  if (!newInterval) {
    // Only a primary has the peer census to judge min_size.
    if (nextIsPrimary && isActive(m) && countActingWithInfo(e.newActing, m.peerInfo) < e.newPoolMinSize) {
      return {
        kind: 'DownForMinSize',
        cancelRecovery: m.state === 'Recovering',
        deactivatePG: true,
        retryChooseActing: m.poolMinSize > e.newPoolMinSize,
        reason: 'min_size increased, insufficient peers',
      };
    }
    const stalled = m.state === 'Down' || m.state === 'Incomplete';
    if (nextIsPrimary && stalled && m.poolMinSize > e.newPoolMinSize) {
      return { kind: 'RetryChooseActingAfterPoolChange' };
    }
    return { kind: 'PoolParamsOnly' };
  }

  const cancelRecovery = m.state === 'Recovering';
  const deactivatePG = isActive(m);
  if (nextIsPrimary) return { kind: 'RestartPrimary', cancelRecovery, deactivatePG };
  if (actingContains(e.newActing, m.whoami)) return { kind: 'RestartReplica', cancelRecovery, deactivatePG };
  return { kind: 'RestartStray', cancelRecovery, deactivatePG };
}

export function applyAdvanceMap(m: Machine, fx: Effects, e: AdvanceMap, d: AdvanceMapDecision): void {
  m.epoch = e.newEpoch;
  m.acting = e.newActing;
  m.up = e.newUp;

  switch (d.kind) {
    case 'PublishOnly':
      publishStats(m, fx);
      return;
    case 'PoolParamsOnly':
      setPoolParams(m, e);
      return;
    case 'RetryChooseActing':
      chooseActing(m, fx);
      return;
    case 'RetryChooseActingAfterPoolChange':
      setPoolParams(m, e);
      chooseActing(m, fx);
      return;
    case 'DownForMinSize':
      setPoolParams(m, e);
      if (d.cancelRecovery) fx.push({ type: 'CancelRecovery', pgid: m.pgid });
      if (d.deactivatePG) fx.push({ type: 'DeactivatePG', pgid: m.pgid });
      transitionTo(m, 'Down', d.reason, fx);
      publishStats(m, fx);
      if (d.retryChooseActing) chooseActing(m, fx);
      return;
    case 'RestartPrimary':
    case 'RestartReplica':
    case 'RestartStray':
      setPoolParams(m, e);
      if (d.cancelRecovery) fx.push({ type: 'CancelRecovery', pgid: m.pgid });
      if (d.deactivatePG) fx.push({ type: 'DeactivatePG', pgid: m.pgid });
      resetPeeringState(m);
      m.lastPeeringReset = m.epoch;
      if (d.kind === 'RestartPrimary') {
        startPeeringPrimary(m, e.priorOsds, fx);
      } else {
        refreshImageState(m);
        transitionTo(m, 'Stray', d.kind === 'RestartReplica' ? 'new interval, replica' : 'new interval, stray', fx);
      }
      fx.push({ type: 'UpdateHeartbeats', peers: m.acting.osds });
      return;
  }
}

function setPoolParams(m: Machine, e: AdvanceMap): void {
  m.poolSize = e.newPoolSize;
  m.poolMinSize = e.newPoolMinSize;
}

export function onAdvanceMap(m: Machine, e: AdvanceMap, fx: Effects): void {
  applyAdvanceMap(m, fx, e, decideAdvanceMap(m, e));
}
