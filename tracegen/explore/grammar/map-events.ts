/**
 * Map-level events: Initialize (first and repeated) and AdvanceMap, with the
 * set shapes upstream never draws: holes (-1), empty acting/up sets, an up
 * set that differs from acting, whoami -1, prior OSDs nobody else knows.
 */
import { primaryLength, type ActingSet, type Epoch, type OsdId, type PeeringEvent, type PGInfo, type Snapshot } from '../../../reducer/index.js';
import { type ExploreContext } from './context.js';
import { STRANGER_OSD } from './ids.js';
import { cppImage, drawBlobMeta, drawIllFormed, drawImage } from './images.js';
import type { ExploreEvent, WireDetails } from './wire.js';

export const INITIAL_EPOCH: Epoch = 10;

/** Puts `osd` at index `at` of `list`, moving whatever was there to where `osd` was (or dropping it). */
function placeAt(list: OsdId[], osd: OsdId, at: number): void {
  const from = list.indexOf(osd);
  if (from === at) return;
  if (from >= 0) list[from] = list[at] as OsdId;
  list[at] = osd;
}

/** Where `whoami` goes in a drawn acting list: first (7 in 10), another slot (2), wherever the shuffle put it (1). */
const ROLE_WEIGHTS: readonly number[] = [7, 2, 1];
const PRIMARY = 0;
const REPLICA = 1;

/** An acting (or up) list for `whoami`: primary 70%, replica 20%, else wherever the draw puts it; sometimes with holes, or empty. */
export function drawActingList(ctx: ExploreContext, whoami: OsdId, poolSize: number): OsdId[] {
  return ctx.dice.sub(actingList, ctx, whoami, poolSize);
}

function actingList(ctx: ExploreContext, whoami: OsdId, poolSize: number): OsdId[] {
  const { dice, features, pools } = ctx;
  if (features.has('empty-sets') && dice.percent(12)) return [];
  const size = dice.int(1, Math.max(1, Math.min(pools.osds.length, poolSize)));
  const list = dice.shuffled(pools.osds).slice(0, size);
  const role = dice.weighted(ROLE_WEIGHTS);
  if (whoami >= 0 && (role === PRIMARY || (role === REPLICA && list.length === 1))) placeAt(list, whoami, 0);
  else if (whoami >= 0 && role === REPLICA) placeAt(list, whoami, dice.int(1, list.length - 1));
  if (features.has('acting-holes') && dice.percent(35)) {
    // A hole anywhere, the primary slot included now and then.
    const at = list.length > 1 && dice.percent(80) ? dice.int(1, list.length - 1) : 0;
    if (dice.percent(50) || list.length === 0) list.splice(at, 0, -1);
    else list[at] = -1;
  }
  return list;
}

function drawPriorOsds(ctx: ExploreContext): OsdId[] {
  return ctx.dice.sub(priorOsds, ctx);
}

function priorOsds(ctx: ExploreContext): OsdId[] {
  const { dice, features, pools } = ctx;
  const out: OsdId[] = [];
  const n = dice.int(1, 2);
  for (let i = 0; i < n; i++) out.push(dice.pick(pools.osds));
  if (features.has('map-churn') && dice.percent(30)) out.push(dice.percent(50) ? -1 : STRANGER_OSD);
  return out;
}

function drawUp(ctx: ExploreContext, acting: readonly OsdId[], whoami: OsdId, poolSize: number): readonly OsdId[] {
  return ctx.dice.sub(upFor, ctx, acting, whoami, poolSize);
}

function upFor(ctx: ExploreContext, acting: readonly OsdId[], whoami: OsdId, poolSize: number): readonly OsdId[] {
  if (!ctx.features.has('map-churn') || ctx.dice.percent(70)) return acting;
  return ctx.dice.percent(50) ? ctx.dice.shuffled(acting) : drawActingList(ctx, whoami, poolSize);
}

function drawLocalInfo(ctx: ExploreContext, pgid: number, epoch: Epoch): { info: PGInfo; wire: WireDetails | undefined } {
  return ctx.dice.sub(localInfo, ctx, pgid, epoch);
}

function localInfo(ctx: ExploreContext, pgid: number, epoch: Epoch): { info: PGInfo; wire: WireDetails | undefined } {
  const { dice } = ctx;
  const drawn = drawImage(ctx, []);
  const raw = drawIllFormed(ctx, drawn);
  const image = raw === undefined ? drawn : cppImage(raw);
  const len = primaryLength(image);
  const seq = dice.percent(70) ? Number(len) : dice.value('length', 0, 300);
  const les = dice.percent(70) ? epoch : dice.value('epoch', 0, epoch);
  const info: PGInfo = {
    pgid,
    committedSeq: seq,
    committedLength: len,
    image,
    blobMeta: drawBlobMeta(ctx, image),
    lastEpochStarted: les,
    lastIntervalStarted: dice.percent(70) ? les : dice.value('epoch', 0, les),
    lastEpochClean: 0,
    epochCreated: 0,
    sameIntervalSince: 0,
    sameUpSince: 0,
    samePrimarySince: 0,
  };
  const nullFinalLen = info.blobMeta.length > 0 && dice.percent(40);
  const wire = raw === undefined && !nullFinalLen ? undefined : { ...(raw === undefined ? {} : { image: raw }), ...(nullFinalLen ? { nullFinalLen } : {}) };
  return { info, wire };
}

/**
 * Whoami for an Initialize: a pool OSD, or -1. A trace with whoami -1 stays
 * an outsider until the next Initialize, so -1 is rarer on the first one.
 */
function drawWhoami(ctx: ExploreContext, first: boolean): OsdId {
  const { dice, features, pools } = ctx;
  if (features.has('whoami-none') && dice.percent(first ? 10 : 35)) return -1;
  return dice.pick(pools.osds);
}

export function genInitialize(ctx: ExploreContext, previous: Snapshot | undefined): ExploreEvent {
  const { dice, pools } = ctx;
  const poolSize = dice.value('pool-size', 1, Math.min(pools.osds.length, 3));
  const poolMinSize = dice.value('min-size', 1, poolSize);
  const whoami = drawWhoami(ctx, previous === undefined);
  const epoch = previous === undefined ? INITIAL_EPOCH : dice.value('epoch', 0, 2, (d) => previous.epoch + d);
  // No OSD and no acting set: the C++ reducer reads -1 as the empty set's primary.
  const osds = whoami < 0 && ctx.features.has('empty-sets') && dice.percent(40) ? [] : drawActingList(ctx, whoami, poolSize);
  const acting: ActingSet = { osds, epoch };
  const upOsds = drawUp(ctx, osds, whoami, poolSize);
  const up: ActingSet = upOsds === osds ? acting : { osds: upOsds, epoch };
  const local = drawLocalInfo(ctx, 1, epoch);
  const event: PeeringEvent = {
    type: 'Initialize',
    pgid: 1,
    whoami,
    epoch,
    acting,
    up,
    poolSize,
    poolMinSize,
    localInfo: local.info,
    priorOsds: dice.percent(25) ? drawPriorOsds(ctx) : [],
  };
  return { event, wire: local.wire };
}

/**
 * min_size moves that take an active primary Down and bring it back: the
 * path on which recovery bookkeeping outlives a trip through Down.
 */
function churnMinSize(ctx: ExploreContext, snap: Snapshot, current: number): number {
  const { dice } = ctx;
  // Above the acting set's size, so the primary cannot stay active.
  if ((snap.state === 'Recovering' || snap.state === 'Clean') && dice.percent(25)) return Math.max(current, snap.acting.osds.length + 1);
  if (snap.state === 'Down' && current > 1 && dice.percent(60)) return 1;
  return current;
}

export function genAdvanceMap(ctx: ExploreContext, snap: Snapshot): ExploreEvent {
  const { dice, features, pools } = ctx;
  const churn = features.has('map-churn');
  const newInterval = dice.percent(40);
  let poolSize = snap.poolSize;
  if (churn && dice.percent(12)) poolSize = dice.value('pool-size', 1, Math.min(pools.osds.length, 3));
  let poolMinSize = snap.poolMinSize;
  if (dice.oneIn(10) || poolSize !== snap.poolSize) poolMinSize = dice.value('min-size', 1, Math.max(1, poolSize));
  else if (churn && !newInterval) poolMinSize = churnMinSize(ctx, snap, poolMinSize);
  // A map that only moves pool parameters may keep the epoch: no up_thru round trip before activating.
  const keepEpoch = poolMinSize !== snap.poolMinSize && !newInterval && dice.percent(70);
  const newEpoch = keepEpoch ? snap.epoch >>> 0 : churn && dice.percent(20) ? dice.value('epoch', 0, 3, (d) => (snap.epoch + d) >>> 0) : (snap.epoch + 1) >>> 0;
  const osds = newInterval ? drawActingList(ctx, snap.whoami, poolSize) : snap.acting.osds;
  const upOsds = newInterval || (churn && dice.percent(15)) ? drawUp(ctx, osds, snap.whoami, poolSize) : snap.up.osds === snap.acting.osds ? osds : snap.up.osds;
  const acting: ActingSet = { osds, epoch: newEpoch };
  const up: ActingSet = upOsds === osds ? acting : { osds: upOsds, epoch: newEpoch };
  const priorOsds = newInterval && dice.oneIn(3) ? drawPriorOsds(ctx) : [];
  return {
    event: { type: 'AdvanceMap', newEpoch, newActing: acting, newUp: up, newPoolSize: poolSize, newPoolMinSize: poolMinSize, priorOsds },
    wire: undefined,
  };
}
