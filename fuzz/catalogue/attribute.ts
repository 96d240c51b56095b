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
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, ReplayFailure } from '../../replay/index.js';
import { createChecker } from '../../replay/models/both-checker.js';
import { LockstepChecker, ROOT, UnfaithfulEvent } from '../../replay/models/lockstep.js';
import { ByteWriter, renderWireEvents, type WireEvent } from '../../tracegen/index.js';
import { findingOf, signatureOf, type ComparisonLike } from './catalogue.js';
import { matchCause, UNKNOWN_CAUSE, type CauseEvidence, type CauseRegistry } from './registry.js';
import { parseEvents, REPAIRS } from './repairs.js';

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

/** The first divergence of an event list, as both models see its C++ rendering. */
export interface FirstDivergence {
  readonly comparison: ComparisonLike & { readonly step?: number; readonly line: number };
  readonly step: number;
  readonly fromState: string;
  readonly fields: readonly string[];
}

const FROM_STATE = /"from_state":"(\w+)"/;

/**
 * The first step at which the two models disagree on `events`, as `--model
 * both` would report it for their C++ trace; undefined when they agree.
 * The events are stepped in lockstep, without writing the trace; an event
 * whose text the C++ decoder reads as another event makes the written
 * trace the judge instead.
 */
export function firstDivergence(events: readonly WireEvent[], seed: bigint): FirstDivergence | undefined {
  try {
    return firstDivergenceInLockstep(events);
  } catch (err) {
    if (!(err instanceof UnfaithfulEvent)) throw err;
    return firstDivergenceOfTrace(events, seed);
  }
}

function firstDivergenceInLockstep(events: readonly WireEvent[]): FirstDivergence | undefined {
  const checker = new LockstepChecker();
  let state = ROOT;
  for (const event of events) {
    const outcome = checker.check(state, event);
    if (outcome.kind === 'ok') {
      state = outcome.next;
      continue;
    }
    const c = outcome.failure.report.comparison;
    if (c === undefined || c.step === undefined) return undefined;
    return { comparison: c, step: c.step, fromState: outcome.step.from, fields: findingOf(c, []).fields };
  }
  return undefined;
}

/**
 * The same, read off the C++ rendering of `events` checked by both models
 * line by line as it is rendered (rendering stops soon after the first
 * divergence).
 */
export function firstDivergenceOfTrace(events: readonly WireEvent[], seed: bigint): FirstDivergence | undefined {
  const checker = createChecker('both');
  let failingLine = '';
  const splitter = new LineSplitter((bytes, lineNo, terminated) => {
    try {
      checker.feedLine(bytes, lineNo, terminated);
    } catch (err) {
      failingLine = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 200)).toString('latin1');
      throw err;
    }
  }, DEFAULT_MAX_LINE_BYTES);
  const w = new ByteWriter(1 << 14, (chunk) => splitter.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
  try {
    renderWireEvents(events, seed, w);
    w.flush();
    splitter.end();
    checker.finish();
    return undefined;
  } catch (err) {
    if (!(err instanceof ReplayFailure)) throw err;
    const c = err.report.comparison;
    if (c === undefined || c.step === undefined) return undefined;
    return { comparison: c, step: c.step, fromState: FROM_STATE.exec(failingLine)?.[1] ?? '?', fields: findingOf(c, []).fields };
  }
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

function gatherEvidence(prefix: readonly WireEvent[], seed: bigint, base: FirstDivergence): CauseEvidence {
  const removedBy: string[] = [];
  const changedBy: string[] = [];
  const explains: Record<string, readonly string[]> = {};
  const parsed = parseEvents(prefix);
  for (const repair of REPAIRS) {
    const repaired = repair.apply(parsed);
    if (repaired === undefined) continue;
    const verdict = judgeRepair(base, firstDivergence(repaired.events, seed), repaired.kept);
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
  const base = firstDivergence(events, seed);
  if (base === undefined) return { cause: UNKNOWN_CAUSE, known: false, signature: 'no divergence', diverges: false };
  const prefix = events.slice(0, base.step + 1);
  const evidence = gatherEvidence(prefix, seed, base);
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
