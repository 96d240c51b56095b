/**
 * A scope: the finite slice of the explore grammar that `replay-fuzz
 * exhaust` walks completely. It fixes what explore draws at random per
 * trace (the feature set, the OSD and object pools) and restricts every
 * free number the grammar draws (lengths, epochs, pool sizes) to a small
 * domain. Numbers explore derives from the state (the next epoch, the
 * authority's length) follow the state. So a scope is a restriction of
 * explore, never a generator of its own (docs/exhaust.md).
 */
import { EXPLORE_FEATURES, STRANGER_OSD, type ExploreFeature, type IllFormedTag, type ValueDomain } from '../../tracegen/index.js';
import { readJsonFile } from '../store/store.js';

/** Features a scope switches on by its own members (`blob_meta`, `ill_formed`), not by `features`. */
const IMAGE_DEFECT_FEATURE: Readonly<Record<IllFormedTag, ExploreFeature>> = {
  'zero-length': 'zero-length-entries',
  unsorted: 'unsorted-images',
  'duplicate-object': 'duplicate-entries',
};
export const ILL_FORMED_TAGS = Object.keys(IMAGE_DEFECT_FEATURE) as IllFormedTag[];
const OWN_MEMBER_FEATURES: readonly ExploreFeature[] = ['blob-meta', ...Object.values(IMAGE_DEFECT_FEATURE)];

export interface Scope {
  readonly name: string;
  /** The cluster's OSD ids; -1 enters through the acting-holes, empty-sets and whoami-none features. */
  readonly osds: readonly number[];
  /** Object ids images range over; always includes 0. */
  readonly objects: readonly number[];
  /** Free lengths and sequence numbers. */
  readonly lengths: readonly number[];
  /** Free epochs (the first Initialize is at explore's epoch 10; AdvanceMap adds 1 as explore does). */
  readonly epochs: readonly number[];
  readonly poolSizes: readonly number[];
  readonly minSizes: readonly number[];
  /** Blob metadata in local info, peer replies and activations. */
  readonly blobMeta: boolean;
  /** Ill-formed image lists allowed on the wire (none by default; `--ill-formed` adds all three). */
  readonly illFormed: readonly IllFormedTag[];
  /** Explore features other than blob metadata and the image defects. */
  readonly features: readonly ExploreFeature[];
}

/** The free-number domains of a scope, sorted ascending. */
export type ScopeDomains = Readonly<Record<ValueDomain, readonly number[]>>;

/**
 * Why these, and what each reaches in what time: docs/exhaust.md. Each is
 * as wide as its depth allows; the explore grammar's events are wide.
 */
export const PRESETS: Readonly<Record<string, Scope>> = {
  /** Plain peering, no feature: nothing diverges (a quick proof that the models agree there). */
  tiny: {
    name: 'tiny',
    osds: [0, 1],
    objects: [0],
    lengths: [5, 10],
    epochs: [10],
    poolSizes: [2],
    minSizes: [1],
    blobMeta: false,
    illFormed: [],
    features: [],
  },
  /** Two OSDs and two objects (each with an id >= 10), late replies, whoami -1, empty sets: depth 4 within minutes. */
  small: {
    name: 'small',
    osds: [2, 10],
    objects: [0, 10],
    lengths: [0, 10],
    epochs: [10],
    poolSizes: [2],
    minSizes: [1],
    blobMeta: false,
    illFormed: [],
    features: ['late-peer-info', 'whoami-none', 'empty-sets'],
  },
  /**
   * small with a third OSD, a third object (so ids print out of numeric
   * order) and an older epoch (a log that must wait for up_thru): depth 2.
   */
  medium: {
    name: 'medium',
    osds: [0, 2, 10],
    objects: [0, 2, 10],
    lengths: [0, 10],
    epochs: [0, 10],
    poolSizes: [2],
    minSizes: [1],
    blobMeta: false,
    illFormed: [],
    features: ['late-peer-info', 'whoami-none', 'empty-sets'],
  },
  /** Blob metadata, one object: depth 2. */
  'blob-meta': {
    name: 'blob-meta',
    osds: [2, 10],
    objects: [0],
    lengths: [0, 10],
    epochs: [10],
    poolSizes: [2],
    minSizes: [1],
    blobMeta: true,
    illFormed: [],
    features: ['late-peer-info'],
  },
};

/** The explore features a scope switches on. */
export function scopeFeatures(scope: Scope): ExploreFeature[] {
  const on = new Set<ExploreFeature>(scope.features);
  if (scope.blobMeta) on.add('blob-meta');
  for (const tag of scope.illFormed) on.add(IMAGE_DEFECT_FEATURE[tag]);
  return EXPLORE_FEATURES.filter((f) => on.has(f));
}

export function scopeDomains(scope: Scope): ScopeDomains {
  const sorted = (xs: readonly number[]) => [...new Set(xs)].sort((a, b) => a - b);
  return {
    length: sorted(scope.lengths),
    epoch: sorted(scope.epochs),
    'pool-size': sorted(scope.poolSizes),
    'min-size': sorted(scope.minSizes),
    object: sorted(scope.objects),
  };
}

/** The scope with every ill-formed image shape allowed (`--ill-formed`). */
export function withIllFormed(scope: Scope): Scope {
  return { ...scope, name: scope.illFormed.length === ILL_FORMED_TAGS.length ? scope.name : `${scope.name}+ill-formed`, illFormed: ILL_FORMED_TAGS };
}

/** A preset by name, or a JSON scope file; throws a one-line reason. */
export function loadScope(nameOrPath: string): Scope {
  const preset = PRESETS[nameOrPath];
  if (preset !== undefined) return preset;
  if (!nameOrPath.endsWith('.json')) throw new Error(`--scope must be ${Object.keys(PRESETS).join(', ')} or a .json file, got ${JSON.stringify(nameOrPath.slice(0, 60))}`);
  return parseScope(readJsonFile(nameOrPath, 'the scope'), nameOrPath);
}

/** The JSON form: the members of `Scope` in snake case (docs/exhaust.md). */
export function scopeJson(scope: Scope): Record<string, unknown> {
  return {
    name: scope.name,
    osds: scope.osds,
    objects: scope.objects,
    lengths: scope.lengths,
    epochs: scope.epochs,
    pool_sizes: scope.poolSizes,
    min_sizes: scope.minSizes,
    blob_meta: scope.blobMeta,
    ill_formed: scope.illFormed,
    features: scope.features,
  };
}

const KEYS = ['name', 'osds', 'objects', 'lengths', 'epochs', 'pool_sizes', 'min_sizes', 'blob_meta', 'ill_formed', 'features'];

function numbers(value: unknown, key: string, where: string, min: number, max: number): number[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 16) throw new Error(`${where}: "${key}" must be a list of 1 to 16 integers`);
  for (const v of value) {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) throw new Error(`${where}: "${key}" holds ${JSON.stringify(v)}; each must be an integer in ${min}..${max}`);
  }
  return [...new Set(value as number[])];
}

function names<T extends string>(value: unknown, key: string, where: string, allowed: readonly T[]): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && (allowed as readonly string[]).includes(v))) {
    throw new Error(`${where}: "${key}" must be a list of ${allowed.join(', ')}`);
  }
  return [...new Set(value as T[])];
}

/** Checks a scope read from JSON; throws naming the first bad member. */
export function parseScope(raw: unknown, where: string): Scope {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${where}: a scope is a JSON object`);
  const o = raw as Record<string, unknown>;
  const unknown = Object.keys(o).find((k) => !KEYS.includes(k));
  if (unknown !== undefined) throw new Error(`${where}: unknown member "${unknown.slice(0, 40)}" (members: ${KEYS.join(', ')})`);
  const objects = numbers(o.objects, 'objects', where, 0, 999);
  if (!objects.includes(0)) throw new Error(`${where}: "objects" must include object 0 (the primary object, as in explore)`);
  const osds = numbers(o.osds, 'osds', where, 0, 999);
  if (osds.includes(STRANGER_OSD)) throw new Error(`${where}: OSD ${STRANGER_OSD} is explore's stranger, never a pool member`);
  const features = names(o.features, 'features', where, EXPLORE_FEATURES.filter((f) => !OWN_MEMBER_FEATURES.includes(f)));
  if (o.blob_meta !== undefined && typeof o.blob_meta !== 'boolean') throw new Error(`${where}: "blob_meta" must be true or false`);
  if (o.name !== undefined && (typeof o.name !== 'string' || !/^[\w.+-]{1,40}$/.test(o.name))) throw new Error(`${where}: "name" must be 1 to 40 letters, digits or . _ + -`);
  return {
    name: (o.name as string | undefined) ?? 'custom',
    osds,
    objects,
    lengths: numbers(o.lengths, 'lengths', where, 0, 1_000_000),
    epochs: numbers(o.epochs, 'epochs', where, 0, 1_000_000),
    poolSizes: numbers(o.pool_sizes, 'pool_sizes', where, 1, 3),
    minSizes: numbers(o.min_sizes, 'min_sizes', where, 1, 3),
    blobMeta: (o.blob_meta as boolean | undefined) ?? false,
    illFormed: names(o.ill_formed, 'ill_formed', where, ILL_FORMED_TAGS),
    features,
  };
}
