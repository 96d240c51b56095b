/**
 * First-line stale-message filter, applied before any handler runs.
 *
 * Events that carry the epoch of the interval they belong to are dropped when
 * that epoch predates the last peering reset. Zero means "unknown" and passes.
 * Handlers still apply their own membership and state guards afterwards.
 */
import type { Epoch, PeeringEvent } from './types.js';

export function isFreshEpoch(reset: Epoch, messageEpoch: Epoch): boolean {
  return messageEpoch === 0 || messageEpoch >= reset;
}

/** The epoch an event is tagged with for staleness purposes, if any. */
export function stalenessEpoch(event: PeeringEvent): Epoch | undefined {
  switch (event.type) {
    case 'PeerInfoReceived':
      return event.queryEpoch;
    case 'RecoveryComplete':
    case 'AllReplicasRecovered':
      return event.epoch;
    case 'ReplicaActivate':
    case 'ReplicaRecoveryComplete':
      return event.activationEpoch;
    default:
      return undefined;
  }
}

/** Returns the event when it may be reduced, or undefined when it is stale. */
export function validateEvent(reset: Epoch, event: PeeringEvent): PeeringEvent | undefined {
  const epoch = stalenessEpoch(event);
  return epoch === undefined || isFreshEpoch(reset, epoch) ? event : undefined;
}
