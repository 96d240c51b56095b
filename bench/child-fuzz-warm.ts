/**
 * Bench child: the warm throughput of in-process fuzz cycles. Runs the same
 * campaign's cycles in this thread twice and times the second pass, when
 * the JIT has long finished; reports JSON on stdout.
 */
import { planCycles, WHOLE } from '../fuzz/campaign.js';
import { runInProcessCycle } from '../fuzz/inprocess.js';
import type { Profile } from '../tracegen/index.js';

const [profile, seed, cycles, min, max] = process.argv.slice(2) as [Profile, string, string, string, string];
const plan = planCycles({ campaignSeed: BigInt(seed), cycles: Number(cycles), profile, events: { min: Number(min), max: Number(max) }, shard: WHOLE });

function pass(): { ms: number; events: number } {
  const start = process.hrtime.bigint();
  let events = 0;
  for (const config of plan) events += runInProcessCycle(config, { requireInvariant: true, mode: 'lean' }).events;
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, events };
}

pass();
process.stdout.write(JSON.stringify(pass()) + '\n');
