/**
 * Peer replies and timeouts: expected answers, and the late, duplicate,
 * stale and unsolicited ones a real network delivers in any state.
 */
import { mapGet, primaryLength, setHas, type Epoch, type OsdId, type PeerInfo, type Snapshot } from '../../../reducer/index.js';
import { knownPeers, peerFrom, unknownPeer, type ExploreContext } from './context.js';
import { cppImage, drawBlobMeta, drawIllFormed, drawImage } from './images.js';
import type { ExploreEvent } from './wire.js';

/** Who sends a PeerInfoReceived, and how its query epoch relates to the interval. */
export type PeerReplyKind = 'expected' | 'late' | 'duplicate' | 'stale' | 'unknown';

function sender(ctx: ExploreContext, snap: Snapshot, kind: PeerReplyKind): OsdId {
  const { dice } = ctx;
  switch (kind) {
    case 'expected': {
      const waiting = snap.peersQueried.filter((o) => !setHas(snap.peersResponded, o));
      return peerFrom(ctx, waiting.length > 0 ? waiting : knownPeers(snap), snap.whoami);
    }
    case 'duplicate': {
      const stored = snap.peerInfo.map((e) => e[0]).filter((o) => o !== snap.whoami);
      return peerFrom(ctx, stored.length > 0 ? stored : knownPeers(snap), snap.whoami);
    }
    case 'unknown':
      return unknownPeer(ctx, snap);
    case 'late':
    case 'stale':
      // Now and then a reply claiming to come from ourselves.
      if (snap.whoami >= 0 && dice.oneIn(12)) return snap.whoami;
      return peerFrom(ctx, knownPeers(snap), snap.whoami);
  }
}

function queryEpoch(ctx: ExploreContext, snap: Snapshot, kind: PeerReplyKind): Epoch {
  const { dice } = ctx;
  const reset = snap.lastPeeringReset;
  if (kind === 'stale') return reset > 1 ? Math.max(1, reset - dice.int(1, 3)) : reset;
  const pick = dice.int(0, 9);
  if (pick < 7) return reset;
  if (pick < 9) return 0;
  return snap.epoch;
}

function drawPeerInfo(ctx: ExploreContext, snap: Snapshot, from: OsdId, kind: PeerReplyKind): { info: PeerInfo; wire: ExploreEvent['wire'] } {
  const { dice, features, pools } = ctx;
  const stored = kind === 'duplicate' ? mapGet(snap.peerInfo, from) : undefined;
  const reference = stored !== undefined && dice.percent(50) ? stored.image : snap.authImage.length > 0 ? snap.authImage : snap.localInfo.image;
  // An acting peer sometimes reports that it caught up with authority meanwhile.
  const caughtUp = snap.authImage.length > 0 && snap.acting.osds.includes(from) && dice.percent(30);
  const drawn = caughtUp ? snap.authImage : drawImage(dice, pools, reference);
  const raw = drawIllFormed(dice, features, pools, drawn);
  const image = raw === undefined ? drawn : cppImage(raw);
  const len = primaryLength(image);
  const seqPick = caughtUp ? 0 : dice.int(0, 9);
  const seq = seqPick < 4 ? Number(snap.authSeq) : seqPick < 7 ? Number(len) : dice.int(0, 300);
  const les = dice.int(snap.epoch > 5 ? snap.epoch - 5 : 0, snap.epoch);
  const info: PeerInfo = {
    osd: from,
    committedSeq: seq,
    committedLength: len,
    image,
    blobMeta: drawBlobMeta(dice, features, pools, image),
    lastEpochStarted: les,
    lastIntervalStarted: dice.percent(60) ? 0 : dice.int(0, les),
  };
  const nullFinalLen = info.blobMeta.length > 0 && dice.percent(40);
  const wire = raw === undefined && !nullFinalLen ? undefined : { ...(raw === undefined ? {} : { image: raw }), ...(nullFinalLen ? { nullFinalLen } : {}) };
  return { info, wire };
}

export function genPeerInfoReceived(ctx: ExploreContext, snap: Snapshot, kind: PeerReplyKind): ExploreEvent {
  const from = sender(ctx, snap, kind);
  const { info, wire } = drawPeerInfo(ctx, snap, from, kind);
  return { event: { type: 'PeerInfoReceived', from, info, queryEpoch: queryEpoch(ctx, snap, kind) }, wire };
}

/** A timeout for a peer we queried, or (unknown) for one we never asked. */
export function genPeerQueryTimeout(ctx: ExploreContext, snap: Snapshot, unknown: boolean): ExploreEvent {
  if (unknown) return { event: { type: 'PeerQueryTimeout', peer: unknownPeer(ctx, snap) }, wire: undefined };
  const waiting = snap.peersQueried.filter((o) => !setHas(snap.peersResponded, o));
  const peer = peerFrom(ctx, waiting.length > 0 && ctx.dice.percent(80) ? waiting : knownPeers(snap), snap.whoami);
  return { event: { type: 'PeerQueryTimeout', peer }, wire: undefined };
}
