/** `replay-fuzz merge REPORT...`: one report from the shard reports of a campaign. */
import { Command as Cli } from 'commander';
import { renderHtmlReport } from '../../fuzz/outputs/html.js';
import { writeRunOutputs } from '../../fuzz/outputs/run-outputs.js';
import { mergeReports, readReport } from '../../fuzz/outputs/report.js';
import { writeFileDurably } from '../../fuzz/store/durable.js';
import { prettyJson } from '../../fuzz/store/json-out.js';
import { checkOutputPath } from '../../fuzz/store/output-path.js';
import { asUsage } from '../shared/args.js';
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
  const { report, problems } = mergeReports(reports);
  if (output === undefined) process.stdout.write(prettyJson(report));
  else writeFileDurably(output, prettyJson(report));
  if (html !== undefined) writeFileDurably(html, renderHtmlReport(report));
  for (const p of problems) process.stderr.write(`replay-fuzz merge: ${p}\n`);
  // Under GitHub Actions the merged campaign gets the job summary and annotations a campaign gets, and so does each
  // problem; annotations go to stderr when stdout carries the report.
  const say = (t: string): void => void (output === undefined ? process.stderr : process.stdout).write(t);
  writeRunOutputs({ report, cycles: [], env: process.env, out: say, warn: (t) => void process.stderr.write(t) });
  if (process.env.GITHUB_ACTIONS === 'true') for (const p of problems) say(`::error title=replay-fuzz merge::${p.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n`);
  process.stderr.write(
    `replay-fuzz merge: ${report.cycles.run} cycles from ${reports.length} report(s), ${report.cycles.failed} failed, ${Math.round(report.events_per_second)} events/s\n`,
  );
  if (problems.length > 0) return EXIT.usage;
  return report.cycles.failed > 0 ? EXIT.failures : EXIT.ok;
}
