/**
 * What a finished run writes besides the JSON report: the JUnit file
 * (`--junit`), and under GitHub Actions the step summary and error
 * annotations. Each is best effort for the environment's sake, but a
 * JUnit file that was asked for and cannot be written is an error.
 */
import { appendFileSync } from 'node:fs';
import { writeFileDurably } from '../store/durable.js';
import { errorAnnotations, markdownSummary } from './github.js';
import { junitXml, type CycleResult } from './junit.js';
import type { CampaignReport } from './report.js';

export interface RunOutputs {
  readonly report: CampaignReport;
  readonly cycles: readonly CycleResult[];
  readonly junitPath?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly out: (text: string) => void;
  readonly warn: (text: string) => void;
}

export function writeRunOutputs(o: RunOutputs): void {
  if (o.junitPath !== undefined) writeFileDurably(o.junitPath, junitXml(o.report, o.cycles));
  const summary = o.env.GITHUB_STEP_SUMMARY;
  if (summary !== undefined && summary !== '') {
    try {
      appendFileSync(summary, markdownSummary(o.report));
    } catch (err) {
      o.warn(`replay-fuzz: cannot append to GITHUB_STEP_SUMMARY (${summary}): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
    }
  }
  if (o.env.GITHUB_ACTIONS === 'true') o.out(errorAnnotations(o.report));
}
