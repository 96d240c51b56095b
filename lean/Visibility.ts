/**
 * Mirror of upstream `Peering/Visibility.lean`: reads, appends and seals
 * against a readable-prefix image. Nothing in the replay checker reaches it;
 * it is mirrored so the model's client-visible operations can be tested.
 */
import { addNat, appendReadablePrefix, lookupLength } from './Image.js';
import type { BlobMeta, Length, ObjectId, ObjectImage } from './Types.js';

export interface ReadResult {
  readonly obj: ObjectId;
  readonly fromLength: Length;
  readonly toLength: Length;
}

export type AppendAck = ReadResult;

export interface AppendResult {
  readonly ack: AppendAck;
  readonly image: ObjectImage;
}

export interface SealAck {
  readonly obj: ObjectId;
  readonly finalLen: Length;
}

export interface SealResult {
  readonly ack: SealAck;
  readonly blobMeta: BlobMeta;
  readonly image: ObjectImage;
}

/** A read succeeds only inside the committed readable prefix. */
export function readFromReadable(image: ObjectImage, obj: ObjectId, fromLength: Length, readLen: Length): ReadResult | null {
  const toLength = addNat(fromLength, readLen);
  return toLength <= lookupLength(image, obj) ? { obj, fromLength, toLength } : null;
}

/** Appending to a sealed blob is refused. */
export function appendReadable(blobMeta: BlobMeta, image: ObjectImage, obj: ObjectId, delta: Length): AppendResult | null {
  if (blobMeta.sealed) return null;
  const fromLength = lookupLength(image, obj);
  const toLength = addNat(fromLength, delta);
  return { ack: { obj, fromLength, toLength }, image: appendReadablePrefix(image, obj, delta) };
}

export function sealBlob(blobMeta: BlobMeta, image: ObjectImage, obj: ObjectId): SealResult {
  const finalLen = lookupLength(image, obj);
  return { ack: { obj, finalLen }, blobMeta: { ...blobMeta, sealed: true, finalLen }, image };
}
