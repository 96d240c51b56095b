/** What a failed replay reports: where, what, why, and the focused diff. */
import type { DiffEntry } from '../compare/diff.js';

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
  /** Under `--model both`: each model's verdict and the triage of the first failure. */
  readonly comparison?: ModelComparison;
}

/**
 * `producer-bug`: the trace differs from both models. `cpp-lean-divergence`:
 * the trace follows the C++ model and Lean disagrees. `lean-cpp-divergence`:
 * the trace follows the Lean model and C++ disagrees. `reader-difference`:
 * one model's reader rejects the line as malformed (a number or a nesting
 * the C++ types cannot hold, say) and the other model accepts it: the models
 * never got to disagree, so it is no divergence.
 */
export type ComparisonClass = 'producer-bug' | 'cpp-lean-divergence' | 'lean-cpp-divergence' | 'reader-difference';

/** The classes that are findings about the models (a divergence catalogue files these, and only these). */
export const DIVERGENCE_CLASSES: readonly ComparisonClass[] = ['producer-bug', 'cpp-lean-divergence', 'lean-cpp-divergence'];

/** One model's answer for the line where the first failure happened. */
export interface ModelVerdict {
  readonly model: string;
  /** Whether this model accepted the line. */
  readonly ok: boolean;
  readonly kind?: 'malformed' | 'mismatch';
  readonly stage?: Stage;
  readonly message?: string;
  readonly diff?: readonly DiffEntry[];
}

/**
 * The structured result of a `both` check, enough to build a divergence
 * catalogue: `signature` joins class, event type, stage and the differing
 * field paths with list indices and keys erased (`after.peer_info[].image[].len`),
 * so the same divergence found twice gets the same signature.
 */
export interface ModelComparison {
  readonly class: ComparisonClass;
  readonly line: number;
  readonly step?: number;
  readonly event?: string;
  /** The comparison stage that failed (Lean's when both models failed). */
  readonly stage: Stage;
  /** Differing field paths of every failing model, sorted, indices kept. */
  readonly paths: readonly string[];
  /** The same paths with indices and keys erased, deduplicated and sorted. */
  readonly pathShapes: readonly string[];
  readonly signature: string;
  readonly verdicts: Readonly<Record<string, ModelVerdict>>;
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

/**
 * The checker itself failed (a checker thread died, out of memory say): no
 * verdict about the trace, and no fault of the input either.
 */
export class CheckerCrash extends Error {}

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
