/**
 * `--shard i/n`: machines that cannot talk share one exploration by
 * splitting it at its first event. Every sequence starts with an
 * Initialize; shard i takes the Initialize events whose wire text hashes
 * to i (a stable 64-bit hash of the bytes, the same on every machine and
 * run) and explores everything below them. Each sequence so belongs to
 * exactly one shard. States below two Initialize events of different
 * shards may meet; each shard then counts them, and `merge` counts them
 * once, from the fingerprints a shard report carries (merge.ts).
 */
import { Fingerprinter } from './fingerprint.js';
import type { Shard } from '../plan/campaign.js';

export type ShardChoice = Shard;

const hasher = new Fingerprinter();

/** Whether the sequence starting with this first event belongs to `shard`. */
export function inShard(firstEventText: string, shard: ShardChoice): boolean {
  if (shard.count === 1) return true;
  hasher.reset();
  hasher.bytes(Buffer.from(firstEventText, 'utf8'));
  const h = (BigInt(hasher.hi) << 32n) | BigInt(hasher.lo);
  return h % BigInt(shard.count) === BigInt(shard.index - 1);
}
