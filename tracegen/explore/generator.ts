/**
 * The explore profile's event source: deterministic from the seed, drawing
 * a feature set and id pools first, then one event per step from the
 * current snapshot's state.
 */
import type { Snapshot, State } from '../../reducer/index.js';
import { kindTables, type EventKind, type KindTable } from './grammar/choosers.js';
import type { ExploreContext } from './grammar/context.js';
import { Dice } from './grammar/dice.js';
import { drawFeatures, type FeatureSet } from './grammar/features.js';
import { drawIdPools } from './grammar/ids.js';
import { genAdvanceMap, genInitialize } from './grammar/map-events.js';
import { genPeerInfoReceived, genPeerQueryTimeout } from './grammar/peer-events.js';
import { genAllReplicasRecovered, genRecoveryComplete, genUpThruUpdated } from './grammar/primary-events.js';
import { genReplicaActivate, genReplicaRecoveryComplete } from './grammar/replica-events.js';
import { plain, type ExploreEvent } from './grammar/wire.js';

export class ExploreGenerator {
  readonly context: ExploreContext;
  private readonly tables: ReadonlyMap<State, KindTable>;

  constructor(seed: bigint) {
    const dice = new Dice(seed);
    const features = drawFeatures(dice.rng);
    const pools = drawIdPools(dice, features);
    this.context = { dice, features, pools };
    this.tables = kindTables(features);
  }

  get features(): FeatureSet {
    return this.context.features;
  }

  /** The first event; it names the trace's features on the wire. */
  genInitialize(): ExploreEvent {
    return genFirstEvent(this.context);
  }

  /** Events after Initialize: uniform in [min(50, n), n], as the other profiles. */
  drawEventCount(maxEvents: number): number {
    return this.context.dice.int(Math.min(50, maxEvents), maxEvents);
  }

  genEvent(snap: Snapshot): ExploreEvent {
    const table = this.tables.get(snap.state)!;
    const kind = table.kinds[this.context.dice.weighted(table.weights)]!;
    return genEventOfKind(this.context, kind, snap);
  }
}

/** A trace's first event: an Initialize naming the trace's features on the wire. */
export function genFirstEvent(ctx: ExploreContext): ExploreEvent {
  const first = genInitialize(ctx, undefined);
  return { event: first.event, wire: { ...first.wire, features: ctx.features.list() } };
}

/** An event of `kind` for the state `snap`, drawn with the context's chooser. */
export function genEventOfKind(ctx: ExploreContext, kind: EventKind, snap: Snapshot): ExploreEvent {
  switch (kind) {
    case 'advance-map':
      return genAdvanceMap(ctx, snap);
    case 'peer-info':
      return genPeerInfoReceived(ctx, snap, 'expected');
    case 'peer-info-late':
      return genPeerInfoReceived(ctx, snap, 'late');
    case 'peer-info-duplicate':
      return genPeerInfoReceived(ctx, snap, 'duplicate');
    case 'peer-info-stale':
      return genPeerInfoReceived(ctx, snap, 'stale');
    case 'peer-info-unknown':
      return genPeerInfoReceived(ctx, snap, 'unknown');
    case 'timeout':
      return genPeerQueryTimeout(ctx, snap, false);
    case 'timeout-unknown':
      return genPeerQueryTimeout(ctx, snap, true);
    case 'up-thru':
      return genUpThruUpdated(ctx, snap);
    case 'activate-committed':
      return plain({ type: 'ActivateCommitted' });
    case 'recovery-complete':
      return genRecoveryComplete(ctx, snap);
    case 'all-recovered':
      return genAllReplicasRecovered(ctx, snap);
    case 'replica-activate':
      return genReplicaActivate(ctx, snap);
    case 'replica-recovery':
      return genReplicaRecoveryComplete(ctx, snap);
    case 'delete-start':
      return plain({ type: 'DeleteStart' });
    case 'delete-complete':
      return plain({ type: 'DeleteComplete' });
    case 'initialize':
      return genInitialize(ctx, snap);
  }
}
