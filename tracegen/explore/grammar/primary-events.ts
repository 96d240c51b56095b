/** Primary-side progress events: up_thru, recovery completions. */
import { setHas, type Epoch, type OsdId, type Snapshot } from '../../../reducer/index.js';
import { randomPeer, type ExploreContext } from './context.js';
import type { ExploreEvent } from './wire.js';

/** uint32 decrement clamped as upstream's generator does. */
export function epochBefore(epoch: Epoch, floor: Epoch): Epoch {
  return epoch > 1 ? epoch - 1 : floor;
}

function completionEpoch(ctx: ExploreContext, snap: Snapshot): Epoch {
  return ctx.dice.oneIn(5) ? epochBefore(snap.lastPeeringReset, 0) : snap.lastPeeringReset;
}

export function genUpThruUpdated(ctx: ExploreContext, snap: Snapshot): ExploreEvent {
  const epoch = ctx.dice.oneIn(5) ? epochBefore(snap.epoch, 1) : snap.epoch;
  return { event: { type: 'UpThruUpdated', epoch }, wire: undefined };
}

export function genRecoveryComplete(ctx: ExploreContext, snap: Snapshot): ExploreEvent {
  const targets = snap.recoveryTargets;
  const peer: OsdId = targets.length > 0 && ctx.dice.percent(70) ? ctx.dice.pick(targets) : randomPeer(ctx, snap.whoami);
  return { event: { type: 'RecoveryComplete', peer, epoch: completionEpoch(ctx, snap) }, wire: undefined };
}

export function genAllReplicasRecovered(ctx: ExploreContext, snap: Snapshot): ExploreEvent {
  const epoch = completionEpoch(ctx, snap);
  const peers = snap.recoveryTargets.filter((osd) => !setHas(snap.recovered, osd));
  if (ctx.dice.oneIn(5)) {
    if (peers.length > 0) peers.pop();
    else peers.push(randomPeer(ctx, snap.whoami));
  }
  return { event: { type: 'AllReplicasRecovered', epoch, peers }, wire: undefined };
}
