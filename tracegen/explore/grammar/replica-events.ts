/**
 * Replica-side events: activation payloads (consistent, sparse, or drawn
 * with their own authority and blob metadata) and recovery completions.
 */
import {
  primaryImage,
  primaryLength,
  type AuthorityImage,
  type Epoch,
  type ObjectAuthority,
  type ObjectId,
  type OsdId,
  type PeerInfo,
  type Snapshot,
} from '../../../reducer/index.js';
import { randomPeer, type ExploreContext } from './context.js';
import { cppImage, drawBlobMeta, drawIllFormed, drawImage } from './images.js';
import { epochBefore } from './primary-events.js';
import type { ExploreEvent, WireDetails } from './wire.js';

function activationSender(ctx: ExploreContext, snap: Snapshot): OsdId {
  const primary = snap.acting.osds.length === 0 ? -1 : (snap.acting.osds[0] as OsdId);
  if (primary < 0 || ctx.dice.oneIn(8)) return randomPeer(ctx, snap.whoami);
  return primary;
}

function activationEpoch(ctx: ExploreContext, snap: Snapshot): Epoch {
  const pick = ctx.dice.int(0, 19);
  if (pick < 3) return epochBefore(snap.epoch, 1);
  if (pick < 4) return 0;
  return snap.epoch;
}

function wireOf(raw: WireDetails['image'], nullFinalLen: boolean): WireDetails | undefined {
  if (raw === undefined && !nullFinalLen) return undefined;
  return { ...(raw === undefined ? {} : { image: raw }), ...(nullFinalLen ? { nullFinalLen } : {}) };
}

/** Authority entries for `image`, mostly backed by `from`, sometimes by other OSDs. */
function drawAuthority(ctx: ExploreContext, snap: Snapshot, from: OsdId, image: readonly (readonly [ObjectId, unknown])[]): AuthorityImage {
  const out: (readonly [ObjectId, ObjectAuthority])[] = [];
  for (const [obj, len] of image as readonly (readonly [ObjectId, number])[]) {
    const osd = ctx.dice.percent(75) ? from : ctx.dice.percent(50) ? snap.whoami : randomPeer(ctx, snap.whoami);
    out.push([obj, { osd, length: len }]);
  }
  return out;
}

export function genReplicaActivate(ctx: ExploreContext, snap: Snapshot): ExploreEvent {
  const { dice, features, pools } = ctx;
  const from = activationSender(ctx, snap);
  const epoch = activationEpoch(ctx, snap);
  const style = dice.int(0, 2);
  if (style === 0) {
    // As lean-core: one consistent authority snapshot.
    const authInfo: PeerInfo = {
      osd: from,
      committedSeq: snap.authSeq,
      committedLength: primaryLength(snap.authImage),
      image: snap.authImage,
      blobMeta: snap.authBlobMeta,
      lastEpochStarted: epoch,
      lastIntervalStarted: epoch,
    };
    return plainActivate(from, authInfo, snap.authSources, snap.authBlobMeta, snap.authSeq, epoch);
  }
  if (style === 1) {
    // As full: a sparse payload whose scalar length may disagree with the sources.
    const len = dice.int(50, 300);
    const seq = Number(snap.authSeq) > 0 ? snap.authSeq : len;
    const authInfo: PeerInfo = {
      osd: from,
      committedSeq: seq,
      committedLength: len,
      image: snap.authImage.length === 0 ? primaryImage(len) : snap.authImage,
      blobMeta: snap.authBlobMeta,
      lastEpochStarted: epoch,
      lastIntervalStarted: 0,
    };
    return plainActivate(from, authInfo, snap.authSources, snap.authBlobMeta, seq, epoch);
  }
  // A payload of its own: authority over the object pool, blob metadata that may or may not vouch for it.
  const drawn = drawImage(dice, pools, snap.localInfo.image);
  const raw = drawIllFormed(dice, features, pools, drawn);
  const image = raw === undefined ? drawn : cppImage(raw);
  const sources = dice.percent(20) ? [] : drawAuthority(ctx, snap, from, drawn);
  const authBlobMeta = drawBlobMeta(dice, features, pools, drawn);
  const seqPick = dice.int(0, 3);
  const seq = seqPick === 0 ? 0 : seqPick === 1 ? Number(primaryLength(image)) : dice.int(0, 300);
  const authInfo: PeerInfo = {
    osd: from,
    committedSeq: dice.percent(70) ? seq : dice.int(0, 300),
    committedLength: primaryLength(image),
    image,
    blobMeta: dice.percent(60) ? authBlobMeta : drawBlobMeta(dice, features, pools, image),
    lastEpochStarted: epoch,
    lastIntervalStarted: dice.percent(50) ? epoch : 0,
  };
  const nullFinalLen = (authBlobMeta.length > 0 || authInfo.blobMeta.length > 0) && dice.percent(40);
  return {
    event: { type: 'ReplicaActivate', from, authInfo, authSources: sources, authBlobMeta, authoritativeSeq: seq, activationEpoch: epoch },
    wire: wireOf(raw, nullFinalLen),
  };
}

function plainActivate(from: OsdId, authInfo: PeerInfo, authSources: AuthorityImage, authBlobMeta: PeerInfo['blobMeta'], seq: PeerInfo['committedSeq'], epoch: Epoch): ExploreEvent {
  return {
    event: { type: 'ReplicaActivate', from, authInfo, authSources, authBlobMeta, authoritativeSeq: seq, activationEpoch: epoch },
    wire: undefined,
  };
}

export function genReplicaRecoveryComplete(ctx: ExploreContext, snap: Snapshot): ExploreEvent {
  const { dice, features, pools } = ctx;
  const drawn = dice.percent(60) ? snap.authImage : drawImage(dice, pools, snap.authImage);
  const raw = drawIllFormed(dice, features, pools, drawn);
  const image = raw === undefined ? drawn : cppImage(raw);
  let len = primaryLength(image);
  if (dice.oneIn(5)) len = dice.int(0, 300);
  let seq = Number(snap.authSeq) > 0 ? snap.authSeq : len;
  if (dice.oneIn(5)) seq = dice.int(0, 300);
  else if (dice.oneIn(6)) seq = 0;
  const epoch = dice.oneIn(5) ? epochBefore(snap.epoch, 1) : snap.epoch;
  return {
    event: { type: 'ReplicaRecoveryComplete', newCommittedSeq: seq, newCommittedLength: len, recoveredImage: image.length === 0 && dice.percent(50) ? primaryImage(len) : image, activationEpoch: epoch },
    wire: wireOf(raw, false),
  };
}
