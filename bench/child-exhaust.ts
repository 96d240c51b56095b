/**
 * Bench child: one exhaustive search in this one thread, no workers, and
 * JSON on stdout: `{ ms, states, transitions }` of the last pass.
 *
 *   child-exhaust.js SCOPE DEPTH [WARMUP_DEPTH]
 *
 * A warm-up search to WARMUP_DEPTH runs first (in the same expander-free
 * way), so the measured pass runs on compiled code, as the explore
 * baseline's second pass does.
 */
import { createJudge } from '../fuzz/exhaust/judge.js';
import { createRunner } from '../fuzz/exhaust/pool.js';
import { loadScope } from '../fuzz/exhaust/scope.js';
import { search } from '../fuzz/exhaust/search.js';
import { tuneV8ForShortRuns } from '../tracegen/v8-tuning.js';

tuneV8ForShortRuns(); // as every bin and worker does

const [scopeName, depth, warmup] = process.argv.slice(2) as [string, string, string | undefined];
const scope = loadScope(scopeName);

async function pass(d: number): Promise<{ ms: number; states: number; transitions: number }> {
  // A fresh runner: the measured pass learns nothing from the warm-up but compiled code.
  const runner = createRunner(1, { scope, shard: { index: 1, count: 1 } });
  const start = process.hrtime.bigint();
  const r = await search({ depth: d, runner, judge: createJudge() });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  await runner.close();
  return { ms, states: r.levels.slice(1).reduce((n, l) => n + l.states, 0), transitions: r.levels.reduce((n, l) => n + l.transitions, 0) };
}

if (warmup !== undefined) await pass(Number(warmup));
process.stdout.write(JSON.stringify(await pass(Number(depth))) + '\n');
