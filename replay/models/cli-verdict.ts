/**
 * What `peering-replay-ts` answers for one trace: exit status, stdout and
 * stderr, computed without writing anything, so the bin prints it and tests
 * can ask for it without starting a process. Errors other than a verdict
 * (an unreadable input) are thrown as they are.
 */
import type { Readable } from 'node:stream';
import type { CompareMode } from '../compare/project.js';
import { leniencyLines } from '../check/line-rules.js';
import { ReplayFailure } from '../verdict/failure.js';
import { failureText, jsonReport, okLine, REPLAY_EXIT } from '../verdict/report.js';
import type { ModelChoice } from './model.js';
import { replayStream } from './run.js';

export interface CliVerdict {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliVerdictOptions {
  readonly mode: CompareMode;
  readonly model: ModelChoice;
  readonly maxLineBytes: number;
  readonly json: boolean;
  /** Under `both`: a heap limit for the Lean checker thread, in MB. */
  readonly leanHeapMb?: number;
}

const lines = (texts: readonly string[]): string => texts.map((t) => `${t}\n`).join('');

export async function cliVerdict(input: Readable, o: CliVerdictOptions): Promise<CliVerdict> {
  const { mode, model, json } = o;
  try {
    const stats = await replayStream(input, { mode, model, maxLineBytes: o.maxLineBytes, ...(o.leanHeapMb === undefined ? {} : { leanHeapMb: o.leanHeapMb }) });
    const notes = leniencyLines(stats.notes, stats.summaries, stats.steps);
    if (json) return { code: REPLAY_EXIT.ok, stdout: lines([jsonReport({ ok: true, model, mode, steps: stats.steps, summaries: stats.summaries, notes })]), stderr: '' };
    return { code: REPLAY_EXIT.ok, stdout: lines([okLine(stats)]), stderr: lines(notes) };
  } catch (err) {
    if (!(err instanceof ReplayFailure)) throw err;
    const code = err.report.kind === 'malformed' ? REPLAY_EXIT.malformed : REPLAY_EXIT.mismatch;
    const { steps, summaries, notes } = err.progress;
    if (json) return { code, stdout: lines([jsonReport({ ok: false, model, mode, steps, summaries, notes, failure: err.report })]), stderr: '' };
    return { code, stdout: '', stderr: lines([failureText(err.report), ...notes]) };
  }
}
