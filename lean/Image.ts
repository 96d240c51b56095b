/**
 * Mirror of upstream `Peering/Image.lean`: objectwise images, authority and
 * blob metadata, recovery gaps and plans. Images are lists: duplicates and
 * order are kept exactly where Lean keeps them.
 */
import {
  defaultBlobMeta,
  defaultObjectAuthority,
  primaryObjectId,
  withPeerInfo,
  withPGInfo,
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
} from './Types.js';

/** `List.eraseDups`: first occurrences, in order. */
export function eraseDups<T>(xs: readonly T[]): T[] {
  const out: T[] = [];
  for (const x of xs) if (!out.includes(x)) out.push(x);
  return out;
}

/**
 * `List.map`, into a packed array. V8's `Array.prototype.map` returns a holey
 * one, a second hidden class for every list the mirror walks, and each
 * shape an optimized function has not seen yet makes it deoptimize.
 */
export function listMap<T, U>(xs: readonly T[], f: (x: T) => U): U[] {
  const out: U[] = [];
  for (const x of xs) out.push(f(x));
  return out;
}

export function maxNat<T extends number | bigint>(a: T, b: T): T {
  return a < b ? b : a;
}

export function minNat<T extends number | bigint>(a: T, b: T): T {
  return a <= b ? a : b;
}

export function objectImageSupport(image: ObjectImage): ObjectId[] {
  return eraseDups(listMap(image.entries, (e) => e[0]));
}

export function authorityImageSupport(image: AuthorityImage): ObjectId[] {
  return eraseDups(listMap(image.entries, (e) => e[0]));
}

export function blobMetaImageSupport(image: BlobMetaImage): ObjectId[] {
  return eraseDups(listMap(image.entries, (e) => e[0]));
}

export function singletonImage(obj: ObjectId, len: Length): ObjectImage {
  return len === 0 ? { entries: [] } : { entries: [[obj, len]] };
}

export function primaryImage(len: Length): ObjectImage {
  return singletonImage(primaryObjectId, len);
}

/** The longest length recorded for `obj` (0 when absent). */
export function lookupLength(image: ObjectImage, obj: ObjectId): Length {
  let best: Length = 0;
  for (const [o, len] of image.entries) if (o === obj && best < len) best = len;
  return best;
}

export function primaryLength(image: ObjectImage): Length {
  return lookupLength(image, primaryObjectId);
}

/** An empty image with a non-zero committed length stands for the primary object. */
export function effectivePeerImage(info: PeerInfo): ObjectImage {
  return info.image.entries.length !== 0 || info.committedLength === 0 ? info.image : primaryImage(info.committedLength);
}

export function effectivePGImage(info: PGInfo): ObjectImage {
  return info.image.entries.length !== 0 || info.committedLength === 0 ? info.image : primaryImage(info.committedLength);
}

// Values are immutable, so an already normalised info is returned as is.
export function normalizedPeerInfo(info: PeerInfo): PeerInfo {
  const image = effectivePeerImage(info);
  const committedLength = primaryLength(image);
  return image === info.image && committedLength === info.committedLength ? info : withPeerInfo(info, { image, committedLength });
}

export function normalizedPGInfo(info: PGInfo): PGInfo {
  const image = effectivePGImage(info);
  const committedLength = primaryLength(image);
  return image === info.image && committedLength === info.committedLength ? info : withPGInfo(info, { image, committedLength });
}

export function joinImage(lhs: ObjectImage, rhs: ObjectImage): ObjectImage {
  return { entries: [...lhs.entries, ...rhs.entries] };
}

export function joinImages(images: readonly ObjectImage[]): ObjectImage {
  return images.reduce(joinImage, { entries: [] });
}

export function appendReadablePrefix(image: ObjectImage, obj: ObjectId, delta: Length): ObjectImage {
  return joinImage(image, singletonImage(obj, addNat(lookupLength(image, obj), delta)));
}

/** Unbounded addition, kept canonical. */
export function addNat(a: Length, b: Length): Length {
  if (typeof a === 'number' && typeof b === 'number') {
    const sum = a + b;
    if (Number.isSafeInteger(sum)) return sum;
  }
  const big = BigInt(a) + BigInt(b);
  return big <= 9007199254740991n ? Number(big) : big;
}

export function clampImageTo(auth: ObjectImage, image: ObjectImage): ObjectImage {
  const entries: (readonly [ObjectId, Length])[] = [];
  for (const obj of objectImageSupport(image)) {
    const bounded = minNat(lookupLength(auth, obj), lookupLength(image, obj));
    if (bounded !== 0) entries.push([obj, bounded]);
  }
  return { entries };
}

export function imageRecoveryGaps(localImage: ObjectImage, auth: ObjectImage): ObjRecovery[] {
  const out: ObjRecovery[] = [];
  for (const obj of objectImageSupport(auth)) {
    const fromLength = lookupLength(localImage, obj);
    const toLength = lookupLength(auth, obj);
    if (fromLength < toLength) out.push({ obj, source: -1, fromLength, toLength });
  }
  return out;
}

/**
 * The longest authority for `obj`; among equal lengths the earliest entry
 * wins (Lean recurses from the tail and prefers the head on `≤`).
 */
export function lookupAuthority(auth: AuthorityImage, obj: ObjectId): ObjectAuthority {
  let best: ObjectAuthority = defaultObjectAuthority;
  const entries = auth.entries;
  for (let i = entries.length - 1; i >= 0; i--) {
    const [o, authority] = entries[i]!;
    if (o === obj && best.authorityLength <= authority.authorityLength) best = authority;
  }
  return best;
}

/** The first blob metadata recorded for `obj` (default when absent). */
export function lookupBlobMeta(blobMeta: BlobMetaImage, obj: ObjectId): BlobMeta {
  for (const [o, meta] of blobMeta.entries) if (o === obj) return meta;
  return defaultBlobMeta;
}

/** Sealed metadata of the authority's own peer, where its final length is the authority length. */
export function authoritativeBlobMeta(infos: readonly PeerInfo[], auth: AuthorityImage): BlobMetaImage {
  const entries: (readonly [ObjectId, BlobMeta])[] = [];
  for (const obj of authorityImageSupport(auth)) {
    const authority = lookupAuthority(auth, obj);
    const info = infos.find((i) => i.osd === authority.authorityOsd);
    if (info === undefined) continue;
    const meta = lookupBlobMeta(info.blobMeta, obj);
    if (meta.sealed && meta.finalLen !== null && meta.finalLen === authority.authorityLength) entries.push([obj, meta]);
  }
  return { entries };
}

export function imageRecoveryGapsFromAuthority(localImage: ObjectImage, auth: AuthorityImage): ObjRecovery[] {
  const out: ObjRecovery[] = [];
  for (const obj of authorityImageSupport(auth)) {
    const authority = lookupAuthority(auth, obj);
    const fromLength = lookupLength(localImage, obj);
    const toLength = authority.authorityLength;
    if (fromLength < toLength) out.push({ obj, source: authority.authorityOsd, fromLength, toLength });
  }
  return out;
}

export function authorityFromImage(source: OsdId, image: ObjectImage): AuthorityImage {
  const entries: (readonly [ObjectId, ObjectAuthority])[] = [];
  for (const obj of objectImageSupport(image)) {
    const len = lookupLength(image, obj);
    if (len !== 0) entries.push([obj, { authorityOsd: source, authorityLength: len }]);
  }
  return { entries };
}

export function authorityFromPeerInfo(info: PeerInfo): AuthorityImage {
  const normalized = normalizedPeerInfo(info);
  return authorityFromImage(normalized.osd, normalized.image);
}

/** Every peer's authority entries, concatenated in peer order. */
export function rawAuthoritySources(infos: readonly PeerInfo[]): AuthorityImage {
  const entries: (readonly [ObjectId, ObjectAuthority])[] = [];
  for (const info of infos) entries.push(...authorityFromPeerInfo(info).entries);
  return { entries };
}

export function canonicalAuthorityImage(raw: AuthorityImage): AuthorityImage {
  const entries: (readonly [ObjectId, ObjectAuthority])[] = [];
  for (const obj of authorityImageSupport(raw)) {
    const authority = lookupAuthority(raw, obj);
    if (authority.authorityLength !== 0) entries.push([obj, authority]);
  }
  return { entries };
}

export function authorityImageValues(auth: AuthorityImage): ObjectImage {
  const entries: (readonly [ObjectId, Length])[] = [];
  for (const obj of authorityImageSupport(auth)) {
    const item = lookupAuthority(auth, obj);
    if (item.authorityLength !== 0) entries.push([obj, item.authorityLength]);
  }
  return { entries };
}

export function authoritativeSources(infos: readonly PeerInfo[]): AuthorityImage {
  return canonicalAuthorityImage(rawAuthoritySources(infos));
}

export function authoritativeImage(infos: readonly PeerInfo[]): ObjectImage {
  return authorityImageValues(authoritativeSources(infos));
}

export function authoritativeCommittedSeq(infos: readonly PeerInfo[]): JournalSeq {
  let best: JournalSeq = 0;
  for (const info of infos) best = maxNat(best, info.committedSeq);
  return best;
}

export function peerImageRecoveryPlan(auth: AuthorityImage, peer: PeerInfo): ObjRecovery[] {
  return imageRecoveryGapsFromAuthority(effectivePeerImage(peer), auth);
}

export function pgImageRecoveryPlan(auth: AuthorityImage, pg: PGInfo): ObjRecovery[] {
  return imageRecoveryGapsFromAuthority(effectivePGImage(pg), auth);
}

export function buildPeerRecoveryPlans(auth: AuthorityImage, authoritativeSeq: JournalSeq, peers: readonly PeerInfo[]): PeerRecoveryPlan[] {
  const out: PeerRecoveryPlan[] = [];
  for (const raw of peers) {
    const peer = normalizedPeerInfo(raw);
    const gaps = peerImageRecoveryPlan(auth, peer);
    if (gaps.length === 0 && peer.committedSeq >= authoritativeSeq) continue;
    out.push({ target: peer.osd, peerCommittedSeq: peer.committedSeq, authoritativeSeq, recoveries: gaps });
  }
  return out;
}
