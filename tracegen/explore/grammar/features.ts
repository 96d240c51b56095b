/**
 * Swarm testing for the explore profile: every trace switches on a random
 * subset of input features, so rare combinations get real weight instead of
 * being drowned by whatever a fixed mix makes common.
 */
import type { Mt19937 } from '../../rng/mt19937.js';
import { uniformInt } from '../../rng/uniform-int.js';

export const EXPLORE_FEATURES = [
  'many-objects',
  'big-osd-ids',
  'acting-holes',
  'blob-meta',
  'zero-length-entries',
  'unsorted-images',
  'duplicate-entries',
  'late-peer-info',
  'unknown-peer-timeout',
  'empty-sets',
  'whoami-none',
  'deletes',
  'map-churn',
  'reinitialize',
] as const;

export type ExploreFeature = (typeof EXPLORE_FEATURES)[number];

const BIT: Readonly<Record<ExploreFeature, number>> = Object.fromEntries(EXPLORE_FEATURES.map((f, i) => [f, 1 << i])) as Record<ExploreFeature, number>;

/** An immutable set of features, one bit each. */
export class FeatureSet {
  constructor(readonly mask: number) {}

  has(feature: ExploreFeature): boolean {
    return (this.mask & BIT[feature]) !== 0;
  }

  list(): ExploreFeature[] {
    return EXPLORE_FEATURES.filter((f) => this.has(f));
  }

  static of(features: readonly ExploreFeature[]): FeatureSet {
    return new FeatureSet(features.reduce((m, f) => m | BIT[f], 0));
  }
}

/** Each feature independently on with probability 1/2: one draw per feature, in list order. */
export function drawFeatures(rng: Mt19937): FeatureSet {
  let mask = 0;
  for (let i = 0; i < EXPLORE_FEATURES.length; i++) if (uniformInt(rng, 0, 1) === 1) mask |= 1 << i;
  return new FeatureSet(mask);
}
