/**
 * What a finished run writes besides the JSON report: the HTML page
 * (`--html`), the JUnit file (`--junit`), and under GitHub Actions the step
 * summary and error annotations. Each is written on its own, durably: one
 * that cannot be written (a full disk) is a one-line reason naming its
 * file, and never keeps the others from being written.
 */
import { appendFileDurably, REAL_IO, writeFileDurably, type FileIo } from '../store/durable.js';
import { errorAnnotations, markdownSummary } from './github.js';
import { renderHtmlReport } from './html.js';
import { junitXml, type CycleResult } from './junit.js';
import type { CampaignReport } from './report.js';

export interface RunOutputs {
  readonly report: CampaignReport;
  readonly cycles: readonly CycleResult[];
  readonly htmlPath?: string;
  readonly junitPath?: string;
  readonly env: NodeJS.ProcessEnv;
  /** Where our own workflow commands (the annotations) go as they are: stdout. */
  readonly out: (text: string) => void;
  /** File operations (tests inject a full disk). */
  readonly io?: FileIo;
}

const reason = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

/** Writes one output file durably; returns why it could not be, naming the file, or undefined. */
export function writeOutputFile(what: string, path: string, render: () => string, io: FileIo = REAL_IO): string | undefined {
  try {
    writeFileDurably(path, render(), io);
    return undefined;
  } catch (err) {
    return `cannot write ${what} ${path}: ${reason(err)}`;
  }
}

function appendStepSummary(o: RunOutputs, io: FileIo): string | undefined {
  const path = o.env.GITHUB_STEP_SUMMARY;
  if (path === undefined || path === '') return undefined;
  try {
    appendFileDurably(path, markdownSummary(o.report), io);
    return undefined;
  } catch (err) {
    return `cannot append to the step summary ${path}: ${reason(err)}`;
  }
}

/** Writes every output asked for; returns one line per output that could not be written. */
export function writeRunOutputs(o: RunOutputs): string[] {
  const io = o.io ?? REAL_IO;
  const problems = [
    o.htmlPath === undefined ? undefined : writeOutputFile('the HTML report', o.htmlPath, () => renderHtmlReport(o.report), io),
    o.junitPath === undefined ? undefined : writeOutputFile('the JUnit report', o.junitPath, () => junitXml(o.report, o.cycles), io),
    appendStepSummary(o, io),
  ];
  if (o.env.GITHUB_ACTIONS === 'true') o.out(errorAnnotations(o.report));
  return problems.filter((p): p is string => p !== undefined);
}
