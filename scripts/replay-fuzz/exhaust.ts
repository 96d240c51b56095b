/**
 * `replay-fuzz exhaust`: bounded exhaustive exploration of C++ against
 * Lean. Parses and checks the options, runs the breadth-first search
 * (fuzz/exhaust/search.ts), writes each cause's witness as it is found,
 * then the report, and says plainly what was proved.
 */
import { resolve } from 'node:path';
import { Command as Cli } from 'commander';
import { renderHtmlReport } from '../../fuzz/outputs/html.js';
import { runMeta } from '../../fuzz/outputs/meta.js';
import { parseShard, WHOLE, type Shard } from '../../fuzz/plan/campaign.js';
import { writeFileDurably } from '../../fuzz/store/durable.js';
import { prettyJson } from '../../fuzz/store/json-out.js';
import { checkOutputPath } from '../../fuzz/store/output-path.js';
import { createJudge, type Judge } from '../../fuzz/exhaust/judge.js';
import { createRunner } from '../../fuzz/exhaust/pool.js';
import { buildReport, summaryText, verdictLine, writeWitness, type ExhaustReport } from '../../fuzz/exhaust/report.js';
import { loadScope, PRESETS, scopeJson, withIllFormed, type Scope } from '../../fuzz/exhaust/scope.js';
import { search, type CauseRecord, type SearchProgress, type SearchResult } from '../../fuzz/exhaust/search.js';
import { versionLine } from '../../tracegen/version.js';
import { asUsage, positive, UsageError } from '../shared/args.js';
import { watchInterrupts } from '../shared/interrupts.js';
import { EXIT, MAX_JOBS } from './exit.js';
import { withThousands } from '../../fuzz/store/text.js';

/** Depth is bounded by what a report's state records can hold and by what could ever finish. */
const MAX_DEPTH = 12;

const HELP_AFTER = `
Explores breadth-first every event sequence of up to --depth events (the
first always an Initialize) that the explore grammar can draw within a
scope, and runs each through both models in-process, compared as
"peering-replay-ts --model both" compares them. A state (the pair of the
C++ snapshot and the Lean cursor) reached twice is expanded once; a
divergent step ends its sequence. The first witness of each cause is a
shortest one; it is written to --witnesses DIR (replayable with
"peering-replay-ts --model both FILE") before it is announced.

Scopes: ${Object.keys(PRESETS).join(', ')}, or a JSON file (docs/exhaust.md); --ill-formed adds
zero-length, unsorted and duplicate image entries to it.

Each divergence is attributed as campaigns attribute theirs (by repair,
named from the registry of known divergences): the first divergence of
each finding (who disagrees, event, from-state, stage, fields) is, and the
others with that finding are filed under its cause.

Exit status: 0 complete or stopped by a budget, no divergence (with
--allow-known: none but known ones); 1 divergences found; 2 usage or setup
error; 130 interrupted (witnesses and report are still written).

Examples:
  replay-fuzz exhaust --scope small --depth 4 --jobs 2 --report r.json
  replay-fuzz exhaust --scope small --depth 3 --ill-formed
  replay-fuzz exhaust --scope medium --depth 3 --shard 1/4 --report s1.json   # ... 4/4, then merge`;

interface ExhaustOptions {
  scope: string;
  depth: number;
  illFormed?: boolean;
  jobs: number;
  shard?: string;
  maxStates?: number;
  timeBudget?: number;
  report?: string;
  html?: string;
  witnesses: string;
  allowKnown?: boolean;
  knownDivergences?: string;
  showScope?: boolean;
  progress: boolean;
}

function program(): Cli {
  return new Cli('replay-fuzz exhaust')
    .description('Check every event sequence of a scope, up to a depth, through both models (shortest witnesses)')
    .option('--scope <name|file.json>', `a preset (${Object.keys(PRESETS).join(', ')}) or a JSON scope file`, 'small')
    .option('--depth <n>', `events per sequence, Initialize included (1..${MAX_DEPTH})`, positive('--depth', MAX_DEPTH), 3)
    .option('--ill-formed', 'allow ill-formed image lists (zero-length, unsorted, duplicate entries)')
    .option('--jobs <n>', `worker processes sharing each depth's frontier, at most ${MAX_JOBS}`, positive('--jobs', MAX_JOBS), 1)
    .option('--shard <i/n>', 'explore only the sequences whose first event hashes to shard i of n')
    .option('--max-states <n>', 'stop (incomplete) once this many states were reached', positive('--max-states'))
    .option('--time-budget <seconds>', 'stop (incomplete) after this long', positive('--time-budget', 30 * 24 * 3600))
    .option('--report <file>', 'write the JSON report here (schema/report.schema.json, with an exhaust section)')
    .option('--html <file>', 'write the report as self-contained HTML here')
    .option('--witnesses <dir>', 'write each cause\'s witness trace here', 'exhaust-witnesses')
    .option('--allow-known', 'exit 0 when every cause found is a known divergence (a new one still exits 1)')
    .option('--known-divergences <file>', 'the registry of known causes (default: divergences/known.json)')
    .option('--show-scope', 'print the scope as JSON and exit')
    .option('--no-progress', 'never draw the progress bar')
    .version(versionLine('replay-fuzz'), '-V, --version', 'print the version and exit')
    .addHelpText('after', HELP_AFTER)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (t) => process.stdout.write(t) });
}

interface Plan {
  readonly scope: Scope;
  readonly judge: Judge;
  readonly shard: Shard;
  readonly reportPath?: string;
  readonly htmlPath?: string;
  readonly witnessDir: string;
}

function plan(o: ExhaustOptions): Plan {
  const shard = o.shard === undefined ? WHOLE : parseShard(o.shard);
  if (shard === undefined) throw new UsageError(`--shard must look like i/n with 1 <= i <= n, got ${JSON.stringify(o.shard!.slice(0, 40))}`);
  if (o.witnesses === '') throw new UsageError('--witnesses needs a directory name');
  const loaded = asUsage(() => loadScope(o.scope));
  return asUsage(() => ({
    scope: o.illFormed ? withIllFormed(loaded) : loaded,
    judge: createJudge(o.knownDivergences),
    shard,
    ...(o.report === undefined ? {} : { reportPath: checkOutputPath(o.report, '--report') }),
    ...(o.html === undefined ? {} : { htmlPath: checkOutputPath(o.html, '--html') }),
    witnessDir: resolve(o.witnesses),
  }));
}

/** Ctrl-C (or SIGTERM) stops the search after the chunks in flight; a second one quits at once. */
const watchSignals = (controller: AbortController): (() => void) =>
  watchInterrupts(controller, 'replay-fuzz exhaust: interrupted, finishing the chunks in flight and writing the report (Ctrl-C again to quit now)', EXIT.interrupted);

const n = withThousands;

function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 3600 ? `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}` : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** A bar per depth on a terminal (states/s, ETA of the depth); one line per finished depth everywhere. */
class Progress {
  private last = 0;
  private causes = 0;

  constructor(
    private readonly bar: boolean,
    private readonly depth: number,
  ) {}

  cause(): void {
    this.causes++;
  }

  update(p: SearchProgress): void {
    if (p.done === p.total) {
      if (this.bar) process.stderr.write('\r\x1b[K');
      const expanded = `${n(p.total)} state${p.total === 1 ? '' : 's'} expanded`;
      process.stderr.write(`depth ${p.depth}/${this.depth}: ${expanded}, ${n(p.transitions)} transitions, ${n(p.states)} states so far (${(p.levelMs / 1000).toFixed(1)} s)\n`);
      return;
    }
    const now = Date.now();
    if (!this.bar || now - this.last < 200) return;
    this.last = now;
    const width = 24;
    const filled = Math.round((p.done / p.total) * width);
    const rate = p.elapsedMs > 0 ? (p.states * 1000) / p.elapsedMs : 0;
    const eta = p.done > 0 ? ((p.total - p.done) * p.levelMs) / p.done : 0;
    const text = `depth ${p.depth}/${this.depth} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${n(p.done)}/${n(p.total)}  ${n(p.states)} states  ${n(rate)} states/s  ETA ${clock(eta)}  ${this.causes} causes`;
    process.stderr.write(`\r${text.slice(0, Math.max(20, (process.stderr.columns ?? 100) - 1))}\x1b[K`);
  }
}

/** The search's result, and the CPU its worker processes used. */
async function explore(o: ExhaustOptions, p: Plan, witnesses: Map<string, string>, signal: AbortSignal): Promise<{ result: SearchResult; workersCpuMs: number }> {
  const progress = new Progress(o.progress && process.stderr.isTTY === true, o.depth);
  const runner = createRunner(o.jobs, { scope: p.scope, shard: p.shard });
  const onCause = (c: CauseRecord): void => {
    const path = writeWitness(p.witnessDir, c);
    witnesses.set(c.cause, path);
    progress.cause();
    if (o.progress && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    const events = c.first.events;
    const what = c.known ? `known cause ${c.cause}` : `NEW cause (${c.first.judgement.signature})`;
    process.stdout.write(`${what}, after ${events} event${events === 1 ? '' : 's'}\n  witness: ${path}\n`);
  };
  try {
    const result = await search({
      depth: o.depth,
      runner,
      ...(o.maxStates === undefined ? {} : { maxStates: o.maxStates }),
      ...(o.timeBudget === undefined ? {} : { timeBudgetMs: o.timeBudget * 1000 }),
      signal,
      keepFingerprints: p.shard.count > 1,
      judge: p.judge,
      onCause,
      onProgress: (x) => progress.update(x),
    });
    return { result, workersCpuMs: runner.cpuElsewhereMs() };
  } finally {
    await runner.close();
  }
}

export async function runExhaust(argv: string[]): Promise<number> {
  const cli = program();
  cli.parse(argv, { from: 'user' });
  if (cli.args.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(cli.args[0]!.slice(0, 40))}`);
  const o = cli.opts<ExhaustOptions>();
  const p = plan(o);
  if (o.showScope) {
    process.stdout.write(`${JSON.stringify(scopeJson(p.scope), null, 2)}\n`);
    return EXIT.ok;
  }
  const startedAt = new Date();
  const cpu = process.cpuUsage();
  process.stderr.write(`replay-fuzz exhaust: scope ${p.scope.name}, depth ${o.depth}, jobs ${o.jobs}${p.shard.count > 1 ? `, shard ${p.shard.index}/${p.shard.count}` : ''}\n`);
  const witnesses = new Map<string, string>();
  // Watched until the report is out: a second Ctrl-C quits at once, never a default death halfway.
  const controller = new AbortController();
  const unwatch = watchSignals(controller);
  try {
    const { result, workersCpuMs } = await explore(o, p, witnesses, controller.signal);
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6 + workersCpuMs / 1000;
    const context = { scope: p.scope, jobs: o.jobs, shard: `${p.shard.index}/${p.shard.count}`, argv, meta: runMeta(), startedAt, witnesses, cpuSeconds };
    const report = buildReport(result, context);
    return finish(report, p, o.allowKnown ?? false);
  } finally {
    unwatch();
  }
}

function finish(report: ExhaustReport, p: Plan, allowKnown: boolean): number {
  if (p.reportPath !== undefined) writeFileDurably(p.reportPath, prettyJson(report));
  if (p.htmlPath !== undefined) writeFileDurably(p.htmlPath, renderHtmlReport(report));
  process.stdout.write(`\n${summaryText(report)}\n${verdictLine(report)}\n`);
  if (p.reportPath !== undefined) process.stdout.write(`report: ${p.reportPath}\n`);
  if (report.exhaust.stopped_by === 'interrupted') return EXIT.interrupted;
  const failing = allowKnown ? report.exhaust.causes.filter((c) => !c.known) : report.exhaust.causes;
  return failing.length > 0 ? EXIT.failures : EXIT.ok;
}
