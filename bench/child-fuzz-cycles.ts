/**
 * Bench child: runs a campaign's in-process cycles in this one thread, with
 * no driver, and reports JSON on stdout: `{ ms, events }` of the last pass.
 *
 *   child-fuzz-cycles.js PROFILE SEED CYCLES MIN MAX MODEL PART PARTS PASSES
 *
 * Cycles PART, PART+PARTS, ... are run. Two passes time the second, when the
 * JIT has long finished (warm throughput); one pass is a cold run, and two
 * such children side by side with PARTS=2 are the most any two threads can
 * do on this machine (each pays its own start-up and JIT warm-up).
 */
import { planCycles, WHOLE } from '../fuzz/plan/campaign.js';
import { runInProcessCycle } from '../fuzz/cycle/inprocess.js';
import type { ModelChoice } from '../replay/models/model.js';
import type { Profile } from '../tracegen/index.js';
import { tuneV8ForShortRuns } from '../tracegen/v8-tuning.js';

tuneV8ForShortRuns(); // as every bin and fuzz worker does

const [profile, seed, cycles, min, max, model, part, parts, passes] = process.argv.slice(2) as [Profile, string, string, string, string, ModelChoice, string, string, string];
const plan = [...planCycles({ campaignSeed: BigInt(seed), cycles: Number(cycles), profile, events: { min: Number(min), max: Number(max) }, shard: WHOLE })];
const mine = plan.filter((_, i) => i % Number(parts) === Number(part));

function pass(): { ms: number; events: number } {
  const start = process.hrtime.bigint();
  let events = 0;
  for (const config of mine) events += runInProcessCycle(config, { requireInvariant: true, mode: 'lean', model }).events;
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, events };
}

let last = pass();
for (let p = 1; p < Number(passes); p++) last = pass();
process.stdout.write(JSON.stringify(last) + '\n');
