/** `replay-fuzz merge REPORT...`: one report from the shard reports of a campaign. */
import { Command as Cli } from 'commander';
import { escapeCommandData, neutralizeCommands, oneLine } from '../../fuzz/outputs/escape.js';
import { mergeReports, type ShardReport } from '../../fuzz/outputs/merge.js';
import { readReport, type CampaignReport } from '../../fuzz/outputs/report.js';
import { onlyKnownFailures } from '../../fuzz/catalogue/causes.js';
import { writeOutputFile, writeRunOutputs } from '../../fuzz/outputs/run-outputs.js';
import { prettyJson } from '../../fuzz/store/json-out.js';
import { checkOutputPath } from '../../fuzz/store/output-path.js';
import { isExhaustReport, mergeExhaustReports } from '../../fuzz/exhaust/merge.js';
import { verdictLine, type ExhaustReport } from '../../fuzz/exhaust/report.js';
import { asUsage, UsageError } from '../shared/args.js';
import { EXIT } from './exit.js';

const warn = (text: string): void => void process.stderr.write(neutralizeCommands(text));

/** Every report read and checked against the schema; why each that cannot be, one line naming its file. */
function readAll(files: readonly string[]): { parts: ShardReport[]; unreadable: string[] } {
  const parts: ShardReport[] = [];
  const unreadable: string[] = [];
  for (const file of files) {
    try {
      parts.push({ file, report: readReport(file) });
    } catch (err) {
      unreadable.push(oneLine((err as Error).message));
    }
  }
  return { parts, unreadable };
}

export async function runMerge(argv: string[]): Promise<number> {
  const program = new Cli('replay-fuzz merge')
    .description('Combine the JSON reports of the shards of one campaign')
    .argument('<reports...>', 'shard reports written with --report')
    .option('--output <file>', 'write the merged report here (default: stdout)')
    .option('--html <file>', 'also write the merged report as self-contained HTML')
    .option('--allow-known', 'exit 0 when every failure (or, for exhaust shards, every cause) is a known divergence')
    .addHelpText(
      'after',
      '\nExit status: 0 complete and all passed (with --allow-known: only known divergences), 1 complete with failures or causes, 2 a problem (a report unreadable or invalid, shards missing, doubled or inconsistent, an exhaustive union not complete, an output not written)',
    )
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (t) => process.stdout.write(t) });
  program.parse(argv, { from: 'user' });
  const { output, html, allowKnown } = program.opts<{ output?: string; html?: string; allowKnown?: boolean }>();
  asUsage(() => {
    if (output !== undefined) checkOutputPath(output, '--output');
    if (html !== undefined) checkOutputPath(html, '--html');
  });
  const { parts, unreadable } = readAll(program.args);
  // Nothing is merged from a set with an unreadable report: its values cannot be trusted anywhere.
  for (const u of unreadable) warn(`replay-fuzz: ${u}\n`);
  if (unreadable.length > 0) return EXIT.usage;
  if (parts.some((p) => isExhaustReport(p.report))) return mergeExhaust(parts.map((p) => p.report), output, html, allowKnown ?? false);
  const { report, problems } = mergeReports(parts);
  const { say, lost } = writeMerged(report, output, html);
  for (const p of [...problems, ...lost]) warn(`replay-fuzz merge: ${p}\n`);
  if (process.env.GITHUB_ACTIONS === 'true') for (const p of problems) say(`::error title=replay-fuzz merge::${escapeCommandData(p)}\n`);
  warn(`replay-fuzz merge: ${report.cycles.run} cycles from ${parts.length} report(s), ${report.cycles.failed} failed, ${Math.round(report.events_per_second)} events/s\n`);
  if (problems.length > 0 || lost.length > 0) return EXIT.usage;
  if (report.cycles.failed === 0) return EXIT.ok;
  return allowKnown === true && onlyKnownFailures(report) ? EXIT.ok : EXIT.failures;
}

/**
 * The merged report on stdout or in `output`, and the outputs a campaign
 * gets (HTML, and under GitHub Actions the job summary and annotations).
 * `say` writes to stderr when stdout carries the report; `lost` names each
 * output that could not be written.
 */
function writeMerged(report: CampaignReport, output: string | undefined, html: string | undefined): { say: (t: string) => void; lost: string[] } {
  if (output === undefined) process.stdout.write(prettyJson(report));
  const say = (t: string): void => void (output === undefined ? process.stderr : process.stdout).write(t);
  const lost = [
    output === undefined ? undefined : writeOutputFile('the merged report', output, () => prettyJson(report)),
    ...writeRunOutputs({ report, cycles: [], ...(html === undefined ? {} : { htmlPath: html }), env: process.env, out: say }),
  ].filter((p): p is string => p !== undefined);
  return { say, lost };
}

/** Shard reports of `replay-fuzz exhaust`: one exploration, and whether the union is complete. */
function mergeExhaust(reports: readonly CampaignReport[], output: string | undefined, html: string | undefined, allowKnown: boolean): number {
  if (!reports.every(isExhaustReport)) throw new UsageError('cannot merge exhaust reports with campaign reports');
  const { report, problems, gaps } = mergeExhaustReports(reports as readonly ExhaustReport[]);
  const { lost } = writeMerged(report, output, html);
  for (const p of [...problems, ...gaps, ...lost]) warn(`replay-fuzz merge: ${p}\n`);
  warn(`replay-fuzz merge: ${report.exhaust.complete ? 'the union is complete' : 'the union is NOT complete'}: ${verdictLine(report)}\n`);
  // A union that is not complete proves nothing: a missing or stopped shard is a problem, as for campaigns.
  if (problems.length > 0 || gaps.length > 0 || lost.length > 0) return EXIT.usage;
  const causes = report.exhaust.causes;
  return causes.length === 0 || (allowKnown && causes.every((c) => c.known)) ? EXIT.ok : EXIT.failures;
}
