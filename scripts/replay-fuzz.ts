#!/usr/bin/env node
/**
 * `replay-fuzz`: randomized replay campaigns, compatible with upstream's
 * scripts/replay_fuzz.py flags, plus sharding, reports, timeouts,
 * minimization and crash-safe failure records. `replay-fuzz merge` combines
 * shard reports.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command as Cli, CommanderError, Option } from 'commander';
import { execa } from 'execa';
import { parseU64Decimal } from '../reducer/index.js';
import type { Profile } from '../tracegen/index.js';
import { parseShard, WHOLE, type CampaignPlan } from '../fuzz/campaign.js';
import { resolveCommand, type Command } from '../fuzz/command.js';
import { writeFileDurably } from '../fuzz/durable.js';
import { prettyJson } from '../fuzz/json-out.js';
import { mergeReports, readReport } from '../fuzz/report.js';
import { failureListing, runCampaign } from '../fuzz/runner.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Exit statuses (0/1/2 as upstream's driver). */
const EXIT = { ok: 0, failures: 1, usage: 2, interrupted: 130 } as const;

class UsageError extends Error {}

function positive(name: string) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
    return n;
  };
}

function uint64(name: string) {
  return (text: string): bigint => {
    const v = parseU64Decimal(text.trim());
    if (v === undefined) throw new UsageError(`${name} must be an integer in 0..18446744073709551615, got ${JSON.stringify(text)}`);
    return BigInt(v);
  };
}

const HELP_AFTER = `
Each cycle generates a trace (cross-validate --profile P --seed S --events E)
and checks it (replayer -). With neither --cross-validate nor --replayer the
TS generator and TS checker run in-process in worker threads; naming either
runs both as processes (ours for the side not named), piped with
backpressure. Seeds come from the campaign seed (random unless
--campaign-seed), drawn from 0..2^63 like upstream's, so a campaign can be
re-run, split with --shard i/n (1-based) across machines, and the shard
reports combined with "replay-fuzz merge".

Failing traces are written durably (temp file, fsync, rename) and listed in
DIR/failures.json before they are reported; the index is extended, never
replaced.

Exit status: 0 all cycles passed, 1 failures found, 2 usage or setup error,
130 interrupted (the report is still written).

Examples:
  replay-fuzz --profile lean-core --cycles 200 --event-range 32 1024 --jobs 2 --require-image-invariant
  replay-fuzz --replayer .lake/build/bin/peering-replay --cycles 50
  replay-fuzz --campaign-seed 7 --shard 2/4 --cycles 1000 --report shard2.json
  replay-fuzz merge shard*.json --output campaign.json`;

async function rebuild(out: (t: string) => void): Promise<void> {
  out('Rebuilding the TypeScript toolkit...\n');
  await execa('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const lean = join(ROOT, 'lean');
  if (existsSync(join(lean, 'lakefile.toml')) || existsSync(join(lean, 'lakefile.lean'))) {
    out('Rebuilding the Lean checker in lean/...\n');
    await execa('lake', ['build'], { cwd: lean, stdio: 'inherit' });
  }
}

async function runMain(argv: string[]): Promise<number> {
  const program = new Cli('replay-fuzz')
    .description('Run randomized replay fuzzing: generate traces and check each with a replayer')
    .option('--cycles <n>', 'number of random replay runs', positive('--cycles'), 10)
    .option('--event <n>', 'fixed maximum number of generated events per cycle', positive('--event'), 25)
    .option('--event-range <min-max...>', 'inclusive random range for events per cycle: --event-range MIN MAX')
    .option('--seed <uint64>', 'fixed cross-validate seed for every cycle (default: a fresh seed per cycle)', uint64('--seed'))
    .addOption(new Option('--profile <profile>', 'event profile to exercise').choices(['lean-core', 'full', 'explore']).default('lean-core'))
    .option('--jobs <n>', 'cycles to run in parallel', positive('--jobs'), 1)
    .option('--stop-on-first-failure', 'stop scheduling after the first failure (running cycles finish)')
    .option('--save-failure-traces <dir>', 'write failing traces and failures.json here')
    .option('--rebuild', 'rebuild the toolkit (and lean/, when it holds a Lean package) first')
    .option('--require-cpp-image-invariant', 'fail a cycle when a step reports after_checks.image_invariant = false')
    .option('--require-image-invariant', 'alias of --require-cpp-image-invariant')
    .option('--cross-validate <cmd>', 'generator executable (e.g. an upstream C++ build); default: ours')
    .option('--replayer <cmd>', 'checker with the peering-replay interface (e.g. the Lean one); default: the TS checker')
    .option('--strict', 'run the TS checker in strict mode')
    .option('--shard <i/n>', 'run only shard i of n (1-based) of the campaign; needs --campaign-seed')
    .option('--campaign-seed <uint64>', 'seed from which every cycle seed is derived (default: random, printed)', uint64('--campaign-seed'))
    .option('--report <file>', 'write a JSON report of the run here')
    .option('--timeout <seconds>', 'kill a cycle (generator or checker) that runs longer', positive('--timeout'))
    .option('--minimize', 'shrink each failing trace to a minimal failing event list')
    .option('--minimize-budget <runs>', 'checker runs allowed per minimization', positive('--minimize-budget'), 300)
    .option('--no-progress', 'never draw the progress bar')
    .addHelpText('after', HELP_AFTER)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (t) => process.stdout.write(t) });

  program.parse(argv, { from: 'user' });
  if (program.args.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(program.args[0])}`);
  const o = program.opts<{
    cycles: number;
    event: number;
    eventRange?: string[];
    seed?: bigint;
    profile: Profile;
    jobs: number;
    stopOnFirstFailure?: boolean;
    saveFailureTraces?: string;
    rebuild?: boolean;
    requireCppImageInvariant?: boolean;
    requireImageInvariant?: boolean;
    crossValidate?: string;
    replayer?: string;
    strict?: boolean;
    shard?: string;
    campaignSeed?: bigint;
    report?: string;
    timeout?: number;
    minimize?: boolean;
    minimizeBudget: number;
    progress: boolean;
  }>();

  let events = { min: o.event, max: o.event };
  if (o.eventRange !== undefined) {
    if (o.eventRange.length !== 2) throw new UsageError('--event-range takes two values: MIN MAX');
    const [min, max] = o.eventRange.map((v) => positive('--event-range')(v)) as [number, number];
    if (min > max) throw new UsageError('--event-range min must be <= max');
    events = { min, max };
  }
  const shard = o.shard === undefined ? WHOLE : parseShard(o.shard);
  if (shard === undefined) throw new UsageError(`--shard must look like i/n with 1 <= i <= n, got ${JSON.stringify(o.shard)}`);
  if (o.shard !== undefined && o.campaignSeed === undefined) {
    throw new UsageError('--shard needs --campaign-seed, so that every shard derives the same campaign');
  }
  let generator: Command | undefined;
  let replayer: Command | undefined;
  try {
    if (o.crossValidate !== undefined) generator = resolveCommand(o.crossValidate, 'cross_validate');
    if (o.replayer !== undefined) replayer = resolveCommand(o.replayer, 'replayer');
  } catch (err) {
    throw new UsageError((err as Error).message);
  }

  const out = (t: string) => void process.stdout.write(t);
  if (o.rebuild) await rebuild(out);

  const campaignSeed = o.campaignSeed ?? randomBytes(8).readBigUInt64BE();
  const plan: CampaignPlan = { campaignSeed, cycles: o.cycles, profile: o.profile, ...(o.seed === undefined ? {} : { fixedSeed: o.seed }), events, shard };
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (): void => {
    if (++interrupts > 1) process.exit(EXIT.interrupted);
    process.stderr.write('\nreplay-fuzz: interrupted, stopping running cycles and writing the report (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  process.stderr.write(
    `replay-fuzz: campaign seed ${campaignSeed}, shard ${shard.index}/${shard.count}, ${o.cycles} cycles, profile ${o.profile}, jobs ${o.jobs}\n`,
  );
  const result = await runCampaign({
    plan,
    jobs: o.jobs,
    stopOnFirstFailure: o.stopOnFirstFailure ?? false,
    ...(o.saveFailureTraces === undefined ? {} : { saveDir: resolve(o.saveFailureTraces) }),
    requireInvariant: (o.requireCppImageInvariant ?? false) || (o.requireImageInvariant ?? false),
    ...(generator === undefined ? {} : { generator }),
    ...(replayer === undefined ? {} : { replayer }),
    timeoutMs: (o.timeout ?? 0) * 1000,
    minimize: o.minimize ?? false,
    minimizeBudget: o.minimizeBudget,
    mode: o.strict ? 'strict' : 'lean',
    ...(o.report === undefined ? {} : { reportPath: resolve(o.report) }),
    progress: o.progress && process.stderr.isTTY ? 'bar' : 'lines',
    argv,
    out,
    err: process.stderr,
    signal: controller.signal,
  });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);

  const r = result.report;
  const rate = `${Math.round(r.events_per_second).toLocaleString('en-US')} events/s, ${r.cycles_per_second.toFixed(2)} cycles/s`;
  if (result.failures.length > 0) out(failureListing(result.failures, o.saveFailureTraces === undefined ? undefined : resolve(o.saveFailureTraces)));
  if (result.interrupted) {
    out(`\nInterrupted after ${r.cycles.run} of ${r.cycles.planned} cycles (${r.cycles.failed} failed; ${rate}).\n`);
    return EXIT.interrupted;
  }
  if (result.failures.length > 0) {
    out(`\n${r.cycles.failed} of ${r.cycles.run} cycles failed (${rate}).\n`);
    return EXIT.failures;
  }
  out(`\nAll ${r.cycles.run} cycles passed (${rate}).\n`);
  return EXIT.ok;
}

async function runMerge(argv: string[]): Promise<number> {
  const program = new Cli('replay-fuzz merge')
    .description('Combine the JSON reports of the shards of one campaign')
    .argument('<reports...>', 'shard reports written with --report')
    .option('--output <file>', 'write the merged report here (default: stdout)')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (t) => process.stdout.write(t) });
  program.parse(argv, { from: 'user' });
  const reports = program.args.map((p) => {
    try {
      return readReport(p);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  });
  const { report, problems } = mergeReports(reports);
  const output = program.opts<{ output?: string }>().output;
  if (output === undefined) process.stdout.write(prettyJson(report));
  else writeFileDurably(output, prettyJson(report));
  for (const p of problems) process.stderr.write(`replay-fuzz merge: ${p}\n`);
  process.stderr.write(
    `replay-fuzz merge: ${report.cycles.run} cycles from ${reports.length} report(s), ${report.cycles.failed} failed, ${Math.round(report.events_per_second)} events/s\n`,
  );
  if (problems.length > 0) return EXIT.usage;
  return report.cycles.failed > 0 ? EXIT.failures : EXIT.ok;
}

async function main(argv: string[]): Promise<number> {
  try {
    return argv[0] === 'merge' ? await runMerge(argv.slice(1)) : await runMain(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help') return EXIT.ok;
      process.stderr.write(`replay-fuzz: ${err.message.replace(/^error: /, '').split('\n')[0]}\n`);
      return EXIT.usage;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`replay-fuzz: ${err.message}\n`);
      return EXIT.usage;
    }
    const e = err as Error & { shortMessage?: string };
    process.stderr.write(`replay-fuzz: ${(e.shortMessage ?? e.message).split('\n')[0]}\n`);
    return EXIT.usage;
  }
}

// A closed stdout (`replay-fuzz --help | head -1`) is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => process.exit(err.code === 'EPIPE' ? 0 : EXIT.usage));
process.exitCode = await main(process.argv.slice(2));
