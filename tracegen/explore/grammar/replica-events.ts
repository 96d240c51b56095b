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

const ACTIVATION_EPOCH_WEIGHTS: readonly number[] = [3, 1, 16];

function activationEpoch(ctx: ExploreContext, snap: Snapshot): Epoch {
  // The epoch before (3 in 20), 0 (1) or the current one (16).
  const pick = ctx.dice.weighted(ACTIVATION_EPOCH_WEIGHTS);
  if (pick === 0) return epochBefore(snap.epoch, 1);
  if (pick === 1) return 0;
  return snap.epoch;
}

function wireOf(raw: WireDetails['image'], nullFinalLen: boolean): WireDetails | undefined {
  if (raw === undefined && !nullFinalLen) return undefined;
  return { ...(raw === undefined ? {} : { image: raw }), ...(nullFinalLen ? { nullFinalLen } : {}) };
}

/** Authority entries for `image`, mostly backed by `from`, sometimes by other OSDs. */
function drawAuthority(ctx: ExploreContext, whoami: OsdId, from: OsdId, image: readonly (readonly [ObjectId, unknown])[]): AuthorityImage {
  return ctx.dice.sub(authorityOf, ctx, whoami, from, image);
}

function authorityOf(ctx: ExploreContext, whoami: OsdId, from: OsdId, image: readonly (readonly [ObjectId, unknown])[]): AuthorityImage {
  const out: (readonly [ObjectId, ObjectAuthority])[] = [];
  for (const [obj, len] of image as readonly (readonly [ObjectId, number])[]) {
    const osd = ctx.dice.percent(75) ? from : ctx.dice.percent(50) ? whoami : randomPeer(ctx, whoami);
    out.push([obj, { osd, length: len }]);
  }
  return out;
}

const ACTIVATION_SEQ_WEIGHTS: readonly number[] = [1, 1, 2];

export function genReplicaActivate(ctx: ExploreContext, snap: Snapshot): ExploreEvent {
  const { dice } = ctx;
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
    const len = dice.value('length', 50, 300);
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
  const drawn = drawImage(ctx, snap.localInfo.image);
  const raw = drawIllFormed(ctx, drawn);
  const image = raw === undefined ? drawn : cppImage(raw);
  const sources = dice.percent(20) ? [] : drawAuthority(ctx, snap.whoami, from, drawn);
  const authBlobMeta = drawBlobMeta(ctx, drawn);
  // 0 (1 in 4), the image's length (1) or unrelated (2).
  const seqPick = dice.weighted(ACTIVATION_SEQ_WEIGHTS);
  const seq = seqPick === 0 ? 0 : seqPick === 1 ? Number(primaryLength(image)) : dice.value('length', 0, 300);
  const authInfo: PeerInfo = {
    osd: from,
    committedSeq: dice.percent(70) ? seq : dice.value('length', 0, 300),
    committedLength: primaryLength(image),
    image,
    blobMeta: dice.percent(60) ? authBlobMeta : drawBlobMeta(ctx, image),
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
  const { dice } = ctx;
  const drawn = dice.percent(60) ? snap.authImage : drawImage(ctx, snap.authImage);
  const raw = drawIllFormed(ctx, drawn);
  const image = raw === undefined ? drawn : cppImage(raw);
  let len = primaryLength(image);
  if (dice.oneIn(5)) len = dice.value('length', 0, 300);
  let seq = Number(snap.authSeq) > 0 ? snap.authSeq : len;
  if (dice.oneIn(5)) seq = dice.value('length', 0, 300);
  else if (dice.oneIn(6)) seq = 0;
  const epoch = dice.oneIn(5) ? epochBefore(snap.epoch, 1) : snap.epoch;
  return {
    event: { type: 'ReplicaRecoveryComplete', newCommittedSeq: seq, newCommittedLength: len, recoveredImage: image.length === 0 && dice.percent(50) ? primaryImage(len) : image, activationEpoch: epoch },
    wire: wireOf(raw, false),
  };
}
