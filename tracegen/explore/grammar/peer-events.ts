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

const QUERY_EPOCH_WEIGHTS: readonly number[] = [7, 2, 1];

function queryEpoch(ctx: ExploreContext, snap: Snapshot, kind: PeerReplyKind): Epoch {
  const { dice } = ctx;
  const reset = snap.lastPeeringReset;
  if (kind === 'stale') return reset > 1 ? dice.value('epoch', 1, 3, (d) => Math.max(1, reset - d)) : reset;
  // The interval's reset (7 in 10), 0 (2) or the current epoch (1).
  const pick = dice.weighted(QUERY_EPOCH_WEIGHTS);
  if (pick === 0) return reset;
  if (pick === 1) return 0;
  return snap.epoch;
}

const SEQ_WEIGHTS: readonly number[] = [4, 3, 3];

function drawPeerInfo(ctx: ExploreContext, snap: Snapshot, from: OsdId, kind: PeerReplyKind): { info: PeerInfo; wire: ExploreEvent['wire'] } {
  const { dice } = ctx;
  const stored = kind === 'duplicate' ? mapGet(snap.peerInfo, from) : undefined;
  const reference = stored !== undefined && dice.percent(50) ? stored.image : snap.authImage.length > 0 ? snap.authImage : snap.localInfo.image;
  // An acting peer sometimes reports that it caught up with authority meanwhile.
  const caughtUp = snap.authImage.length > 0 && snap.acting.osds.includes(from) && dice.percent(30);
  const drawn = caughtUp ? snap.authImage : drawImage(ctx, reference);
  const raw = drawIllFormed(ctx, drawn);
  const image = raw === undefined ? drawn : cppImage(raw);
  const len = primaryLength(image);
  // Authority's sequence (4 in 10), the image's own length (3) or unrelated (3).
  const seqPick = caughtUp ? 0 : dice.weighted(SEQ_WEIGHTS);
  const seq = seqPick === 0 ? Number(snap.authSeq) : seqPick === 1 ? Number(len) : dice.value('length', 0, 300);
  const les = dice.value('epoch', snap.epoch > 5 ? snap.epoch - 5 : 0, snap.epoch);
  const info: PeerInfo = {
    osd: from,
    committedSeq: seq,
    committedLength: len,
    image,
    blobMeta: drawBlobMeta(ctx, image),
    lastEpochStarted: les,
    lastIntervalStarted: dice.percent(60) ? 0 : dice.value('epoch', 0, les),
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
