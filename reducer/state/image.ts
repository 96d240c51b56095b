/**
 * Image algebra: objectwise readable prefixes, authority selection and
 * recovery gaps. All functions are pure and return fresh values.
 */
import { EMPTY, mapGet, mapSet } from './ordered.js';
import {
  PRIMARY_OBJECT,
  type AuthorityImage,
  type BlobMeta,
  type BlobMetaImage,
  type JournalSeq,
  type Length,
  type ObjectAuthority,
  type ObjectId,
  type ObjectImage,
  type ObjRecovery,
  type OsdId,
  type PeerInfo,
  type PeerRecoveryPlan,
  type PGInfo,
} from './types.js';

export function emptyPeerInfo(osd: OsdId = -1): PeerInfo {
  return {
    osd,
    committedSeq: 0,
    committedLength: 0,
    image: EMPTY,
    blobMeta: EMPTY,
    lastEpochStarted: 0,
    lastIntervalStarted: 0,
  };
}

export const EMPTY_PG_INFO: PGInfo = {
  pgid: 0,
  committedSeq: 0,
  committedLength: 0,
  image: EMPTY,
  blobMeta: EMPTY,
  lastEpochStarted: 0,
  lastIntervalStarted: 0,
  lastEpochClean: 0,
  epochCreated: 0,
  sameIntervalSince: 0,
  sameUpSince: 0,
  samePrimarySince: 0,
};

export function lookupLength(image: ObjectImage, obj: ObjectId): Length {
  return mapGet(image, obj) ?? 0;
}

export function primaryLength(image: ObjectImage): Length {
  return lookupLength(image, PRIMARY_OBJECT);
}

/** An image holding only object 0, or nothing when the length is zero. */
export function primaryImage(length: Length): ObjectImage {
  return length > 0 ? [[PRIMARY_OBJECT, length]] : EMPTY;
}

/** The image, or the scalar `committedLength` lifted into one when the image is empty. */
export function effectiveImage(info: PeerInfo | PGInfo): ObjectImage {
  if (info.image.length > 0 || info.committedLength === 0) return info.image;
  return primaryImage(info.committedLength);
}

/*
 * Updated copies of peer and PG infos are built by these two functions as full
 * literals, never by object spread: a spread result gets a different hidden
 * class than a literal, which makes every reader of these records polymorphic
 * and gets optimised code thrown away and recompiled partway through a run.
 */

export function withPeerInfo(info: PeerInfo, changes: Partial<PeerInfo>): PeerInfo {
  return {
    osd: changes.osd ?? info.osd,
    committedSeq: changes.committedSeq ?? info.committedSeq,
    committedLength: changes.committedLength ?? info.committedLength,
    image: changes.image ?? info.image,
    blobMeta: changes.blobMeta ?? info.blobMeta,
    lastEpochStarted: changes.lastEpochStarted ?? info.lastEpochStarted,
    lastIntervalStarted: changes.lastIntervalStarted ?? info.lastIntervalStarted,
  };
}

export function withPGInfo(info: PGInfo, changes: Partial<PGInfo>): PGInfo {
  return {
    pgid: changes.pgid ?? info.pgid,
    committedSeq: changes.committedSeq ?? info.committedSeq,
    committedLength: changes.committedLength ?? info.committedLength,
    image: changes.image ?? info.image,
    blobMeta: changes.blobMeta ?? info.blobMeta,
    lastEpochStarted: changes.lastEpochStarted ?? info.lastEpochStarted,
    lastIntervalStarted: changes.lastIntervalStarted ?? info.lastIntervalStarted,
    lastEpochClean: changes.lastEpochClean ?? info.lastEpochClean,
    epochCreated: changes.epochCreated ?? info.epochCreated,
    sameIntervalSince: changes.sameIntervalSince ?? info.sameIntervalSince,
    sameUpSince: changes.sameUpSince ?? info.sameUpSince,
    samePrimarySince: changes.samePrimarySince ?? info.samePrimarySince,
  };
}

/** Makes `image` and `committedLength` agree; returns the input when they already do. */
export function normalizedPeerInfo(info: PeerInfo): PeerInfo {
  const image = effectiveImage(info);
  const committedLength = primaryLength(image);
  if (image === info.image && committedLength === info.committedLength) return info;
  return withPeerInfo(info, { image, committedLength });
}

export function normalizedPGInfo(info: PGInfo): PGInfo {
  const image = effectiveImage(info);
  const committedLength = primaryLength(image);
  if (image === info.image && committedLength === info.committedLength) return info;
  return withPGInfo(info, { image, committedLength });
}

/** Pointwise maximum of two images. */
export function joinImage(lhs: ObjectImage, rhs: ObjectImage): ObjectImage {
  let joined = lhs;
  for (let i = 0; i < rhs.length; i++) {
    const obj = rhs[i]![0];
    const len = rhs[i]![1];
    const current = mapGet(joined, obj);
    if (current === undefined || current < len) joined = mapSet(joined, obj, len);
  }
  return joined;
}

/** `image` cut down to what `auth` holds; objects absent from `auth` vanish. */
export function clampImageTo(auth: ObjectImage, image: ObjectImage): ObjectImage {
  const clamped: (readonly [ObjectId, Length])[] = [];
  for (let i = 0; i < image.length; i++) {
    const entry = image[i]!;
    const authLen = lookupLength(auth, entry[0]);
    if (authLen > 0) {
      const bounded = entry[1] < authLen ? entry[1] : authLen;
      if (bounded > 0) clamped.push(bounded === entry[1] ? entry : [entry[0], bounded]);
    }
  }
  return clamped;
}

/** Every object of `lhs` is at most as long in `rhs`. */
export function prefixImage(lhs: ObjectImage, rhs: ObjectImage): boolean {
  for (let i = 0; i < lhs.length; i++) {
    const entry = lhs[i]!;
    if (entry[1] > lookupLength(rhs, entry[0])) return false;
  }
  return true;
}

/** Equal as images: zero-length entries count as absent. */
export function sameImage(lhs: ObjectImage, rhs: ObjectImage): boolean {
  return lhs === rhs || (prefixImage(lhs, rhs) && prefixImage(rhs, lhs));
}

export function imageRecoveryGaps(local: ObjectImage, auth: AuthorityImage): ObjRecovery[] {
  const gaps: ObjRecovery[] = [];
  for (let i = 0; i < auth.length; i++) {
    const obj = auth[i]![0];
    const source = auth[i]![1];
    const localLen = lookupLength(local, obj);
    if (localLen < source.length) {
      gaps.push({ obj, source: source.osd, fromLength: localLen, toLength: source.length });
    }
  }
  return gaps;
}

/** Per object, the first peer (in list order) with the strictly longest prefix. */
export function authoritativeSources(infos: readonly PeerInfo[]): AuthorityImage {
  // Built in place: the array is fresh and only escapes once complete.
  const auth: [ObjectId, ObjectAuthority][] = [];
  for (let i = 0; i < infos.length; i++) {
    const info = normalizedPeerInfo(infos[i]!);
    const image = info.image;
    for (let j = 0; j < image.length; j++) {
      const obj = image[j]![0];
      const len = image[j]![1];
      let at = 0;
      while (at < auth.length && auth[at]![0] < obj) at++;
      if (at === auth.length) {
        auth.push([obj, { osd: info.osd, length: len }]);
      } else if (auth[at]![0] !== obj) {
        auth.splice(at, 0, [obj, { osd: info.osd, length: len }]);
      } else if (auth[at]![1].length < len) {
        auth[at] = [obj, { osd: info.osd, length: len }];
      }
    }
  }
  return auth;
}

export function authoritativeCommittedSeq(infos: readonly PeerInfo[]): JournalSeq {
  let seq: JournalSeq = 0;
  for (let i = 0; i < infos.length; i++) {
    const committed = infos[i]!.committedSeq;
    if (committed > seq) seq = committed;
  }
  return seq;
}

export const DEFAULT_BLOB_META: BlobMeta = { sealed: false, finalLen: undefined };

export function lookupBlobMeta(meta: BlobMetaImage, obj: ObjectId): BlobMeta {
  return mapGet(meta, obj) ?? DEFAULT_BLOB_META;
}

export function sameBlobMeta(a: BlobMeta, b: BlobMeta): boolean {
  return a.sealed === b.sealed && a.finalLen === b.finalLen;
}

/**
 * Finalisation facts the authority can vouch for: a sealed blob whose final
 * length equals the authoritative length, as reported by the backing peer.
 */
export function authoritativeBlobMeta(infos: readonly PeerInfo[], auth: AuthorityImage): BlobMetaImage {
  let meta: BlobMetaImage = EMPTY;
  for (const [obj, authority] of auth) {
    const peer = infos.find((info) => info.osd === authority.osd);
    if (peer === undefined) continue;
    const item = lookupBlobMeta(peer.blobMeta, obj);
    if (item.sealed && item.finalLen === authority.length) meta = mapSet(meta, obj, item);
  }
  return meta;
}

export function authorityFromImage(source: OsdId, image: ObjectImage): AuthorityImage {
  const auth: (readonly [ObjectId, ObjectAuthority])[] = [];
  for (let i = 0; i < image.length; i++) {
    const entry = image[i]!;
    if (entry[1] > 0) auth.push([entry[0], { osd: source, length: entry[1] }]);
  }
  return auth;
}

export function authorityFromPeerInfo(raw: PeerInfo): AuthorityImage {
  const info = normalizedPeerInfo(raw);
  return authorityFromImage(info.osd, info.image);
}

/** The lengths of an authority map, dropping zero-length entries. */
export function authorityImageValues(auth: AuthorityImage): ObjectImage {
  const image: (readonly [ObjectId, Length])[] = [];
  for (let i = 0; i < auth.length; i++) {
    const entry = auth[i]!;
    if (entry[1].length > 0) image.push([entry[0], entry[1].length]);
  }
  return image;
}

export function authorityOsdFor(auth: AuthorityImage, obj: ObjectId): OsdId {
  return mapGet(auth, obj)?.osd ?? -1;
}

/** One plan per acting replica that misses bytes or journal progress. */
export function buildPeerRecoveryPlans(
  auth: AuthorityImage,
  authoritativeSeq: JournalSeq,
  peers: readonly PeerInfo[],
): PeerRecoveryPlan[] {
  const plans: PeerRecoveryPlan[] = [];
  for (let i = 0; i < peers.length; i++) {
    const peer = normalizedPeerInfo(peers[i]!);
    const recoveries = imageRecoveryGaps(peer.image, auth);
    if (recoveries.length > 0 || peer.committedSeq < authoritativeSeq) {
      plans.push({
        target: peer.osd,
        peerCommittedSeq: peer.committedSeq,
        authoritativeSeq,
        recoveries,
      });
    }
  }
  return plans;
}

export function sameObjRecovery(a: ObjRecovery, b: ObjRecovery): boolean {
  return a.obj === b.obj && a.source === b.source && a.fromLength === b.fromLength && a.toLength === b.toLength;
}

export function sameRecoveries(a: readonly ObjRecovery[], b: readonly ObjRecovery[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameObjRecovery(a[i]!, b[i]!)) return false;
  return true;
}

export function samePlans(a: readonly PeerRecoveryPlan[], b: readonly PeerRecoveryPlan[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (
      x.target !== y.target ||
      x.peerCommittedSeq !== y.peerCommittedSeq ||
      x.authoritativeSeq !== y.authoritativeSeq ||
      !sameRecoveries(x.recoveries, y.recoveries)
    ) {
      return false;
    }
  }
  return true;
}

export function sameBlobMetaImage(a: BlobMetaImage, b: BlobMetaImage): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x[0] !== y[0] || !sameBlobMeta(x[1], y[1])) return false;
  }
  return true;
}


/** Entry-for-entry equality: unlike `sameImage`, zero-length entries count. */
export function imageEqual(a: ObjectImage, b: ObjectImage): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x[0] !== y[0] || x[1] !== y[1]) return false;
  }
  return true;
}

export function authorityEqual(a: AuthorityImage, b: AuthorityImage): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x[0] !== y[0] || x[1].osd !== y[1].osd || x[1].length !== y[1].length) return false;
  }
  return true;
}

/** Field-for-field equality of two PG infos. */
export function pgInfoEqual(a: PGInfo, b: PGInfo): boolean {
  return (
    a.pgid === b.pgid &&
    a.committedSeq === b.committedSeq &&
    a.committedLength === b.committedLength &&
    imageEqual(a.image, b.image) &&
    sameBlobMetaImage(a.blobMeta, b.blobMeta) &&
    a.lastEpochStarted === b.lastEpochStarted &&
    a.lastIntervalStarted === b.lastIntervalStarted &&
    a.lastEpochClean === b.lastEpochClean &&
    a.epochCreated === b.epochCreated &&
    a.sameIntervalSince === b.sameIntervalSince &&
    a.sameUpSince === b.sameUpSince &&
    a.samePrimarySince === b.samePrimarySince
  );
}
