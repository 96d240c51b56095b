/**
 * `--model both`: feeds every line to each model of BOTH_MODELS and, at the
 * first line any of them rejects, stops and triages: the trace differs from
 * both (a producer bug), or it follows one model and the other disagrees (a
 * C++/Lean divergence). The failure carries each model's verdict and diff.
 */
import type { ReplayStats } from '../check/checker.js';
import { ReplayFailure, type ComparisonClass, type FailureReport, type ModelComparison, type ModelVerdict, type ReplayProgress } from '../verdict/failure.js';
import { BOTH_MODELS, MODELS, type LineChecker, type ModelName, type ModelOptions } from './model.js';

/** Erases list indices and keys: `a[3].b[osd=2]` -> `a[].b[]`. */
export function pathShape(path: string): string {
  return path.replace(/\[[^\]]*\]/g, '[]');
}

function verdictOf(model: string, failure: ReplayFailure | undefined): ModelVerdict {
  if (failure === undefined) return { model, ok: true };
  const r = failure.report;
  return { model, ok: false, kind: r.kind, stage: r.stage, message: r.message, diff: r.diff };
}

/** Both failed: the producer; one reader refused the line: a reading difference; else the model that failed disagrees. */
function classOf(lean: ReplayFailure | undefined, cpp: ReplayFailure | undefined): ComparisonClass {
  if (lean !== undefined && cpp !== undefined) return 'producer-bug';
  if ((lean ?? cpp)!.report.kind === 'malformed') return 'reader-difference';
  return lean !== undefined ? 'cpp-lean-divergence' : 'lean-cpp-divergence';
}

/** Classifies the first failure from the verdicts of lean and cpp. */
export function comparisonOf(failures: ReadonlyMap<ModelName, ReplayFailure | undefined>): ModelComparison {
  const lean = failures.get('lean');
  const cpp = failures.get('cpp');
  const cls = classOf(lean, cpp);
  const first = (lean ?? cpp)!.report;
  const verdicts: Record<string, ModelVerdict> = {};
  const paths = new Set<string>();
  for (const [name, failure] of failures) {
    verdicts[name] = verdictOf(name, failure);
    for (const d of failure?.report.diff ?? []) paths.add(d.path);
  }
  const sorted = [...paths].sort();
  const shapes = [...new Set(sorted.map(pathShape))].sort();
  return {
    class: cls,
    line: first.line,
    ...(first.step === undefined ? {} : { step: first.step }),
    ...(first.event === undefined ? {} : { event: first.event }),
    stage: first.stage,
    paths: sorted,
    pathShapes: shapes,
    signature: [cls, first.event ?? '-', first.stage, shapes.join(',')].join('|'),
    verdicts,
  };
}

const CLASS_TEXT: Record<ComparisonClass, string> = {
  'producer-bug': 'the trace differs from both models (producer bug)',
  'cpp-lean-divergence': 'the trace follows the C++ model and the Lean model disagrees (C++/Lean divergence)',
  'lean-cpp-divergence': 'the trace follows the Lean model and the C++ model disagrees (C++/Lean divergence)',
  'reader-difference': 'one model reads the line and the other rejects it as malformed (a difference in reading, not between the models)',
};

export class BothChecker implements LineChecker {
  private readonly checkers: Map<ModelName, LineChecker>;

  constructor(options: ModelOptions = {}) {
    this.checkers = new Map(BOTH_MODELS.map((name) => [name, MODELS[name].createChecker(options)]));
  }

  feedLine(raw: Uint8Array, lineNo: number, terminated = true): void {
    this.run((c) => c.feedLine(raw, lineNo, terminated));
  }

  finish(): ReplayStats {
    let stats: ReplayStats | undefined;
    this.run((c) => {
      const s = c.finish();
      stats ??= s;
    });
    return stats!;
  }

  progress(): ReplayProgress {
    return this.checkers.get(BOTH_MODELS[0]!)!.progress();
  }

  private run(action: (c: LineChecker) => void): void {
    const failures = new Map<ModelName, ReplayFailure | undefined>();
    let failed = false;
    for (const [name, checker] of this.checkers) {
      try {
        action(checker);
        failures.set(name, undefined);
      } catch (err) {
        if (!(err instanceof ReplayFailure)) throw err;
        failures.set(name, err);
        failed = true;
      }
    }
    if (failed) throw triage(failures);
  }
}

/**
 * The one failure `both` reports for a line (or the end) where at least one
 * model failed: `failures` has every model's verdict there, in BOTH_MODELS
 * order (undefined: that model accepted it).
 */
export function triage(failures: ReadonlyMap<ModelName, ReplayFailure | undefined>): ReplayFailure {
  const comparison = comparisonOf(failures);
  const base = [...failures.values()].find((f) => f !== undefined)!;
  const allMalformed = [...failures.values()].every((f) => f?.report.kind === 'malformed');
  const report: FailureReport = {
    ...base.report,
    kind: allMalformed ? 'malformed' : 'mismatch',
    message: `${CLASS_TEXT[comparison.class]}: ${[...failures].map(([n, f]) => `${n}: ${f === undefined ? 'ok' : f.report.message}`).join('; ')}`,
    comparison,
  };
  const failure = new ReplayFailure(report);
  failure.progress = base.progress;
  return failure;
}

/** A checker for `--model`: one model, or `both`. */
export function createChecker(choice: ModelName | 'both', options: ModelOptions = {}): LineChecker {
  return choice === 'both' ? new BothChecker(options) : MODELS[choice].createChecker(options);
}
