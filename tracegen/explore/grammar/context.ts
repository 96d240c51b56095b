/** What every explore event drawer needs: the chooser (seeded dice or an enumerator), the trace's features and id pools. */
import type { OsdId, Snapshot } from '../../../reducer/index.js';
import type { Chooser } from './chooser.js';
import type { FeatureSet } from './features.js';
import { STRANGER_OSD, type IdPools } from './ids.js';

export interface ExploreContext {
  readonly dice: Chooser;
  readonly features: FeatureSet;
  readonly pools: IdPools;
}

function addOsd(out: OsdId[], osd: OsdId, whoami: OsdId): void {
  if (osd >= 0 && osd !== whoami && !out.includes(osd)) out.push(osd);
}

/** OSDs the snapshot knows as peers (acting, up, prior, queried), without holes or ourselves. */
export function knownPeers(snap: Snapshot): OsdId[] {
  const out: OsdId[] = [];
  for (const osd of snap.acting.osds) addOsd(out, osd, snap.whoami);
  for (const osd of snap.up.osds) addOsd(out, osd, snap.whoami);
  for (const osd of snap.priorOsds) addOsd(out, osd, snap.whoami);
  for (const osd of snap.peersQueried) addOsd(out, osd, snap.whoami);
  return out;
}

/** A pool OSD other than ourselves (any pool OSD when we are the only one). */
export function randomPeer(ctx: ExploreContext, whoami: OsdId): OsdId {
  const others = ctx.pools.osds.filter((o) => o !== whoami);
  return others.length > 0 ? ctx.dice.pick(others) : ctx.dice.pick(ctx.pools.osds);
}

/** An OSD the snapshot does not know: a pool OSD outside every set, or one outside the pool. */
export function unknownPeer(ctx: ExploreContext, snap: Snapshot): OsdId {
  const known = knownPeers(snap);
  const outside = ctx.pools.osds.filter((o) => o !== snap.whoami && !known.includes(o));
  return outside.length > 0 && ctx.dice.percent(70) ? ctx.dice.pick(outside) : STRANGER_OSD;
}

/** A peer from `candidates`, or from the pool when there is none. */
export function peerFrom(ctx: ExploreContext, candidates: readonly OsdId[], whoami: OsdId): OsdId {
  return candidates.length > 0 ? ctx.dice.pick(candidates) : randomPeer(ctx, whoami);
}
