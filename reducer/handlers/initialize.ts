/**
 * `Initialize` is always processed: it installs map and local metadata, drops
 * interval-local state, and starts peering as primary or waits as a stray.
 */
import { normalizedPGInfo } from '../state/image.js';
import {
  actingContains,
  primaryOf,
  refreshImageState,
  resetPeeringState,
  transitionTo,
  type Effects,
  type Machine,
} from '../state/machine.js';
import type { Initialize } from '../state/types.js';
import { startPeeringPrimary } from './peering-start.js';

export type InitializeDecision =
  | { readonly kind: 'StartPrimary' }
  | { readonly kind: 'BecomeReplicaStray' | 'BecomeStray'; readonly reason: string };

export function decideInitialize(e: Initialize): InitializeDecision {
  if (primaryOf(e.acting) === e.whoami) return { kind: 'StartPrimary' };
  if (actingContains(e.acting, e.whoami)) return { kind: 'BecomeReplicaStray', reason: 'initialize as replica' };
  return { kind: 'BecomeStray', reason: 'initialize as stray' };
}

export function applyInitialize(m: Machine, fx: Effects, e: Initialize, d: InitializeDecision): void {
  m.pgid = e.pgid;
  m.whoami = e.whoami;
  m.epoch = e.epoch;
  m.acting = e.acting;
  m.up = e.up;
  m.poolSize = e.poolSize;
  m.poolMinSize = e.poolMinSize;
  m.localInfo = normalizedPGInfo(e.localInfo);
  resetPeeringState(m);
  m.lastPeeringReset = e.epoch;
  refreshImageState(m);

  if (d.kind === 'StartPrimary') startPeeringPrimary(m, e.priorOsds, fx);
  else transitionTo(m, 'Stray', d.reason, fx);

  fx.push({ type: 'UpdateHeartbeats', peers: m.acting.osds });
}

export function onInitialize(m: Machine, e: Initialize, fx: Effects): void {
  applyInitialize(m, fx, e, decideInitialize(e));
}
