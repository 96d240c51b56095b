/**
 * What a divergent transition means: its finding (who disagrees, the event
 * and the state it came in, the stage, the fields, the event's ill-formed
 * tags), read cheaply off `--model both`'s report, and its cause, named by
 * the registry of known divergences after attribution by repair
 * (fuzz/catalogue/attribute.ts), exactly as campaigns name theirs.
 *
 * Attribution replays the witness once per repair, milliseconds each, and
 * a search meets hundreds of thousands of divergent transitions. So the
 * search attributes one witness per finding key, the first in
 * breadth-first order (its shortest), and files every other divergence
 * with that key under the same cause (search.ts; docs/exhaust.md says what
 * this claims). This file is the one place that says how causes are named.
 */
import { decodeEvent, parseJson, type ReplayFailure } from '../../replay/index.js';
import type { WireEvent } from '../../tracegen/index.js';
import { attributeDivergence } from '../catalogue/attribute.js';
import { findingOf, signatureOf, type DivergenceFinding } from '../catalogue/catalogue.js';
import { loadCauseRegistry, UNKNOWN_CAUSE } from '../catalogue/registry.js';
import { illFormedTags } from '../cycle/outcome.js';

/** A divergence as both models report it, before any attribution: with the state it came in, and every `ill_formed` tag of its event. */
export interface Finding extends DivergenceFinding {
  readonly fromState: string;
}

export interface Judgement {
  /** A registry id, or `unknown`. */
  readonly cause: string;
  readonly known: boolean;
  /** The catalogue's signature: the finding with only the ill-formed tags that matter to it. */
  readonly signature: string;
  readonly summary: string | null;
  readonly docs: string | null;
  /** The causal `ill_formed` tags, and the repairs that take the divergence away or change it. */
  readonly tags: readonly string[];
  readonly repairs: readonly string[];
}

/** Judges the divergence shown by the last event of a sequence from Initialize, given as wire texts. */
export type Judge = (texts: readonly string[], finding: Finding) => Judgement;

/** Wire texts as events: each read back as the C++ decoder reads it (what the grammar stepped). */
export function witnessEvents(texts: readonly string[]): WireEvent[] {
  return texts.map((text) => ({ event: decodeEvent(parseJson(text)), text }));
}

/** The finding of a divergent line: `failure` is its `--model both` report, `fromState` the C++ state it started in. */
export function findingOfFailure(last: WireEvent, failure: ReplayFailure, fromState: string): Finding {
  const comparison = failure.report.comparison;
  const tags = illFormedTags(last.text);
  if (comparison === undefined) return { class: 'producer-bug', event: last.event.type, fromState, stage: failure.report.stage, fields: [], illFormed: tags };
  const f = findingOf(comparison, tags);
  return { class: f.class, event: f.event, fromState, stage: f.stage, fields: f.fields, illFormed: f.illFormed };
}

/** The key a finding is attributed under: the catalogue's signature with the from-state and every tag. */
export function findingKey(f: Finding): string {
  return signatureOf({ class: f.class, event: `${f.event} in ${f.fromState}`, stage: f.stage, fields: f.fields, illFormed: f.illFormed });
}

/** Causes named by the built-in registry (divergences/known.json), or by `registryPath`. */
export function createJudge(registryPath?: string): Judge {
  const registry = loadCauseRegistry(registryPath);
  return (texts, finding) => {
    const a = attributeDivergence(witnessEvents(texts), 0n, registry);
    const cause = registry.causes.find((c) => c.id === a.cause);
    // Attribution finds the same first divergence; should it not, the finding itself is the signature.
    const signature = a.diverges ? a.signature : findingKey(finding);
    return {
      cause: cause?.id ?? UNKNOWN_CAUSE,
      known: cause !== undefined,
      signature,
      summary: cause?.summary ?? null,
      docs: cause?.docs ?? null,
      tags: a.tags ?? [],
      repairs: a.evidence === undefined ? [] : [...a.evidence.removedBy, ...a.evidence.changedBy],
    };
  };
}
