/** `replay-fuzz merge REPORT...`: one report from the shard reports of a campaign. */
import { Command as Cli } from 'commander';
import { renderHtmlReport } from '../../fuzz/outputs/html.js';
import { mergeReports, readReport } from '../../fuzz/outputs/report.js';
import { writeFileDurably } from '../../fuzz/store/durable.js';
import { prettyJson } from '../../fuzz/store/json-out.js';
import { checkOutputPath } from '../../fuzz/store/output-path.js';
import { isExhaustReport, mergeExhaustReports } from '../../fuzz/exhaust/merge.js';
import { verdictLine, type ExhaustReport } from '../../fuzz/exhaust/report.js';
import type { CampaignReport } from '../../fuzz/outputs/report.js';
import { asUsage, UsageError } from '../shared/args.js';
import { EXIT } from './exit.js';

export async function runMerge(argv: string[]): Promise<number> {
  const program = new Cli('replay-fuzz merge')
    .description('Combine the JSON reports of the shards of one campaign')
    .argument('<reports...>', 'shard reports written with --report')
    .option('--output <file>', 'write the merged report here (default: stdout)')
    .option('--html <file>', 'also write the merged report as self-contained HTML')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (t) => process.stdout.write(t) });
  program.parse(argv, { from: 'user' });
  const { output, html } = program.opts<{ output?: string; html?: string }>();
  asUsage(() => {
    if (output !== undefined) checkOutputPath(output, '--output');
    if (html !== undefined) checkOutputPath(html, '--html');
  });
  const reports = program.args.map((p) => asUsage(() => readReport(p)));
  if (reports.some(isExhaustReport)) return mergeExhaust(reports, output, html);
  const { report, problems } = mergeReports(reports);
  if (output === undefined) process.stdout.write(prettyJson(report));
  else writeFileDurably(output, prettyJson(report));
  if (html !== undefined) writeFileDurably(html, renderHtmlReport(report));
  for (const p of problems) process.stderr.write(`replay-fuzz merge: ${p}\n`);
  process.stderr.write(
    `replay-fuzz merge: ${report.cycles.run} cycles from ${reports.length} report(s), ${report.cycles.failed} failed, ${Math.round(report.events_per_second)} events/s\n`,
  );
  if (problems.length > 0) return EXIT.usage;
  return report.cycles.failed > 0 ? EXIT.failures : EXIT.ok;
}

/** Shard reports of `replay-fuzz exhaust`: one exploration, and whether the union is complete. */
function mergeExhaust(reports: readonly CampaignReport[], output: string | undefined, html: string | undefined): number {
  if (!reports.every(isExhaustReport)) throw new UsageError('cannot merge exhaust reports with campaign reports');
  const { report, problems, gaps } = mergeExhaustReports(reports as readonly ExhaustReport[]);
  if (output === undefined) process.stdout.write(prettyJson(report));
  else writeFileDurably(output, prettyJson(report));
  if (html !== undefined) writeFileDurably(html, renderHtmlReport(report));
  for (const p of [...problems, ...gaps]) process.stderr.write(`replay-fuzz merge: ${p}\n`);
  process.stderr.write(`replay-fuzz merge: ${report.exhaust.complete ? 'the union is complete' : 'the union is NOT complete'}: ${verdictLine(report)}\n`);
  if (problems.length > 0) return EXIT.usage;
  return report.exhaust.causes.some((c) => !c.known) ? EXIT.failures : EXIT.ok;
}
