/** What a failed replay reports: where, what, why, and the focused diff. */
import type { DiffEntry } from './diff.js';

/**
 * `parse`: the line could not be read as a trace line (syntax, schema,
 * structure). `trace-invariant`: the trace contradicts itself (its recorded
 * checks disagree with its own snapshots, a snapshot breaks the image
 * invariant, or a step does not start where the previous one ended).
 * `reducer-disagreement`: the trace is coherent but replaying its event
 * gives a different result.
 */
export type Triage = 'parse' | 'trace-invariant' | 'reducer-disagreement';

/** Which comparison failed, in the Lean checker's order. */
export type Stage = 'line' | 'input' | 'before_checks' | 'from_state' | 'after' | 'after_checks' | 'to_state' | 'effects';

export interface FailureReport {
  /** `malformed` exits 3, `mismatch` exits 1. */
  readonly kind: 'malformed' | 'mismatch';
  /** 1-based line number in the input (0 when the input has no lines). */
  readonly line: number;
  readonly step?: number;
  readonly event?: string;
  readonly stage: Stage;
  readonly message: string;
  readonly triage: Triage;
  readonly triageReason: string;
  readonly diff: readonly DiffEntry[];
}

/** How far the replay got before failing. */
export interface ReplayProgress {
  readonly steps: number;
  readonly summaries: number;
  /** Leniency notes gathered so far (as printed on success). */
  readonly notes: readonly string[];
}

export class ReplayFailure extends Error {
  /** Filled in by the checker that raised it. */
  progress: ReplayProgress = { steps: 0, summaries: 0, notes: [] };

  constructor(readonly report: FailureReport) {
    super(`line ${report.line}: ${report.message}`);
  }
}

export function malformed(line: number, message: string, extra: Partial<FailureReport> = {}): ReplayFailure {
  return new ReplayFailure({
    kind: 'malformed',
    line,
    stage: 'line',
    message,
    triage: 'parse',
    triageReason: 'the line is not a well-formed trace line; fix the producer or the transport before comparing semantics',
    diff: [],
    ...extra,
  });
}
