/**
 * Image shapes: well-formed object images drawn relative to the current
 * authority (so complete, short and long peers all occur), blob metadata,
 * and the ill-formed raw lists (zero-length, unsorted, duplicate entries)
 * that only a wire format can carry.
 */
import { mapFromEntries, lookupLength, type BlobMeta, type BlobMetaImage, type Length, type ObjectId, type ObjectImage } from '../../../reducer/index.js';
import type { Chooser } from './chooser.js';
import type { ExploreContext } from './context.js';
import type { FeatureSet } from './features.js';
import type { IdPools } from './ids.js';

export type ImageEntry = readonly [ObjectId, Length];

/** How an event image departs from a canonical, ascending, duplicate-free list of positive lengths. */
export type IllFormedTag = 'zero-length' | 'unsorted' | 'duplicate-object';

export interface RawImage {
  /** Entries exactly as written on the wire. */
  readonly entries: readonly ImageEntry[];
  readonly tags: readonly IllFormedTag[];
}

/** Equal to the base (2 in 6), shorter (1), longer (1) or unrelated (2). */
const RELATION_WEIGHTS: readonly number[] = [2, 1, 1, 2];

/** A length related to `base`: equal, shorter, longer or unrelated. */
function relatedLength(dice: Chooser, base: number): number {
  switch (dice.weighted(RELATION_WEIGHTS)) {
    case 0:
      return base;
    case 1:
      return base > 0 ? dice.value('length', 0, base - 1) : 0;
    case 2:
      return dice.value('length', 1, 60, (d) => base + d);
    default:
      return dice.value('length', 0, 300);
  }
}

/**
 * A canonical image over the object pool, each object's length related to
 * `reference` (usually the current authority).
 */
export function drawImage(ctx: ExploreContext, reference: ObjectImage): ObjectImage {
  return ctx.dice.sub(imageRelatedTo, ctx, reference);
}

function imageRelatedTo(ctx: ExploreContext, reference: ObjectImage): ObjectImage {
  const { dice, pools } = ctx;
  const entries: ImageEntry[] = [];
  for (const obj of pools.objects) {
    const base = Number(lookupLength(reference, obj));
    if (obj !== 0 && base === 0 && dice.percent(50)) continue;
    const len = relatedLength(dice, base);
    if (len > 0) entries.push([obj, len]);
  }
  return mapFromEntries(entries);
}

const FINAL_LEN_WEIGHTS: readonly number[] = [6, 2, 2];

function drawBlobMetaEntry(dice: Chooser, len: Length): BlobMeta {
  const sealed = dice.percent(70);
  // Mostly the object's own length (6 in 10), so authority can vouch for it; else longer (2) or unknown (2).
  const pick = dice.weighted(FINAL_LEN_WEIGHTS);
  const finalLen = pick === 0 ? len : pick === 1 ? dice.value('length', 1, 20, (d) => Number(len) + d) : undefined;
  return { sealed, finalLen };
}

/** Blob metadata for some objects of `image` (and, rarely, one it lacks). */
export function drawBlobMeta(ctx: ExploreContext, image: ObjectImage): BlobMetaImage {
  return ctx.dice.sub(blobMetaFor, ctx, image);
}

function blobMetaFor(ctx: ExploreContext, image: ObjectImage): BlobMetaImage {
  const { dice, features, pools } = ctx;
  if (!features.has('blob-meta') || dice.percent(30)) return [];
  const entries: (readonly [ObjectId, BlobMeta])[] = [];
  for (const [obj, len] of image) if (dice.percent(60)) entries.push([obj, drawBlobMetaEntry(dice, len)]);
  if (dice.oneIn(6)) {
    const obj = dice.pick(pools.objects);
    entries.push([obj, drawBlobMetaEntry(dice, lookupLength(image, obj))]);
  }
  return mapFromEntries(entries);
}

function otherObject(dice: Chooser, pools: IdPools, image: ObjectImage): ObjectId {
  const absent = pools.objects.filter((o) => lookupLength(image, o) === 0);
  return absent.length > 0 ? dice.pick(absent) : dice.value('object', 0, 9, (d) => 1000 + d);
}

type Defect = 'zero' | 'duplicate' | 'unsorted';

function enabledDefects(features: FeatureSet, image: ObjectImage): Defect[] {
  const out: Defect[] = [];
  if (features.has('zero-length-entries')) out.push('zero');
  if (features.has('duplicate-entries') && image.length > 0) out.push('duplicate');
  if (features.has('unsorted-images')) out.push('unsorted');
  return out;
}

/** Inserts `entry` where it keeps an ascending list ascending. */
function insertSorted(entries: ImageEntry[], entry: ImageEntry): void {
  let at = 0;
  while (at < entries.length && entries[at]![0] <= entry[0]) at++;
  entries.splice(at, 0, entry);
}

/**
 * Possibly turns a canonical image into an ill-formed wire list, as the
 * enabled features allow. One defect at a time, so the catalogue can tell
 * which one a divergence needs. Returns undefined when the image stays canonical.
 */
export function drawIllFormed(ctx: ExploreContext, image: ObjectImage): RawImage | undefined {
  return ctx.dice.sub(illFormedFrom, ctx, image);
}

function illFormedFrom(ctx: ExploreContext, image: ObjectImage): RawImage | undefined {
  const { dice, features, pools } = ctx;
  const defects = enabledDefects(features, image);
  if (defects.length === 0 || !dice.percent(30)) return undefined;
  const entries: ImageEntry[] = image.slice();
  switch (dice.pick(defects)) {
    case 'zero': {
      const obj = entries.length > 0 && dice.oneIn(3) ? entries[dice.int(0, entries.length - 1)]![0] : otherObject(dice, pools, image);
      const at = entries.findIndex((e) => e[0] === obj);
      if (at >= 0) entries.splice(at, 1);
      insertSorted(entries, [obj, 0]);
      break;
    }
    case 'duplicate': {
      const at = dice.int(0, entries.length - 1);
      const [obj, len] = entries[at]!;
      const other = dice.percent(60) && Number(len) > 1 ? dice.value('length', 1, Number(len) - 1) : dice.value('length', 1, 50, (d) => Number(len) + d);
      // Before or after the original: which copy a last-wins decoder keeps differs.
      entries.splice(dice.percent(50) ? at + 1 : at, 0, [obj, other]);
      break;
    }
    case 'unsorted':
      if (entries.length < 2) insertSorted(entries, [otherObject(dice, pools, image), dice.value('length', 1, 200)]);
      entries.reverse();
      break;
  }
  const tags = illFormedTags(entries);
  return tags.length === 0 ? undefined : { entries, tags };
}

/** What keeps a wire list from being canonical, judged from the list itself. */
export function illFormedTags(entries: readonly ImageEntry[]): IllFormedTag[] {
  const tags: IllFormedTag[] = [];
  const seen = new Set<ObjectId>();
  let zero = false;
  let duplicate = false;
  let unsorted = false;
  for (let i = 0; i < entries.length; i++) {
    const [obj, len] = entries[i]!;
    if (Number(len) === 0) zero = true;
    if (seen.has(obj)) duplicate = true;
    seen.add(obj);
    if (i > 0 && entries[i - 1]![0] > obj) unsorted = true;
  }
  if (zero) tags.push('zero-length');
  if (unsorted) tags.push('unsorted');
  if (duplicate) tags.push('duplicate-object');
  return tags;
}

/** The image a C++ decoder builds from a wire list: sorted by object, a repeated object keeps its last entry. */
export function cppImage(raw: RawImage): ObjectImage {
  return mapFromEntries(raw.entries);
}
