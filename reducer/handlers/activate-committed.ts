/** `ActivateCommitted`: activation is durable; only meaningful while active. */
import { isActive, persist, type Effects, type Machine } from '../state/machine.js';

export interface ActivateCommittedDecision {
  readonly persistActivation: boolean;
}

export function decideActivateCommitted(m: Machine): ActivateCommittedDecision {
  return { persistActivation: isActive(m) };
}

export function applyActivateCommitted(m: Machine, fx: Effects, d: ActivateCommittedDecision): void {
  if (!d.persistActivation) return;
  m.activated = true;
  persist(m, fx);
}

export function onActivateCommitted(m: Machine, fx: Effects): void {
  applyActivateCommitted(m, fx, decideActivateCommitted(m));
}
