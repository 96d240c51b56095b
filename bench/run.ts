/**
 * `npm run bench [-- generator|batch|replay|fuzz ...]`
 *
 * Every figure is reported next to a baseline measured in the same run,
 * interleaved, because shared machines are noisy:
 *  - generator: the upstream C++ `cross_validate` when PEERING_CPP_CROSS_VALIDATE
 *    names it, and always a JSON round-trip yardstick over the same bytes;
 *  - batch: in-process, against the same yardstick in-process;
 *  - replay: MB/s, steps/s and peak RSS on a >= 100 MB trace;
 *  - fuzz: --jobs 2 over --jobs 1 on a short and a long campaign, peak RSS,
 *    and the short campaign's --jobs 1 against warm in-process throughput;
 *  - exhaust: states/s of one search thread against the explore campaign's
 *    events/s, and --jobs 2 over --jobs 1 (bench/exhaust.ts).
 * Set BENCH_ROUNDS to change the number of interleaved rounds (default 7).
 */
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ByteWriter, renderTrace } from '../tracegen/index.js';
import { exhaustBench } from './exhaust.js';
import { exploreBench } from './explore.js';
import { fmt, interleave, summarize, timeCommand } from './measure.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = join(HERE, '..');
const CROSS_VALIDATE = join(DIST, 'bin', 'cross-validate.js');
// A bin run as a program starts the `node` on PATH: make it this one.
process.env.PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const CPP = process.env.PEERING_CPP_CROSS_VALIDATE;
// Checked before any work: a bad path should cost one line, not a stack trace minutes later.
if (CPP !== undefined && !isExecutableFile(CPP)) {
  process.stderr.write(`bench: PEERING_CPP_CROSS_VALIDATE=${CPP} is not an executable file (unset it to skip the C++ baseline)\n`);
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'peering-bench-'));

const LONG = ['--profile', 'lean-core', '--seed', '54', '--events', '20000'];

function line(label: string, value: string): void {
  process.stdout.write(`  ${label.padEnd(34)} ${value}\n`);
}

async function generator(): Promise<void> {
  process.stdout.write(`\n# generator: cross-validate ${LONG.join(' ')} > /dev/null (${ROUNDS} interleaved rounds)\n`);
  const file = join(work, 'long.jsonl');
  const probe = await timeCommand(process.execPath, [CROSS_VALIDATE, ...LONG], file);
  const events = Number(/Total events: (\d+)/.exec(probe.stdout)?.[1]);
  const bytes = statSync(file).size;
  // As users run it: the file itself, through its launcher (scripts/build/build-bins.ts),
  // and, for comparison, `node file` with the environment as it is.
  const commands = [
    { name: 'ts', run: () => timeCommand(CROSS_VALIDATE, LONG) },
    { name: 'ts-node', run: () => timeCommand(process.execPath, [CROSS_VALIDATE, ...LONG]) },
    { name: 'yardstick', run: () => timeCommand(process.execPath, [join(HERE, 'child-json-yardstick.js'), file]) },
    ...(CPP ? [{ name: 'cpp', run: () => timeCommand(CPP, LONG) }] : []),
  ];
  const results = await interleave(ROUNDS, commands);
  const ts = summarize(results.get('ts')!.map((s) => s.ms));
  const yard = summarize(results.get('yardstick')!.map((s) => s.ms));
  line('trace', `${fmt(events)} events, ${fmt(bytes / 1e6, 1)} MB`);
  line('TS cross-validate (min / median)', `${fmt(ts.min)} / ${fmt(ts.median)} ms`);
  line('TS throughput (min time)', `${fmt(events / (ts.min / 1000))} events/s, ${fmt(bytes / 1e6 / (ts.min / 1000), 1)} MB/s`);
  const viaNode = results.get('ts-node')!.map((s) => s.ms);
  line('`node cross-validate.js` (median)', `${fmt(summarize(viaNode).median)} ms; bin/node = ${fmt(pairedMedian(results.get('ts')!.map((x) => x.ms), viaNode), 2)} (median of pairs)`);
  line('JSON round-trip yardstick', `${fmt(yard.min)} / ${fmt(yard.median)} ms; TS/yardstick = ${fmt(ts.min / yard.min, 2)}`);
  if (CPP) {
    const cpp = summarize(results.get('cpp')!.map((s) => s.ms));
    line('C++ cross_validate (min / median)', `${fmt(cpp.min)} / ${fmt(cpp.median)} ms (${fmt(events / (cpp.min / 1000))} events/s)`);
    const ratio = pairedMedian(results.get('ts')!.map((x) => x.ms), results.get('cpp')!.map((x) => x.ms));
    line('ratio TS / C++', `${fmt(ratio, 2)} (median of pairs), ${fmt(ts.min / cpp.min, 2)} (min)`);
  } else {
    line('C++ baseline', 'set PEERING_CPP_CROSS_VALIDATE=/path/to/cross_validate to time it here');
  }
}

async function batch(): Promise<void> {
  process.stdout.write('\n# batch: 200 seeds x 1000 events, lean-core, in-process\n');
  const run = (): { ms: number; events: number; bytes: number } => {
    let bytes = 0;
    const w = new ByteWriter(1 << 20, (chunk) => (bytes += chunk.length));
    let events = 0;
    const start = process.hrtime.bigint();
    for (let seed = 1; seed <= 200; seed++) events += renderTrace({ seed: BigInt(seed), events: 1000, profile: 'lean-core' }, 'jsonl', w);
    w.flush();
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, events, bytes };
  };
  const yardstick = (text: string[]): number => {
    const start = process.hrtime.bigint();
    let n = 0;
    for (const l of text) n += JSON.stringify(JSON.parse(l)).length;
    if (n < 0) throw new Error('unreachable');
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const sample: string[] = [];
  {
    const w = new ByteWriter(1 << 16);
    for (let seed = 1; seed <= 200; seed++) renderTrace({ seed: BigInt(seed), events: 1000, profile: 'lean-core' }, 'jsonl', w);
    sample.push(...w.text().split('\n').filter(Boolean));
  }
  const runs: number[] = [];
  const yards: number[] = [];
  let last = run();
  for (let r = 0; r < ROUNDS; r++) {
    last = run();
    runs.push(last.ms);
    yards.push(yardstick(sample));
  }
  const t = summarize(runs);
  const y = summarize(yards);
  line('batch', `${fmt(last.events)} events, ${fmt(last.bytes / 1e6, 1)} MB`);
  line('TS in-process (min / median)', `${fmt(t.min)} / ${fmt(t.median)} ms`);
  line('TS throughput (min time)', `${fmt(last.events / (t.min / 1000))} events/s, ${fmt(last.bytes / 1e6 / (t.min / 1000), 1)} MB/s`);
  line('JSON round-trip yardstick', `${fmt(y.min)} / ${fmt(y.median)} ms; TS/yardstick = ${fmt(t.min / y.min, 2)}`);
}

async function replay(): Promise<void> {
  const args = ['--profile', 'lean-core', '--seed', '54', '--events', '40000'];
  process.stdout.write(`\n# replay: peering-replay-ts on cross-validate ${args.join(' ')}\n`);
  const file = join(work, 'replay.jsonl');
  await timeCommand(process.execPath, [CROSS_VALIDATE, ...args], file);
  const bytes = statSync(file).size;
  // The bin itself, started as its launcher starts it, timed as a whole process (start-up included).
  const child = (mode: string) => async (): Promise<{ ms: number; steps: number; maxRssKiB: number }> => {
    const args = mode === 'strict' ? ['--model', 'cpp', '--strict', file] : ['--model', mode, file];
    const run = await inProcessBin(join(DIST, 'scripts', 'peering-replay-ts.js'), args, `replay-${mode}`);
    const steps = Number(/^replay ok: steps=(\d+)/.exec(readFileSync(run.stdoutFile, 'utf8'))?.[1]);
    if (!Number.isSafeInteger(steps)) throw new Error(`replay --model ${mode} did not pass: ${readFileSync(run.stdoutFile, 'utf8')}`);
    return { ms: run.ms, steps, maxRssKiB: run.maxRssKiB };
  };
  // Per model: lean (the default of peering-replay-ts), cpp, both, and cpp in strict compare mode.
  const variants = ['lean', 'cpp', 'both', 'strict'] as const;
  type Run = { ms: number; steps: number; maxRssKiB: number };
  const results: Record<(typeof variants)[number], Run[]> & { yard: number[] } = { lean: [], cpp: [], both: [], strict: [], yard: [] };
  for (let r = 0; r < Math.max(3, Math.ceil(ROUNDS / 2)); r++) {
    for (const v of variants) results[v].push(await child(v)());
    results.yard.push((await timeCommand(process.execPath, [join(HERE, 'child-json-yardstick.js'), file])).ms);
  }
  const steps = results.lean[0]!.steps;
  line('trace', `${fmt(steps)} steps, ${fmt(bytes / 1e6, 1)} MB`);
  for (const mode of variants) {
    const s = summarize(results[mode].map((x) => x.ms));
    const rss = Math.max(...results[mode].map((x) => x.maxRssKiB));
    line(`replay --model ${mode === 'strict' ? 'cpp --strict' : mode} (min / median)`, `${fmt(s.min)} / ${fmt(s.median)} ms`);
    line(`  throughput (min time)`, `${fmt(bytes / 1e6 / (s.min / 1000), 1)} MB/s, ${fmt(steps / (s.min / 1000))} steps/s, peak RSS ${fmt(rss / 1024, 1)} MiB`);
  }
  const y = summarize(results.yard);
  line('JSON round-trip yardstick', `${fmt(y.min)} / ${fmt(y.median)} ms (${fmt(bytes / 1e6 / (y.min / 1000), 1)} MB/s)`);
}

interface CampaignRun {
  readonly ms: number;
  readonly events: number;
  readonly cycles: number;
  readonly maxRssKiB: number;
}

/**
 * One of our bins as a whole process, timed from outside, its peak RSS
 * measured inside (child-rss.js: Node reports no child's rusage). It runs
 * without NODE_EXTRA_CA_CERTS, as every bin's launcher starts node
 * (scripts/build/launcher.ts).
 */
async function inProcessBin(bin: string, args: readonly string[], tag: string): Promise<{ ms: number; maxRssKiB: number; stdoutFile: string }> {
  const rssFile = join(work, `${tag}.rss`);
  const stdoutFile = join(work, `${tag}.out`);
  process.env.BENCH_RSS_FILE = rssFile;
  const ca = process.env.NODE_EXTRA_CA_CERTS;
  delete process.env.NODE_EXTRA_CA_CERTS;
  try {
    const t = await timeCommand(process.execPath, [join(HERE, 'child-rss.js'), bin, ...args], stdoutFile);
    return { ms: t.ms, maxRssKiB: Number(readFileSync(rssFile, 'utf8')), stdoutFile };
  } finally {
    delete process.env.BENCH_RSS_FILE;
    if (ca !== undefined) process.env.NODE_EXTRA_CA_CERTS = ca;
  }
}

/** One whole `replay-fuzz` command (see inProcessBin). */
async function runCampaign(args: readonly string[], jobs: number): Promise<CampaignRun> {
  const report = join(work, `fuzz-${jobs}.json`);
  const run = await inProcessBin(join(DIST, 'bin', 'replay-fuzz.js'), [...args, '--jobs', String(jobs), '--report', report], `fuzz-${jobs}`);
  const r = JSON.parse(readFileSync(report, 'utf8')) as { events: number; cycles: { run: number } };
  return { ms: run.ms, events: r.events, cycles: r.cycles.run, maxRssKiB: run.maxRssKiB };
}

/** Median of the run-by-run ratios a[i] / b[i] (pairs share the machine's mood). */
function pairedMedian(a: readonly number[], b: readonly number[]): number {
  return summarize(a.map((x, i) => x / b[i]!)).median;
}

/** Runs child-fuzz-cycles.js and returns its JSON. */
async function cyclesChild(args: readonly string[]): Promise<{ ms: number; events: number }> {
  const out = join(work, `cycles-${args.join('-')}.json`);
  await timeCommand(process.execPath, [join(HERE, 'child-fuzz-cycles.js'), ...args], out);
  return JSON.parse(readFileSync(out, 'utf8')) as { ms: number; events: number };
}

/**
 * --jobs 2 against --jobs 1 on the same campaign, interleaved, and beside
 * them what any two threads could do here: one process running every cycle
 * cold with no driver, against two such processes side by side with half
 * the cycles each (each pays its own start-up and JIT warm-up, which is what
 * bounds the scaling of short campaigns). The short campaign is also set
 * against its warm in-process throughput.
 */
async function campaign(title: string, cycles: number, minEvents: string, maxEvents: string, rounds: number, warm: boolean): Promise<void> {
  const args = ['--profile', 'lean-core', '--cycles', String(cycles), '--event-range', minEvents, maxEvents, '--campaign-seed', '7', '--require-cpp-image-invariant', '--no-progress'];
  const child = (part: number, parts: number, passes: number) => ['lean-core', '7', String(cycles), minEvents, maxEvents, 'both', String(part), String(parts), String(passes)];
  process.stdout.write(`\n# ${title}: replay-fuzz ${args.join(' ')} --jobs 1 vs --jobs 2 (${rounds} interleaved rounds)\n`);
  const one: CampaignRun[] = [];
  const two: CampaignRun[] = [];
  const solo: number[] = [];
  const pair: number[] = [];
  for (let r = 0; r < rounds; r++) {
    one.push(await runCampaign(args, 1));
    two.push(await runCampaign(args, 2));
    if (!warm) continue;
    solo.push((await timeCommand(process.execPath, [join(HERE, 'child-fuzz-cycles.js'), ...child(0, 1, 1)])).ms);
    const start = process.hrtime.bigint();
    await Promise.all([0, 1].map((part) => timeCommand(process.execPath, [join(HERE, 'child-fuzz-cycles.js'), ...child(part, 2, 1)])));
    pair.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const s1 = summarize(one.map((x) => x.ms));
  const s2 = summarize(two.map((x) => x.ms));
  const events = one[0]!.events;
  const rss = (runs: CampaignRun[]) => fmt(Math.max(...runs.map((x) => x.maxRssKiB)) / 1024, 1);
  line('campaign', `${fmt(cycles)} cycles, ${fmt(events)} events (same cycles for both), model both`);
  line('--jobs 1 (min / median)', `${fmt(s1.min)} / ${fmt(s1.median)} ms, ${fmt(events / (s1.median / 1000))} events/s (median), peak RSS ${rss(one)} MiB`);
  line('--jobs 2 (min / median)', `${fmt(s2.min)} / ${fmt(s2.median)} ms, ${fmt(events / (s2.median / 1000))} events/s (median), peak RSS ${rss(two)} MiB`);
  line('speed-up jobs 2 / jobs 1', `${fmt(pairedMedian(one.map((x) => x.ms), two.map((x) => x.ms)), 2)} (median of pairs), ${fmt(s1.min / s2.min, 2)} (min)`);
  if (!warm) return;
  line('no driver: 1 process, all cycles', `${fmt(summarize(solo).median)} ms (median, cold)`);
  line('no driver: 2 processes, half each', `${fmt(summarize(pair).median)} ms (median, cold, side by side)`);
  line('  splitting cycles, at best', `${fmt(pairedMedian(solo, pair), 2)} (median of pairs; --jobs 2 splits each cycle instead)`);
  const warmRuns: number[] = [];
  for (let r = 0; r < Math.max(2, Math.ceil(rounds / 2)); r++) {
    const w = await cyclesChild(child(0, 1, 2));
    warmRuns.push(w.events / (w.ms / 1000));
  }
  const warmRate = summarize(warmRuns).median;
  const jobs1Rate = events / (s1.median / 1000);
  line('warm in-process (same cycles)', `${fmt(warmRate)} events/s (median; second pass in one thread, model both)`);
  line('warm / --jobs 1 throughput', `${fmt(warmRate / jobs1Rate, 2)} (whole command, start-up included)`);
}

async function fuzz(): Promise<void> {
  // The short campaign (where per-worker warm-up shows), then a long
  // one (where it is amortized); BENCH_FUZZ_* override the long one.
  await campaign('fuzz, short campaign', 200, '32', '1024', Math.max(3, ROUNDS), true);
  const cycles = Number(process.env.BENCH_FUZZ_CYCLES ?? 160);
  const [minEvents, maxEvents] = (process.env.BENCH_FUZZ_EVENTS ?? '1024 16384').split(/\s+/);
  await campaign('fuzz, long campaign', cycles, minEvents!, maxEvents!, Math.max(2, Math.ceil(ROUNDS / 3)), false);
}

const explore = (): Promise<void> => exploreBench(CROSS_VALIDATE, ROUNDS, line);
const exhaust = (): Promise<void> => exhaustBench(HERE, DIST, work, Math.max(3, Math.ceil(ROUNDS / 2)), line);
const sections: { [name: string]: () => Promise<void> } = { generator, batch, replay, fuzz, explore, exhaust };
const chosen = process.argv.slice(2).filter((a) => a in sections);
process.stdout.write(`node ${process.version}, ${process.platform}/${process.arch}\n`);
try {
  for (const name of chosen.length > 0 ? chosen : Object.keys(sections)) await sections[name]!();
} finally {
  rmSync(work, { recursive: true, force: true });
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
