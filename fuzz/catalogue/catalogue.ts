/**
 * The divergence catalogue: every finding of a campaign (a failing step
 * both models were asked about) filed under its cause, a registry id or
 * `unknown` (attribute.ts), and within the cause under its signature: who
 * disagrees, the event and the state it arrived in, the stage and the
 * fields that differ. Counts are kept per signature and cause, and the
 * earliest cycle of each keeps its example (minimized when asked).
 *
 * A raw diff lists every path that differs, most of them consequences: a
 * peer report Lean stores and C++ drops changes the peer map, the responded
 * set, authority and both recovery plans. The signature keeps the fields a
 * cause touches first (see docs/explore.md), so one cause is one line.
 */
import { compareText } from '../store/text.js';

/** What `--model both` says about the first failing step (replay/verdict/failure.ts ModelComparison). */
export interface ComparisonLike {
  readonly class: string;
  readonly event?: string;
  readonly stage: string;
  readonly paths: readonly string[];
}

export interface DivergenceFinding {
  readonly class: string;
  readonly event: string;
  readonly stage: string;
  readonly fields: readonly string[];
  /** Input defects of the step's event that the finding depends on (its `ill_formed` tags whose repair changes it). */
  readonly illFormed: readonly string[];
}

/** The first differing step of an example, as each model writes it. */
export interface StepDiff {
  readonly step: number;
  readonly event: string;
  readonly from_state: string;
  /** Compact JSON of the C++ port's step (`to_state`, `after`, `after_checks`, `effects`). */
  readonly cpp: string;
  /** The same members as the Lean mirror writes them. */
  readonly lean: string;
  /** The paths that differ (lists compared in order). */
  readonly paths: readonly string[];
}

export interface DivergenceExample {
  readonly cycle: number;
  readonly seed: bigint;
  /** Events in the example trace: the minimized witness's when minimized, else the cycle's trace's. */
  readonly events: number;
  /** Events in the cycle's whole trace. */
  readonly original_events: number;
  /** Reproduces the example: the minimized witness's check when there is one on disk, else the cycle's pipeline. */
  readonly reproduce: string;
  /** The example trace itself (JSONL), minimized when `--minimize` was given; null when too large. */
  readonly trace: string | null;
  /** The failing cycle's saved trace, and the minimized witness beside it. */
  readonly trace_path: string | null;
  readonly minimized_path?: string | null;
  readonly minimized: boolean;
  readonly step_diff?: StepDiff;
}

export interface SignatureEntry {
  readonly signature: string;
  readonly count: number;
  readonly class: string;
  readonly event: string;
  readonly from_state: string;
  readonly stage: string;
  readonly fields: readonly string[];
  readonly ill_formed: readonly string[];
  /** Repairs that take the finding away or change it (attribute.ts), most specific first. */
  readonly repairs: readonly string[];
  readonly example: DivergenceExample;
}

export interface DivergenceEntry {
  /** A registry id, or `unknown`. */
  readonly cause: string;
  readonly known: boolean;
  /** The registry's one-line description and docs link (null for unknown causes). */
  readonly summary: string | null;
  readonly docs: string | null;
  readonly count: number;
  /** The earliest example among its signatures. */
  readonly example: DivergenceExample;
  readonly signatures: readonly SignatureEntry[];
}

/** One finding as the catalogue files it. */
export interface CataloguedFinding {
  readonly cause: string;
  readonly known: boolean;
  readonly summary: string | null;
  readonly docs: string | null;
  readonly signature: string;
  readonly class: string;
  readonly event: string;
  readonly fromState: string;
  readonly stage: string;
  readonly fields: readonly string[];
  readonly illFormed: readonly string[];
  readonly repairs: readonly string[];
}

/** Recomputed from the peer and local reports on every refresh. */
const DERIVED = new Set(['auth_seq', 'auth_image', 'auth_sources', 'auth_blob_meta', 'peer_recovery_plans', 'local_recovery_plan', 'recovery_targets']);
/** A check that makes the clean/recovering checks follow. */
const CHECK_ROOT = 'image_invariant';
const CHECK_FOLLOWERS = new Set(['image_clean', 'image_recovering']);

/** `after.peer_info[osd=3].image[0][1]` -> `peer_info`; `effects[2].info.image` -> `effects`. */
export function topField(path: string): string {
  const dot = path.indexOf('.');
  const bracket = path.indexOf('[');
  const stageEnd = dot < 0 ? -1 : bracket >= 0 && bracket < dot ? -1 : dot;
  if (stageEnd < 0) return path.replace(/\[.*$/, '');
  const rest = path.slice(stageEnd + 1);
  return rest.replace(/[.[].*$/, '');
}

/** The fields a signature names for a stage and its differing paths. */
export function rootFields(stage: string, paths: readonly string[]): string[] {
  if (stage === 'effects') return ['effects'];
  if (stage === 'line') return [];
  let tops = [...new Set(paths.map(topField))].filter((f) => f !== '');
  if (stage === 'after_checks' || stage === 'before_checks') {
    if (tops.includes(CHECK_ROOT)) tops = tops.filter((f) => !CHECK_FOLLOWERS.has(f));
    return tops.sort();
  }
  // A different state means the models took different paths: everything else follows from it.
  if (tops.includes('state')) return ['state'];
  let primary = tops.filter((f) => !DERIVED.has(f));
  if (primary.includes('peer_info')) primary = primary.filter((f) => f !== 'peers_responded');
  return (primary.length > 0 ? primary : derivedRoots(tops)).sort();
}

/** Of derived fields alone, the ones not computed from another differing one. */
function derivedRoots(fields: readonly string[]): string[] {
  const has = (f: string) => fields.includes(f);
  const out = new Set<string>();
  for (const f of fields) {
    if (f === 'local_recovery_plan' || f === 'peer_recovery_plans') {
      // Both plans come from authority the same way; one field for either.
      if (!has('auth_sources') && !has('auth_seq')) out.add('recovery_plans');
    } else if (f === 'auth_image' || f === 'auth_blob_meta') {
      if (!has('auth_sources')) out.add(f);
    } else {
      out.add(f);
    }
  }
  return [...out];
}

const CLASS_SHORT: Readonly<Record<string, string>> = {
  'cpp-lean-divergence': 'lean-disagrees',
  'lean-cpp-divergence': 'cpp-disagrees',
  'producer-bug': 'producer-bug',
};

/** `who disagrees | event | stage | fields [| ill-formed:tags]`; the event may carry its from-state (`PeerInfoReceived in Stray`). */
export function signatureOf(f: DivergenceFinding): string {
  const parts = [CLASS_SHORT[f.class] ?? f.class, f.event, f.stage, f.fields.length > 0 ? f.fields.join(',') : '-'];
  if (f.illFormed.length > 0) parts.push(`ill-formed:${[...f.illFormed].sort().join('+')}`);
  return parts.join(' | ');
}

export function findingOf(c: ComparisonLike, illFormed: readonly string[]): DivergenceFinding {
  return { class: c.class, event: c.event ?? '-', stage: c.stage, fields: rootFields(c.stage, c.paths), illFormed };
}

function signatureEntry(f: CataloguedFinding, example: DivergenceExample): SignatureEntry {
  return { signature: f.signature, count: 1, class: f.class, event: f.event, from_state: f.fromState, stage: f.stage, fields: f.fields, ill_formed: f.illFormed, repairs: f.repairs, example };
}

/** Findings by cause, then by signature, each with its earliest example. */
export class Catalogue {
  private readonly byCause = new Map<string, { head: CataloguedFinding; signatures: Map<string, SignatureEntry> }>();

  /**
   * Counts a finding. Returns true when its example becomes its
   * signature's example (a new signature, or an earlier cycle than the one
   * kept), so the caller fills in the trace; the earliest cycle wins
   * whatever --jobs did.
   */
  add(f: CataloguedFinding, example: DivergenceExample): boolean {
    let cause = this.byCause.get(f.cause);
    if (cause === undefined) this.byCause.set(f.cause, (cause = { head: f, signatures: new Map() }));
    const had = cause.signatures.get(f.signature);
    if (had === undefined) {
      cause.signatures.set(f.signature, signatureEntry(f, example));
      return true;
    }
    const earlier = example.cycle < had.example.cycle;
    cause.signatures.set(f.signature, { ...had, count: had.count + 1, example: earlier ? example : had.example });
    return earlier;
  }

  /** Replaces the example of a signature (once its trace is known or minimized). */
  setExample(cause: string, signature: string, example: DivergenceExample): void {
    const had = this.byCause.get(cause)?.signatures.get(signature);
    if (had !== undefined && had.example.cycle === example.cycle) this.byCause.get(cause)!.signatures.set(signature, { ...had, example });
  }

  example(cause: string, signature: string): DivergenceExample | undefined {
    return this.byCause.get(cause)?.signatures.get(signature)?.example;
  }

  entries(): DivergenceEntry[] {
    return sortEntries([...this.byCause.values()].map(({ head, signatures }) => causeEntry(head, [...signatures.values()])));
  }
}

function causeEntry(head: Pick<CataloguedFinding, 'cause' | 'known' | 'summary' | 'docs'>, signatures: SignatureEntry[]): DivergenceEntry {
  const sorted = signatures.sort((a, b) => b.count - a.count || compareText(a.signature, b.signature));
  const example = sorted.reduce((best, s) => (s.example.cycle < best.cycle ? s.example : best), sorted[0]!.example);
  return { cause: head.cause, known: head.known, summary: head.summary, docs: head.docs, count: sorted.reduce((n, s) => n + s.count, 0), example, signatures: sorted };
}

function sortEntries(entries: DivergenceEntry[]): DivergenceEntry[] {
  // Unknown causes first: they are what a reader has to act on.
  return entries.sort((a, b) => Number(a.known) - Number(b.known) || b.count - a.count || compareText(a.cause, b.cause));
}

/** Distinct signatures filed under causes the registry does not know. */
export function newCauseCount(entries: readonly DivergenceEntry[]): number {
  return entries.filter((d) => !d.known).reduce((n, d) => n + d.signatures.length, 0);
}

/** A report entry of format 2 (one per signature, no cause) as a cause entry. */
function asCauseEntry(d: DivergenceEntry | (SignatureEntry & { cause?: undefined })): DivergenceEntry {
  if (d.cause !== undefined) return d as DivergenceEntry;
  const s = d as SignatureEntry;
  return { cause: 'unknown', known: false, summary: null, docs: null, count: s.count, example: s.example, signatures: [{ ...s, from_state: s.from_state ?? '?', repairs: s.repairs ?? [] }] };
}

/** Combines the catalogues of shards: counts add up, the earliest cycle's example wins. */
export function mergeDivergences(lists: readonly (readonly DivergenceEntry[])[]): DivergenceEntry[] {
  const byCause = new Map<string, { head: DivergenceEntry; signatures: Map<string, SignatureEntry> }>();
  for (const list of lists) {
    for (const raw of list) {
      const d = asCauseEntry(raw);
      let cause = byCause.get(d.cause);
      if (cause === undefined) byCause.set(d.cause, (cause = { head: d, signatures: new Map() }));
      for (const s of d.signatures) {
        const had = cause.signatures.get(s.signature);
        const count = Number(s.count);
        if (had === undefined) cause.signatures.set(s.signature, { ...s, count });
        else cause.signatures.set(s.signature, { ...had, count: had.count + count, example: s.example.cycle < had.example.cycle ? s.example : had.example });
      }
    }
  }
  return sortEntries([...byCause.values()].map(({ head, signatures }) => causeEntry(head, [...signatures.values()])));
}

function exampleLine(ex: DivergenceExample): string {
  return `cycle ${ex.cycle} seed ${ex.seed}${ex.minimized ? `, minimized to ${ex.events} of ${ex.original_events} events` : `, ${ex.events} events`}`;
}

/** The end-of-campaign table: one block per cause, its signatures below it. */
export function catalogueTable(entries: readonly DivergenceEntry[]): string {
  if (entries.length === 0) return 'divergences: none\n';
  const total = entries.reduce((n, d) => n + d.count, 0);
  const signatures = entries.reduce((n, d) => n + d.signatures.length, 0);
  const known = entries.filter((d) => d.known).length;
  const lines = [`Divergences by cause: ${entries.length} cause(s), ${known} known; ${total} finding(s) under ${signatures} signature(s); new: ${newCauseCount(entries)}`];
  const width = Math.min(48, Math.max(...entries.map((d) => d.cause.length)));
  lines.push(`  ${'#'.padStart(3)}  ${'count'.padStart(5)}  ${'cause'.padEnd(width)}  ${'known'.padEnd(5)}  example`);
  entries.forEach((d, i) => {
    lines.push(`  ${String(i + 1).padStart(3)}  ${String(d.count).padStart(5)}  ${d.cause.padEnd(width)}  ${(d.known ? 'yes' : 'NEW').padEnd(5)}  ${exampleLine(d.example)}`);
    for (const s of d.signatures) lines.push(`       ${String(s.count).padStart(5)}    ${s.signature}`);
  });
  lines.push('  reproduce the example of a cause:');
  entries.forEach((d, i) => lines.push(`  ${String(i + 1).padStart(3)}  ${d.example.reproduce}`));
  return lines.join('\n') + '\n';
}
