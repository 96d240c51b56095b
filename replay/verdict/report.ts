/** Human and machine renderings of a replay outcome. */
import type { FailureReport } from './failure.js';
import { reportJson } from '../input/json-text.js';

/** Exit statuses of `peering-replay-ts` (0/1/2 as Lean's `peering-replay`). */
export const REPLAY_EXIT = {
  ok: 0,
  mismatch: 1,
  usage: 2,
  malformed: 3,
  io: 4,
  /** The checker failed (`CheckerCrash`): no verdict. */
  internal: 5,
} as const;

export function okLine(stats: { steps: number; summaries: number }): string {
  return `replay ok: steps=${stats.steps} summaries=${stats.summaries}`;
}

/** A value for a terminal line: long ones shortened (the --json report keeps them whole). */
export function clipText(text: string, max = 300): string {
  return text.length <= max ? text : `${text.slice(0, max - 60)}... (${text.length} characters)`;
}

export function failureText(f: FailureReport): string {
  if (f.kind === 'malformed') return `peering-replay-ts: ${f.line === 0 ? '' : `line ${f.line}: `}${clipText(f.message, 2000)}`;
  const where = [`line ${f.line}`, f.step === undefined ? '' : `step ${f.step}`, f.event ?? ''].filter(Boolean).join(', ');
  const lines = [`replay mismatch at ${where}: ${f.message}`, `triage: ${f.triage}: ${f.triageReason}`];
  if (f.comparison !== undefined) {
    lines.push(`models: ${Object.values(f.comparison.verdicts).map((v) => `${v.model} ${v.ok ? 'accepts' : `rejects (${v.stage ?? v.kind})`}`).join(', ')}; class ${f.comparison.class}`);
  }
  const shown = f.diff.slice(0, 40);
  for (const d of shown) lines.push(`  ${clipText(d.path)}: expected ${clipText(d.expected ?? '(absent)')}, actual ${clipText(d.actual ?? '(absent)')}`);
  if (f.diff.length > shown.length) lines.push(`  ... ${f.diff.length - shown.length} more difference(s) (use --json for all)`);
  return lines.join('\n');
}

export interface JsonReport {
  readonly ok: boolean;
  /** `lean`, `cpp` or `both`; under `both` a failure carries `failure.comparison`. */
  readonly model?: string;
  readonly mode: string;
  readonly steps: number;
  readonly summaries: number;
  readonly notes: readonly string[];
  readonly failure?: FailureReport;
}

export function jsonReport(report: JsonReport): string {
  return reportJson(report);
}
