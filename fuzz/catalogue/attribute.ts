/**
 * Cause attribution by repair: the events of a divergent trace are stepped
 * through the C++ port and checked by both models; the first divergence is
 * the finding. Each repair of repairs.ts then removes one input feature
 * from the events up to that step, and both models run again. A repair
 * after which the finding is gone (or, when another cause shows at the same
 * step, turned into a different one) is a cause; tags whose repair changes
 * nothing are dropped. The registry names the cause from that evidence.
 *
 * Deterministic: the same events and seed give the same attribution, so
 * results are cached by content.
 */
import { createHash } from 'node:crypto';
import { ROOT, type PairState } from '../../replay/models/lockstep.js';
import type { WireEvent } from '../../tracegen/index.js';
import { signatureOf } from './catalogue.js';
import { firstDivergence, firstDivergenceFrom, type FirstDivergence } from './first-divergence.js';
import { matchCause, UNKNOWN_CAUSE, type CauseEvidence, type CauseRegistry } from './registry.js';
import { parseEvents, REPAIRS, type Repair, type Repaired } from './repairs.js';

export { firstDivergence, firstDivergenceOfTrace, type FirstDivergence } from './first-divergence.js';

export interface Attribution {
  /** A registry id, or `unknown`. */
  readonly cause: string;
  readonly known: boolean;
  /** Who disagrees, the event and the state it arrived in, the stage and the fields; with the causal input tags. */
  readonly signature: string;
  /** Whether the events diverge at all (false: nothing to attribute, cause `unknown`). */
  readonly diverges: boolean;
  /** The first diverging step (0-based) and what it shows; absent when nothing diverges. */
  readonly step?: number;
  readonly evidence?: CauseEvidence;
  /** The step event's `ill_formed` tags whose repair changes the divergence (the signature's tags). */
  readonly tags?: readonly string[];
}

type RepairVerdict = { kind: 'removed' } | { kind: 'changed'; explains: readonly string[] } | { kind: 'same' };

/** What a repair did to the finding `base` at step `base.step`. */
function judgeRepair(base: FirstDivergence, after: FirstDivergence | undefined, kept: readonly number[]): RepairVerdict {
  if (after === undefined) return { kind: 'removed' };
  const step = kept[after.step] ?? -1;
  // A divergence the repair itself brought in earlier says nothing about this one.
  if (step < base.step) return { kind: 'same' };
  if (step > base.step) return { kind: 'removed' };
  const c = after.comparison;
  if (c.stage !== base.comparison.stage || c.event !== base.comparison.event) return { kind: 'changed', explains: base.fields };
  const explains = base.fields.filter((f) => !after.fields.includes(f));
  return explains.length > 0 ? { kind: 'changed', explains } : { kind: 'same' };
}

/** How many leading events a repair left exactly as they were. */
export function sharedPrefix(original: readonly WireEvent[], repaired: Repaired): number {
  let j = 0;
  while (j < repaired.events.length && j < original.length && repaired.kept[j] === j && repaired.events[j] === original[j]) j++;
  return j;
}

interface Trial {
  readonly repair: Repair;
  readonly verdict: RepairVerdict;
}

/**
 * Each applicable repair, judged against `base`. A repair's
 * events are checked from the state the unrepaired ones reached before the
 * first event it changed (`states[j]` is the pair of states before event
 * j): the events before it are the same, so their steps would be too.
 */
function tryRepairs(events: readonly WireEvent[], states: readonly PairState[], seed: bigint, base: FirstDivergence): Trial[] {
  const parsed = parseEvents(events);
  const trials: Trial[] = [];
  for (const repair of REPAIRS) {
    const repaired = repair.apply(parsed);
    if (repaired === undefined) continue;
    // No states when the written trace judged the events: then from the start.
    const start = states.length === 0 ? 0 : Math.min(sharedPrefix(events, repaired), states.length - 1);
    trials.push({ repair, verdict: judgeRepair(base, firstDivergenceFrom(repaired.events, seed, start, states[start] ?? ROOT), repaired.kept) });
  }
  return trials;
}

function gatherEvidence(prefix: readonly WireEvent[], states: readonly PairState[], seed: bigint, base: FirstDivergence): CauseEvidence {
  const trials = tryRepairs(prefix, states, seed, base);
  const removedBy: string[] = [];
  const changedBy: string[] = [];
  const explains: Record<string, readonly string[]> = {};
  for (const { repair, verdict } of trials) {
    if (verdict.kind === 'removed') {
      removedBy.push(repair.id);
      explains[repair.id] = base.fields;
    } else if (verdict.kind === 'changed') {
      changedBy.push(repair.id);
      explains[repair.id] = verdict.explains;
    }
  }
  const c = base.comparison;
  return { class: c.class, event: c.event ?? '-', fromState: base.fromState, stage: c.stage, fields: base.fields, removedBy, changedBy, explains };
}

/** Ill-formed input tags, and the repair that takes each away. */
const TAG_REPAIRS: Readonly<Record<string, string>> = { 'zero-length': 'drop-zero-length', unsorted: 'sort-images', 'duplicate-object': 'dedupe-objects' };

function causalTags(event: WireEvent | undefined, evidence: CauseEvidence): string[] {
  const m = /"ill_formed":\[([^\]]*)\]/.exec(event?.text ?? '');
  const tags = m === null ? [] : [...m[1]!.matchAll(/"([\w-]+)"/g)].map((x) => x[1]!);
  const causal = new Set([...evidence.removedBy, ...evidence.changedBy]);
  return tags.filter((t) => causal.has(TAG_REPAIRS[t] ?? ''));
}

export function attributionSignature(evidence: CauseEvidence, tags: readonly string[]): string {
  const base = signatureOf({ class: evidence.class, event: `${evidence.event} in ${evidence.fromState}`, stage: evidence.stage, fields: evidence.fields, illFormed: tags });
  return base;
}

function attributeUncached(events: readonly WireEvent[], seed: bigint, registry: CauseRegistry): Attribution {
  const states: PairState[] = [];
  const base = firstDivergence(events, seed, states);
  if (base === undefined) return { cause: UNKNOWN_CAUSE, known: false, signature: 'no divergence', diverges: false };
  const prefix = events.slice(0, base.step + 1);
  const evidence = gatherEvidence(prefix, states, seed, base);
  const known = matchCause(registry, evidence);
  const tags = causalTags(prefix[base.step], evidence);
  return {
    cause: known?.id ?? UNKNOWN_CAUSE,
    known: known !== undefined,
    signature: attributionSignature(evidence, tags),
    diverges: true,
    step: base.step,
    evidence,
    tags,
  };
}

/** Attributions by content; bounded, oldest dropped first. */
const cache = new Map<string, Attribution>();
const CACHE_LIMIT = 4096;

function cacheKey(events: readonly WireEvent[], seed: bigint, registry: CauseRegistry): string {
  const hash = createHash('sha256').update(`${registry.source}\n${seed}\n`);
  for (const e of events) hash.update(e.text).update('\n');
  return hash.digest('base64');
}

/**
 * The cause of the first C++/Lean divergence of `events` (wire forms as
 * written, C++ decodings beside them), named from `registry`.
 */
export function attributeDivergence(events: readonly WireEvent[], seed: bigint, registry: CauseRegistry): Attribution {
  const key = cacheKey(events, seed, registry);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const result = attributeUncached(events, seed, registry);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, result);
  return result;
}
