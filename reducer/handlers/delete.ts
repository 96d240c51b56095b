/**
 * `DeleteStart` always moves to `Deleting`, quiescing IO and recovery first.
 * `DeleteComplete` changes nothing: a deleted instance only comes back
 * through a fresh `Initialize`.
 */
import { isActive, transitionTo, type Effects, type Machine } from '../state/machine.js';

export interface DeleteStartDecision {
  readonly deactivatePG: boolean;
  readonly cancelRecovery: boolean;
}

export function decideDeleteStart(m: Machine): DeleteStartDecision {
  return { deactivatePG: isActive(m), cancelRecovery: m.state === 'Recovering' };
}

export function applyDeleteStart(m: Machine, fx: Effects, d: DeleteStartDecision): void {
  if (d.deactivatePG) fx.push({ type: 'DeactivatePG', pgid: m.pgid });
  if (d.cancelRecovery) fx.push({ type: 'CancelRecovery', pgid: m.pgid });
  transitionTo(m, 'Deleting', 'delete requested', fx);
  fx.push({ type: 'DeletePG', pgid: m.pgid });
}

export function onDeleteStart(m: Machine, fx: Effects): void {
  applyDeleteStart(m, fx, decideDeleteStart(m));
}
