/**
 * `npm run bench -- exhaust`: exhaustive exploration against the in-process
 * explore campaign, measured in the same run, interleaved round by round.
 *  - per worker: states/s of one thread searching `small` to depth 3 (warm),
 *    against the events/s of explore cycles checked by both models in one
 *    thread (warm, the fuzz section's child);
 *  - workers: `replay-fuzz exhaust --scope blob-meta --depth 2` with
 *    --jobs 1 and --jobs 2 as whole commands, and their deepest depth alone
 *    (from the reports). That depth takes >= 30 s on one thread here and
 *    nearly the whole run (depth 1 about a second), so the ratio measures
 *    the search, not start-up and each worker's first compiles as `small`
 *    to depth 3 partly did. BENCH_EXHAUST_PAIRS rounds (default 3), each
 *    also timing two --jobs 1 commands at once: the most any --jobs 2
 *    could gain on this machine at that moment (two cores are rarely two
 *    whole cores).
 *  BENCH_EXHAUST_SCOPE and BENCH_EXHAUST_DEPTH set the first (default
 *  small, 3), BENCH_EXHAUST_THREADS_SCOPE and BENCH_EXHAUST_THREADS_DEPTH
 *  the second.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, summarize, timeCommand } from './measure.js';

interface Pass {
  readonly ms: number;
  readonly states: number;
  readonly transitions: number;
}

const SCOPE = process.env.BENCH_EXHAUST_SCOPE ?? 'small';
const DEPTH = process.env.BENCH_EXHAUST_DEPTH ?? '3';
const THREADS_SCOPE = process.env.BENCH_EXHAUST_THREADS_SCOPE ?? 'blob-meta';
const THREADS_DEPTH = process.env.BENCH_EXHAUST_THREADS_DEPTH ?? '2';
const PAIRS = Math.max(1, Number(process.env.BENCH_EXHAUST_PAIRS ?? 3));

async function childJson<T>(here: string, work: string, script: string, args: readonly string[], tag: string): Promise<T> {
  const out = join(work, `${tag}.json`);
  await timeCommand(process.execPath, [join(here, script), ...args], out);
  return JSON.parse(readFileSync(out, 'utf8')) as T;
}

interface ExhaustRun {
  readonly ms: number;
  readonly cpuMs: number;
  /** Seconds the search spent on its deepest depth (the report's seconds_per_depth). */
  readonly lastDepthS: number;
}

/** Wall time and CPU time (the process and its workers, from its report) of a whole `replay-fuzz exhaust` command; exit 1 (divergences found) is its normal verdict here. */
async function timeExhaust(args: readonly string[], report: string): Promise<ExhaustRun> {
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, [...args, '--report', report], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0 && code !== 1) throw new Error(`replay-fuzz ${args.slice(1).join(' ')} exited with ${code}: ${stderr}`);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const x = (JSON.parse(readFileSync(report, 'utf8')) as { exhaust: { cpu_seconds: number; seconds_per_depth: number[] } }).exhaust;
  return { ms, cpuMs: x.cpu_seconds * 1000, lastDepthS: x.seconds_per_depth.at(-1)! };
}

/** Wall time of two `--jobs 1` commands started together, until both end. */
async function timeTwoAtOnce(args: readonly string[], work: string): Promise<number> {
  const start = process.hrtime.bigint();
  await Promise.all([0, 1].map((k) => timeExhaust([...args.slice(0, -1), join(work, `witnesses-twice-${k}`)], join(work, `exhaust-twice-${k}.json`))));
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function exhaustBench(here: string, dist: string, work: string, rounds: number, line: (label: string, value: string) => void): Promise<void> {
  process.stdout.write(`\n# exhaust: --scope ${SCOPE} --depth ${DEPTH} against the explore campaign (${rounds} interleaved rounds)\n`);
  const worker: Pass[] = [];
  const explore: number[] = [];
  for (let r = 0; r < rounds; r++) {
    worker.push(await childJson<Pass>(here, work, 'child-exhaust.js', [SCOPE, DEPTH, '2'], 'exhaust-worker'));
    const e = await childJson<{ ms: number; events: number }>(here, work, 'child-fuzz-cycles.js', ['explore', '7', '300', '32', '400', 'both', '0', '1', '2'], 'explore-cycles');
    explore.push(e.events / (e.ms / 1000));
  }
  const states = summarize(worker.map((w) => w.states / (w.ms / 1000))).median;
  const transitions = summarize(worker.map((w) => w.transitions / (w.ms / 1000))).median;
  const baseline = summarize(explore).median;
  line('search, one thread', `${fmt(worker[0]!.states)} states, ${fmt(worker[0]!.transitions)} transitions; ${fmt(summarize(worker.map((w) => w.ms)).median)} ms (median, warm)`);
  // A transition is one event stepped and checked through both models, as a campaign's event is.
  line('  states generated/s (transitions)', `${fmt(transitions)}; / explore events/s = ${fmt(transitions / baseline, 2)}`);
  line('  distinct states/s (median)', `${fmt(states)}; / explore events/s = ${fmt(states / baseline, 2)}`);
  line('explore campaign, one thread', `${fmt(baseline)} events/s (median; warm, model both)`);

  const bin = join(dist, 'bin', 'replay-fuzz.js');
  const args = (jobs: number) => [bin, 'exhaust', '--scope', THREADS_SCOPE, '--depth', THREADS_DEPTH, '--jobs', String(jobs), '--no-progress', '--witnesses', join(work, `witnesses-${jobs}`)];
  process.stdout.write(`  workers: --scope ${THREADS_SCOPE} --depth ${THREADS_DEPTH}; --jobs 1, --jobs 2 and two --jobs 1 at once, whole commands, ${PAIRS} rounds run in turn\n`);
  const one: ExhaustRun[] = [];
  const two: ExhaustRun[] = [];
  const twice: number[] = [];
  for (let r = 0; r < PAIRS; r++) {
    one.push(await timeExhaust(args(1), join(work, 'exhaust-1.json')));
    two.push(await timeExhaust(args(2), join(work, 'exhaust-2.json')));
    twice.push(await timeTwoAtOnce(args(1), work));
  }
  const s1 = summarize(one.map((x) => x.ms));
  const s2 = summarize(two.map((x) => x.ms));
  const c1 = summarize(one.map((x) => x.cpuMs)).median;
  const c2 = summarize(two.map((x) => x.cpuMs)).median;
  line('--jobs 1 (min / median)', `${fmt(s1.min)} / ${fmt(s1.median)} ms wall, ${fmt(c1)} ms CPU (median)`);
  line('--jobs 2 (min / median)', `${fmt(s2.min)} / ${fmt(s2.median)} ms wall, ${fmt(c2)} ms CPU (median)`);
  line('speed-up jobs 2 / jobs 1', `${fmt(summarize(one.map((x, i) => x.ms / two[i]!.ms)).median, 2)} (median of pairs), ${fmt(s1.min / s2.min, 2)} (min), whole commands`);
  // The deepest depth alone, from the reports: start-up and the first depths' compiles left out.
  line(`  depth ${THREADS_DEPTH} alone`, `${fmt(summarize(one.map((x, i) => x.lastDepthS / two[i]!.lastDepthS)).median, 2)} (median of pairs); it takes ${fmt(summarize(one.map((x) => x.lastDepthS)).median, 1)} s on one thread`);
  // The machine's own ceiling: two independent --jobs 1 runs at once do twice the work in this time.
  line('  ceiling: two --jobs 1 at once', `${fmt(summarize(one.map((x, i) => (2 * x.ms) / twice[i]!)).median, 2)} times one's throughput (median of rounds): what any --jobs 2 could reach here`);
  // What two idle cores would give: one thread's CPU against half of two threads'.
  line('  with two idle cores (from CPU)', `${fmt((2 * c1) / c2, 2)}; the work --jobs 2 adds: ${fmt((c2 / c1 - 1) * 100, 0)}% CPU`);
}
