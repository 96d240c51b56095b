/**
 * `replay-fuzz [options]`: a campaign. Parses and checks the options, runs
 * the campaign (fuzz/campaign/runner.ts), prints its outputs and maps the
 * verdict to an exit status.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command as Cli, Option } from 'commander';
import { isModelChoice, MODEL_CHOICES } from '../../replay/models/model.js';
import type { Profile } from '../../tracegen/index.js';
import { packagePath, versionLine } from '../../tracegen/version.js';
import { runCampaign, type CampaignResult, type FuzzSettings } from '../../fuzz/campaign/runner.js';
import { MAX_TIMER_MS } from '../../fuzz/campaign/settings.js';
import { catalogueTable } from '../../fuzz/catalogue/catalogue.js';
import { onlyKnownFailures } from '../../fuzz/catalogue/causes.js';
import { loadCauseRegistry } from '../../fuzz/catalogue/registry.js';
import { ChildGroups } from '../../fuzz/cycle/child.js';
import { coverageSummary } from '../../fuzz/cycle/coverage.js';
import { neutralizeCommands } from '../../fuzz/outputs/escape.js';
import type { CycleResult } from '../../fuzz/outputs/junit.js';
import { writeItfWitnesses } from '../../fuzz/outputs/itf.js';
import { groupedFailureListing } from '../../fuzz/outputs/listing.js';
import { writeRunOutputs } from '../../fuzz/outputs/run-outputs.js';
import { parseShard, WHOLE, type CampaignPlan } from '../../fuzz/plan/campaign.js';
import { collect, resolveCommand, type Command } from '../../fuzz/plan/command.js';
import { checkOutputPath } from '../../fuzz/store/output-path.js';
import { asUsage, positive, uint64, UsageError } from '../shared/args.js';
import { watchInterrupts } from '../shared/interrupts.js';
import { EXIT, MAX_JOBS } from './exit.js';
import { withThousands } from '../../fuzz/store/text.js';

/** The longest --timeout a timer can hold, in seconds. */
const MAX_TIMEOUT_S = Math.floor(MAX_TIMER_MS / 1000);

/** Our stdout and stderr: anything a tool wrote may be echoed in them, so no line of it can act as a CI workflow command. */
const say = (t: string): void => void process.stdout.write(neutralizeCommands(t));
const warn = (t: string): void => void process.stderr.write(neutralizeCommands(t));

const HELP_AFTER = `
Each cycle generates a trace (cross-validate --profile P --seed S --events E)
and checks it (replayer -). With neither --cross-validate nor --replayer the
TS generator and TS checker run in-process in worker threads; naming either
runs both as processes (ours for the side not named), piped with
backpressure. Seeds come from the campaign seed (random unless
--campaign-seed), drawn from 0..2^63 like upstream's, so a campaign can be
re-run, split with --shard i/n (1-based) across machines, and the shard
reports combined with "replay-fuzz merge".

With --impl PATH (and --impl-arg ARG...), the trace checked is an
implementation's answer: cross-validate ... --emit events | PATH ARG... |
replayer -, piped with backpressure (docs/protocol.md). A cycle fails when
the implementation exits non-zero, is killed or times out, writes a step
count different from the event count, or its trace fails the checker (which
names the step). The event stream is kept beside each failing trace, and
--minimize shrinks it against the implementation and the checker.

Failing traces are written durably (temp file, fsync, rename) and listed in
DIR/failures.json before they are reported; the index is extended, never
replaced.

Every failure the two models can be asked about is a finding with a cause:
an id of the registry of known C++/Lean divergences (divergences/known.json,
docs/divergences.md), or "unknown". --allow-known accepts the known ones:
the campaign exits 0 when every failure is a known divergence, and 1 when
any cause is unknown or a failure is not a divergence at all (a producer or
implementation bug, a crash). --known-divergences FILE names another
registry, such as an implementation's own list of accepted deviations
(start it with "extends": "peering-crossval" to keep the built-in causes).

Exit status: 0 all cycles passed, 1 failures found, 2 usage or setup error,
130 interrupted (the report is still written). With --allow-known, a
campaign whose every failure is a known divergence exits 0 too. An output
that cannot be written at the end (--report, --html, --junit, --itf, the
step summary) is named in one line; the others are still written, and it
makes the status 2 only when the campaign would otherwise exit 0. A closed
stdout (| head) does not change the status: the campaign runs on, writes
its report and exits with its verdict.

Commands:
  replay-fuzz merge REPORT... [--output FILE]
      combine the --report files of a campaign's shards into one report
  replay-fuzz rerun DIR
      run every failure saved in DIR/failures.json again; exit 1 if any still fails
  replay-fuzz exhaust --scope small --depth 4
      check every event sequence of a scope up to a depth, shortest witnesses
  replay-fuzz help [COMMAND]
      this help, or a command's (each also takes --help)

Reports: --report FILE (JSON, schema/report.schema.json), --junit FILE
(JUnit XML). Under GitHub Actions a Markdown summary is appended to
$GITHUB_STEP_SUMMARY and each failure cause is annotated with ::error.

Examples:
  replay-fuzz --profile lean-core --cycles 200 --event-range 32 1024 --jobs 2 --require-image-invariant
  replay-fuzz --replayer .lake/build/bin/peering-replay --cycles 50
  replay-fuzz --profile explore --impl build/peering_adapter --cycles 50 --minimize --save-failure-traces f
  replay-fuzz --campaign-seed 7 --shard 2/4 --cycles 1000 --report shard2.json
  replay-fuzz merge shard*.json --output campaign.json
  replay-fuzz rerun failures/`;

type CampaignOptions = {
  cycles: number;
  event: number;
  events?: number;
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
  crossValidateArg: string[];
  replayer?: string;
  replayerArg: string[];
  impl?: string;
  implArg: string[];
  strict?: boolean;
  model?: string;
  shard?: string;
  campaignSeed?: bigint;
  report?: string;
  html?: string;
  junit?: string;
  timeout?: number;
  minimize?: boolean;
  minimizeBudget: number;
  progress: boolean;
  allowKnown?: boolean;
  knownDivergences?: string;
  itf?: string;
};

function campaignProgram(): Cli {
  return new Cli('replay-fuzz')
    .description('Run randomized replay fuzzing: generate traces and check each with a replayer')
    .option('--cycles <n>', 'number of random replay runs', positive('--cycles'), 10)
    .option('--event <n>', 'fixed maximum number of generated events per cycle (alias --events, as cross-validate spells it)', positive('--event'), 25)
    .addOption(new Option('--events <n>').argParser(positive('--events')).hideHelp())
    .option('--event-range <min-max...>', 'inclusive random range for events per cycle: --event-range MIN MAX')
    .option('--seed <uint64>', 'fixed cross-validate seed for every cycle (default: a fresh seed per cycle)', uint64('--seed'))
    .addOption(new Option('--profile <profile>', 'event profile to exercise').choices(['lean-core', 'full', 'explore']).default('lean-core'))
    .option('--jobs <n>', `worker threads (or external cycles) to run at once, at most ${MAX_JOBS}; under --model both two threads share a cycle`, positive('--jobs', MAX_JOBS, ' (each job is a worker thread or two processes)'), 1)
    .option('--stop-on-first-failure', 'stop scheduling after the first failure (running cycles finish)')
    .option('--save-failure-traces <dir>', 'write failing traces and failures.json here')
    .option('--rebuild', 'rebuild the toolkit (npm run build in a source checkout) first')
    .option('--require-cpp-image-invariant', 'fail a cycle when a step reports after_checks.image_invariant = false')
    .option('--require-image-invariant', 'alias of --require-cpp-image-invariant')
    .option('--cross-validate <path>', 'generator executable (e.g. an upstream C++ build), one path; default: ours')
    .option('--cross-validate-arg <arg>', 'an argument for --cross-validate, before its --profile/--seed/--events (repeatable)', collect, [])
    .option('--replayer <path>', 'checker with the peering-replay interface (e.g. the Lean one), one path; default: the TS checker')
    .option('--replayer-arg <arg>', "an argument for --replayer, before its '-' (repeatable)", collect, [])
    .option('--impl <path>', 'an implementation under test (docs/protocol.md): each cycle pipes the event stream through it and checks its trace')
    .option('--impl-arg <arg>', 'an argument for --impl (repeatable)', collect, [])
    .option('--strict', 'run the TS checker in strict mode (cpp model)')
    .option('--model <model>', 'model(s) of our checker, in-process or as a process: lean, cpp or both (default: both)')
    .option('--shard <i/n>', 'run only shard i of n (1-based) of the campaign; needs --campaign-seed')
    .option('--campaign-seed <uint64>', 'seed from which every cycle seed is derived (default: random, printed)', uint64('--campaign-seed'))
    .option('--report <file>', 'write a JSON report of the run here')
    .option('--html <file>', 'write a self-contained HTML report here (heatmap, divergences, failures, configuration)')
    .option('--junit <file>', 'write the run as JUnit XML here (one testcase per cycle)')
    .option('--timeout <seconds>', `kill a cycle (generator or checker) that runs longer (1..${MAX_TIMEOUT_S})`, positive('--timeout', MAX_TIMEOUT_S))
    .option('--minimize', 'shrink each failing trace to a minimal failing event list')
    .option('--minimize-budget <runs>', 'checker runs allowed per minimization', positive('--minimize-budget'), 300)
    .option('--itf <dir>', 'write the example witness of every divergence signature here as an ITF trace (Apalache/Quint trace viewers), C++ and Lean side by side')
    .option('--allow-known', 'exit 0 when every failure is a known divergence (any other failure still exits 1)')
    .option('--known-divergences <file>', 'the registry of known causes to name findings from (default: the built-in divergences/known.json)')
    .option('--no-progress', 'never draw the progress bar')
    .version(versionLine('replay-fuzz'), '-V, --version', 'print the version and exit')
    .addHelpText('after', HELP_AFTER)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (t) => process.stdout.write(t) });
}

/** Upstream's --rebuild rebuilt its tools; ours are the TypeScript toolkit (lean/ is its TypeScript mirror, built with the rest). */
async function rebuild(out: (t: string) => void): Promise<void> {
  const root = packagePath();
  // An installed package ships only its build: there is nothing to rebuild from.
  if (!existsSync(join(root, 'tsconfig.json'))) {
    throw new UsageError(`--rebuild needs a source checkout; ${root} is an installed package, already built (drop --rebuild)`);
  }
  const { execa } = await import('execa');
  out('Rebuilding the TypeScript toolkit...\n');
  await execa('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}

function eventRange(o: CampaignOptions): { min: number; max: number } {
  if (o.eventRange === undefined) return { min: o.event, max: o.event };
  if (o.eventRange.length !== 2) throw new UsageError('--event-range takes two values: MIN MAX');
  const [min, max] = o.eventRange.map((v) => positive('--event-range')(v)) as [number, number];
  if (min > max) throw new UsageError('--event-range min must be <= max');
  return { min, max };
}

interface Tools {
  readonly generator?: Command;
  readonly replayer?: Command;
  readonly impl?: Command;
}

function namedTools(o: CampaignOptions): Tools {
  return asUsage(() => {
    const generator = o.crossValidate === undefined ? undefined : resolveCommand(o.crossValidate, o.crossValidateArg, 'cross_validate', '--cross-validate');
    const replayer = o.replayer === undefined ? undefined : resolveCommand(o.replayer, o.replayerArg, 'replayer', '--replayer');
    if (o.crossValidate === undefined && o.crossValidateArg.length > 0) throw new Error('--cross-validate-arg needs --cross-validate');
    if (o.replayer === undefined && o.replayerArg.length > 0) throw new Error('--replayer-arg needs --replayer');
    const impl = o.impl === undefined ? undefined : resolveCommand(o.impl, o.implArg, 'implementation', '--impl');
    if (o.impl === undefined && o.implArg.length > 0) throw new Error('--impl-arg needs --impl');
    return { ...(generator === undefined ? {} : { generator }), ...(replayer === undefined ? {} : { replayer }), ...(impl === undefined ? {} : { impl }) };
  });
}

/** The fuzz driver judges against both models by default, in-process or through our checker as a process. */
function chosenModel(o: CampaignOptions, tools: Tools): FuzzSettings['model'] {
  const model = o.model ?? 'both';
  if (!isModelChoice(model)) throw new UsageError(`--model must be one of ${MODEL_CHOICES.join(', ')}, got ${JSON.stringify(model)}`);
  if (o.strict && model === 'lean') throw new UsageError('--strict applies to the cpp model; use --model cpp or --model both');
  if (o.model !== undefined && tools.replayer !== undefined) throw new UsageError('--model chooses our checker; it cannot be combined with --replayer');
  return model;
}

interface OutputPaths {
  readonly itfDir?: string;
  readonly saveDir?: string;
  readonly reportPath?: string;
  readonly htmlPath?: string;
  readonly junitPath?: string;
}

function checkNames(o: CampaignOptions): void {
  if (o.saveFailureTraces === '') throw new UsageError('--save-failure-traces needs a directory name');
  if (o.report === '') throw new UsageError('--report needs a file name');
}

function outputPaths(o: CampaignOptions): OutputPaths {
  const saveDir = o.saveFailureTraces === undefined ? undefined : resolve(o.saveFailureTraces);
  return asUsage(() => ({
    ...(saveDir === undefined ? {} : { saveDir }),
    ...(o.report === undefined ? {} : { reportPath: checkOutputPath(o.report, '--report', saveDir) }),
    ...(o.html === undefined ? {} : { htmlPath: checkOutputPath(o.html, '--html', saveDir) }),
    ...(o.junit === undefined ? {} : { junitPath: checkOutputPath(o.junit, '--junit', saveDir) }),
    ...(o.itf === undefined ? {} : { itfDir: checkOutputDir(o.itf, '--itf') }),
  }));
}

/** Ctrl-C (or SIGTERM) stops the campaign cleanly; a second one quits at once. */
function watchSignals(controller: AbortController, groups: ChildGroups): () => void {
  // However the driver ends, no tool it started outlives it (a SIGTERM-ignoring one included).
  process.on('exit', () => groups.signalAll('SIGKILL'));
  const message = 'replay-fuzz: interrupted, stopping running cycles and writing the report (Ctrl-C again to quit now)';
  return watchInterrupts(controller, message, EXIT.interrupted, () => groups.signalAll('SIGKILL'));
}

export async function runCampaignCommand(argv: string[]): Promise<number> {
  const program = campaignProgram();
  program.parse(argv, { from: 'user' });
  if (program.args.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(program.args[0])}`);
  const o = program.opts<CampaignOptions>();
  if (o.events !== undefined) {
    if (program.getOptionValueSource('event') === 'cli') throw new UsageError('--event and --events are the same option; give one');
    o.event = o.events;
  }
  const events = eventRange(o);
  const shard = o.shard === undefined ? WHOLE : parseShard(o.shard);
  if (shard === undefined) throw new UsageError(`--shard must look like i/n with 1 <= i <= n, got ${JSON.stringify(o.shard)}`);
  if (o.shard !== undefined && o.campaignSeed === undefined) {
    throw new UsageError('--shard needs --campaign-seed, so that every shard derives the same campaign');
  }
  const tools = namedTools(o);
  checkNames(o);
  const registry = asUsage(() => loadCauseRegistry(o.knownDivergences === undefined ? undefined : checkRegistryName(o.knownDivergences)));
  const model = chosenModel(o, tools);
  const paths = outputPaths(o);
  if (o.rebuild) await rebuild(say);

  const campaignSeed = o.campaignSeed ?? randomBytes(8).readBigUInt64BE();
  const plan: CampaignPlan = { campaignSeed, cycles: o.cycles, profile: o.profile, ...(o.seed === undefined ? {} : { fixedSeed: o.seed }), events, shard };
  const controller = new AbortController();
  const groups = new ChildGroups();
  const unwatch = watchSignals(controller, groups);
  const cycles: CycleResult[] = [];
  const result = await runCampaign({
    plan,
    jobs: o.jobs,
    stopOnFirstFailure: o.stopOnFirstFailure ?? false,
    ...(paths.saveDir === undefined ? {} : { saveDir: paths.saveDir }),
    requireInvariant: (o.requireCppImageInvariant ?? false) || (o.requireImageInvariant ?? false),
    ...tools,
    timeoutMs: (o.timeout ?? 0) * 1000,
    minimize: o.minimize ?? false,
    minimizeBudget: o.minimizeBudget,
    mode: o.strict ? 'strict' : 'lean',
    model,
    registry,
    ...(paths.reportPath === undefined ? {} : { reportPath: paths.reportPath }),
    progress: o.progress && process.stderr.isTTY ? 'bar' : 'lines',
    argv,
    out: say,
    err: process.stderr,
    signal: controller.signal,
    groups,
    onCycle: (c) => void cycles.push(c),
    // Said once the failure directory is ours, so a setup error stays the only line.
    started: () =>
      void process.stderr.write(
        `replay-fuzz: campaign seed ${campaignSeed}, shard ${shard.index}/${shard.count}, ${o.cycles} cycles, profile ${o.profile}, jobs ${o.jobs}\n`,
      ),
  });
  unwatch();
  return printOutcome(result, cycles, paths, o.allowKnown ?? false);
}

/** A directory to write into: created when missing; one line when it cannot be. */
function checkOutputDir(path: string, option: string): string {
  if (path === '') throw new Error(`${option} needs a directory name`);
  const full = resolve(path);
  try {
    mkdirSync(full, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`${option} ${path}: ${code === 'EEXIST' || code === 'ENOTDIR' ? 'not a directory' : (code ?? (err as Error).message)}`);
  }
  return full;
}

/** `--itf DIR`: the witnesses as ITF traces; a line naming the directory when they cannot all be written. */
function writeItf(dir: string, r: CampaignResult['report']): string | undefined {
  try {
    const { written, skipped } = writeItfWitnesses(dir, r.divergences ?? []);
    say(`\nITF traces: ${written.length} witness(es) in ${dir}\n`);
    for (const s of skipped) say(`  not written: ${s}\n`);
    return undefined;
  } catch (err) {
    return `cannot write the ITF traces in ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
}

function checkRegistryName(file: string): string {
  if (file === '') throw new Error('--known-divergences needs a file name');
  return file;
}

/**
 * The campaign's outputs on the terminal and in files, and its exit status:
 * every output is written whatever happened to the others; one that could
 * not be written is an error of its own, but never hides failures or an
 * interrupt (as --report).
 */
function printOutcome(result: CampaignResult, cycles: readonly CycleResult[], paths: OutputPaths, allowKnown: boolean): number {
  const r = result.report;
  if (result.failures.length > 0) say(groupedFailureListing(result.failures, paths.saveDir));
  say(`\n${coverageSummary(r.coverage)}`);
  if (r.divergences !== undefined) say(`\n${catalogueTable(r.divergences)}`);
  const files = { ...(paths.htmlPath === undefined ? {} : { htmlPath: paths.htmlPath }), ...(paths.junitPath === undefined ? {} : { junitPath: paths.junitPath }) };
  // Our own annotations go out as they are: their values are escaped as command data.
  const lost = writeRunOutputs({ report: r, cycles, ...files, env: process.env, out: (t) => void process.stdout.write(t) });
  const itfLost = paths.itfDir === undefined ? undefined : writeItf(paths.itfDir, r);
  if (itfLost !== undefined) lost.push(itfLost);
  if (result.unrecorded > 0) warn(`replay-fuzz: ${result.unrecorded} failing cycle(s) could not be recorded (see above)\n`);
  for (const problem of [...(result.reportError === undefined ? [] : [result.reportError]), ...lost]) warn(`replay-fuzz: ${problem}\n`);
  return verdict(result, lost.length > 0 || result.reportError !== undefined, allowKnown);
}

function verdict(result: CampaignResult, outputLost: boolean, allowKnown: boolean): number {
  const r = result.report;
  const rate = `${withThousands(r.events_per_second)} events/s, ${r.cycles_per_second.toFixed(2)} cycles/s`;
  if (result.interrupted) {
    say(`\nInterrupted after ${r.cycles.run} of ${r.cycles.planned} cycles (${r.cycles.failed} failed; ${rate}).\n`);
    return EXIT.interrupted;
  }
  if (r.cycles.failed > 0) {
    if (allowKnown && onlyKnownFailures(result.report)) {
      say(`\n${r.cycles.failed} of ${r.cycles.run} cycles failed, every one a known divergence (--allow-known) (${rate}).\n`);
      return outputLost ? EXIT.usage : EXIT.ok;
    }
    const why = allowKnown ? `; not all known divergences: ${r.new_causes ?? 0} new signature(s), ${r.failures.filter((f) => f.divergence === undefined).length} failure(s) that are not divergences` : '';
    say(`\n${r.cycles.failed} of ${r.cycles.run} cycles failed (${rate})${why}.\n`);
    return EXIT.failures;
  }
  say(`\nAll ${r.cycles.run} cycles passed (${rate}).\n`);
  return outputLost ? EXIT.usage : EXIT.ok;
}
