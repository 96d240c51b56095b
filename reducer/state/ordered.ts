/**
 * Ordered containers with the iteration order of `std::map` / `std::set`.
 *
 * Upstream output order (trace JSON, recovery plans, probe order) follows key
 * order, so these are sorted arrays rather than JS `Map`s (which iterate in
 * insertion order). They are never mutated in place: an update returns a new
 * array, which lets snapshots share structure safely.
 *
 * Hot loops over them (here and in the image algebra) are indexed: `for...of`
 * and array destructuring go through the iterator protocol, which allocates
 * and is several times slower until the JIT optimises it, and a typical run
 * is short enough to spend much of its time before that.
 */
import type { U64 } from './u64.js';

export type OrdKey = number | U64;

/** Sorted by key, keys unique. */
export type OrdMap<K extends OrdKey, V> = readonly (readonly [K, V])[];

/** Sorted ascending, unique. */
export type OrdSet<T extends OrdKey> = readonly T[];

/**
 * The shared empty container. Not frozen on purpose: a frozen array has its
 * own elements kind, which would make every loop over images polymorphic.
 * The `readonly` type keeps it unmodified.
 */
export const EMPTY: readonly never[] = [];

export function mapGet<K extends OrdKey, V>(map: OrdMap<K, V>, key: K): V | undefined {
  for (let i = 0; i < map.length; i++) {
    const entry = map[i]!;
    if (entry[0] === key) return entry[1];
    if (entry[0] > key) return undefined;
  }
  return undefined;
}

export function mapHas<K extends OrdKey, V>(map: OrdMap<K, V>, key: K): boolean {
  for (let i = 0; i < map.length; i++) {
    const entry = map[i]!;
    if (entry[0] === key) return true;
    if (entry[0] > key) return false;
  }
  return false;
}

/** Insert or overwrite; returns a new map. */
export function mapSet<K extends OrdKey, V>(map: OrdMap<K, V>, key: K, value: V): OrdMap<K, V> {
  const out: (readonly [K, V])[] = [];
  let placed = false;
  for (let i = 0; i < map.length; i++) {
    const entry = map[i]!;
    if (!placed && entry[0] >= key) {
      out.push([key, value]);
      placed = true;
      if (entry[0] === key) continue;
    }
    out.push(entry);
  }
  if (!placed) out.push([key, value]);
  return out;
}

/** Builds a map from entries in any order; a later duplicate key wins. */
export function mapFromEntries<K extends OrdKey, V>(entries: Iterable<readonly [K, V]>): OrdMap<K, V> {
  let map: OrdMap<K, V> = EMPTY;
  for (const [key, value] of entries) map = mapSet(map, key, value);
  return map;
}

export function setHas<T extends OrdKey>(set: OrdSet<T>, item: T): boolean {
  for (let i = 0; i < set.length; i++) {
    const x = set[i]!;
    if (x === item) return true;
    if (x > item) return false;
  }
  return false;
}

/** Insert; returns the same array when the item is already present. */
export function setAdd<T extends OrdKey>(set: OrdSet<T>, item: T): OrdSet<T> {
  let index = 0;
  while (index < set.length && (set[index] as T) < item) index++;
  if (index < set.length && set[index] === item) return set;
  const out: T[] = [];
  for (let i = 0; i < index; i++) out.push(set[i]!);
  out.push(item);
  for (let i = index; i < set.length; i++) out.push(set[i]!);
  return out;
}

export function setFrom<T extends OrdKey>(items: Iterable<T>): OrdSet<T> {
  let set: OrdSet<T> = EMPTY;
  for (const item of items) set = setAdd(set, item);
  return set;
}

/** Element-wise equality of two sequences of primitives. */
export function seqEqual<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
