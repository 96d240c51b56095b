/**
 * The pure reducer entry point: `step(snapshot, event)`.
 *
 * The input snapshot is never modified (every value in it is immutable); the
 * result carries it unchanged as `before`.
 */
import { onActivateCommitted } from './handlers/activate-committed.js';
import { onAdvanceMap } from './handlers/advance-map.js';
import { onDeleteStart } from './handlers/delete.js';
import { onInitialize } from './handlers/initialize.js';
import { onPeerInfoReceived } from './handlers/peer-info-received.js';
import { onPeerQueryTimeout } from './handlers/peer-query-timeout.js';
import { onAllReplicasRecovered, onRecoveryComplete } from './handlers/recovery-progress.js';
import { onReplicaActivate } from './handlers/replica-activate.js';
import { onReplicaRecoveryComplete } from './handlers/replica-recovery.js';
import { onUpThruUpdated } from './handlers/up-thru.js';
import { fromSnapshot, toSnapshotAfter, type Effects, type Machine } from './state/machine.js';
import type { Snapshot } from './state/snapshot.js';
import type { PeeringEffect, PeeringEvent, State } from './state/types.js';
import { validateEvent } from './state/validate.js';

export interface StepResult {
  readonly before: Snapshot;
  readonly after: Snapshot;
  readonly from: State;
  readonly to: State;
  readonly effects: readonly PeeringEffect[];
}

/** Dispatches an already validated event to its handler. */
export function reduce(m: Machine, event: PeeringEvent): Effects {
  const fx: Effects = [];
  switch (event.type) {
    case 'Initialize':
      onInitialize(m, event, fx);
      break;
    case 'AdvanceMap':
      onAdvanceMap(m, event, fx);
      break;
    case 'PeerInfoReceived':
      onPeerInfoReceived(m, event, fx);
      break;
    case 'PeerQueryTimeout':
      onPeerQueryTimeout(m, event, fx);
      break;
    case 'UpThruUpdated':
      onUpThruUpdated(m, event, fx);
      break;
    case 'ActivateCommitted':
      onActivateCommitted(m, fx);
      break;
    case 'RecoveryComplete':
      onRecoveryComplete(m, event, fx);
      break;
    case 'AllReplicasRecovered':
      onAllReplicasRecovered(m, event, fx);
      break;
    case 'ReplicaActivate':
      onReplicaActivate(m, event, fx);
      break;
    case 'ReplicaRecoveryComplete':
      onReplicaRecoveryComplete(m, event, fx);
      break;
    case 'DeleteStart':
      onDeleteStart(m, fx);
      break;
    case 'DeleteComplete':
      break;
  }
  return fx;
}

/** Reduces an event that has already passed `validateEvent`. */
export function stepValidated(snapshot: Snapshot, event: PeeringEvent): StepResult {
  const m = fromSnapshot(snapshot);
  const from = m.state;
  const effects = reduce(m, event);
  return { before: snapshot, after: toSnapshotAfter(m, snapshot), from, to: m.state, effects };
}

/**
 * One reducer step. A stale event leaves the snapshot untouched: `after` is
 * the very same object as `before` and there are no effects.
 */
export function step(snapshot: Snapshot, event: PeeringEvent): StepResult {
  if (validateEvent(snapshot.lastPeeringReset, event) === undefined) {
    return { before: snapshot, after: snapshot, from: snapshot.state, to: snapshot.state, effects: [] };
  }
  return stepValidated(snapshot, event);
}
