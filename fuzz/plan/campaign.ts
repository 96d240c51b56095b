/**
 * A fuzz campaign as a deterministic list of cycles. Every cycle's seed and
 * event count are derived from the campaign seed and the cycle number alone,
 * so any subset of cycles (a shard, a re-run, `--jobs 2` instead of 1) sees
 * exactly the same configurations.
 */
import type { Profile } from '../../tracegen/index.js';

export interface CycleConfig {
  /** 1-based position in the whole campaign. */
  readonly cycle: number;
  readonly profile: Profile;
  readonly seed: bigint;
  readonly events: number;
}

export interface CampaignPlan {
  readonly campaignSeed: bigint;
  readonly cycles: number;
  readonly profile: Profile;
  /** Fixed generator seed for every cycle (upstream `--seed`). */
  readonly fixedSeed?: bigint;
  /** Inclusive event-count range; a fixed count when min === max. */
  readonly events: { readonly min: number; readonly max: number };
  readonly shard: Shard;
}

/** Shard `index` of `count`, 1-based: cycles c with (c - 1) mod count = index - 1. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export const WHOLE: Shard = { index: 1, count: 1 };

const MASK_64 = (1n << 64n) - 1n;

/** SplitMix64: a well-mixed 64-bit function of its input. */
export function splitMix64(x: bigint): bigint {
  let z = (x + 0x9e37_79b9_7f4a_7c15n) & MASK_64;
  z = ((z ^ (z >> 30n)) * 0xbf58_476d_1ce4_e5b9n) & MASK_64;
  z = ((z ^ (z >> 27n)) * 0x94d0_49bb_1331_11ebn) & MASK_64;
  return z ^ (z >> 31n);
}

/** Generator seed of a cycle, in [0, 2^63) like upstream's `randrange(0, 2**63)`. */
export function cycleSeed(campaignSeed: bigint, cycle: number): bigint {
  return splitMix64(campaignSeed ^ splitMix64(BigInt(cycle) << 1n)) >> 1n;
}

export function cycleEvents(campaignSeed: bigint, cycle: number, min: number, max: number): number {
  if (min === max) return min;
  const span = BigInt(max - min + 1);
  return min + Number(splitMix64(campaignSeed ^ splitMix64((BigInt(cycle) << 1n) | 1n)) % span);
}

export function inShard(cycle: number, shard: Shard): boolean {
  return (cycle - 1) % shard.count === shard.index - 1;
}

/** How many cycles this shard runs. */
export function shardSize(plan: CampaignPlan): number {
  const { index, count } = plan.shard;
  return plan.cycles < index ? 0 : Math.floor((plan.cycles - index) / count) + 1;
}

/** The `k`-th (0-based) cycle this shard runs; computed on demand, so a huge campaign costs nothing up front. */
export function shardCycle(plan: CampaignPlan, k: number): CycleConfig {
  const cycle = plan.shard.index + k * plan.shard.count;
  return {
    cycle,
    profile: plan.profile,
    seed: plan.fixedSeed ?? cycleSeed(plan.campaignSeed, cycle),
    events: cycleEvents(plan.campaignSeed, cycle, plan.events.min, plan.events.max),
  };
}

/** The cycles this shard runs, in campaign order (small plans and tests; the driver walks them lazily). */
export function planCycles(plan: CampaignPlan): CycleConfig[] {
  return Array.from({ length: shardSize(plan) }, (_, k) => shardCycle(plan, k));
}

export function parseShard(text: string): Shard | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) return undefined;
  return { index, count };
}
