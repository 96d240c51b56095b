/**
 * What a divergent transition means: its cause, whether the cause is a
 * known one, and its catalogue signature. The search needs nothing else
 * from the catalogue, so this file is the one place that says how causes
 * are attributed.
 *
 * For now the cause is the catalogue signature (fuzz/catalogue/catalogue.ts)
 * and nothing is known. Swapping in the cause registry's attribution
 * (`attributeDivergence(events, seed, registry)` with `loadCauseRegistry()`)
 * changes `createJudge` and nothing else.
 */
import type { ReplayFailure } from '../../replay/index.js';
import type { WireEvent } from '../../tracegen/index.js';
import { findingOf, signatureOf, type DivergenceFinding } from '../catalogue/catalogue.js';
import { illFormedTags } from '../cycle/outcome.js';

export interface Judgement {
  /** A registry id, or the signature while no registry attributes causes; 'unknown' for a cause the registry lacks. */
  readonly cause: string;
  readonly known: boolean;
  readonly signature: string;
}

/**
 * Judges the divergence shown by the last event of `events` (a sequence from
 * Initialize). `failure` is `--model both`'s report for that last line,
 * which a judge may use or recompute.
 */
export type Judge = (events: readonly WireEvent[], failure: ReplayFailure) => Judgement;

/** The catalogue's reading of the failure: class, event, stage, root fields, ill-formed tags of the event. */
export function findingOfFailure(events: readonly WireEvent[], failure: ReplayFailure): DivergenceFinding {
  const comparison = failure.report.comparison;
  const last = events[events.length - 1]!;
  if (comparison === undefined) return { class: 'producer-bug', event: last.event.type, stage: failure.report.stage, fields: [], illFormed: illFormedTags(last.text) };
  return findingOf(comparison, illFormedTags(last.text));
}

export function createJudge(): Judge {
  return (events, failure) => {
    const signature = signatureOf(findingOfFailure(events, failure));
    return { cause: signature, known: false, signature };
  };
}
