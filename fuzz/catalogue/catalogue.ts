/**
 * The divergence catalogue of `replay-fuzz --model both`: every finding
 * gets a signature naming its cause (which models disagree, the event, the
 * comparison stage and the fields that differ), findings are counted per
 * signature, and the first example of each is kept (minimized when asked).
 *
 * A raw diff lists every path that differs, most of them consequences: a
 * peer report Lean stores and C++ drops changes the peer map, the responded
 * set, authority and both recovery plans. The signature keeps the fields a
 * cause touches first (see docs/explore.md), so one cause is one line.
 */

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
  /** Why the step's event image is ill-formed, when it is (its `ill_formed` member). */
  readonly illFormed: readonly string[];
}

export interface DivergenceExample {
  readonly cycle: number;
  readonly seed: bigint;
  /** Events in the example trace (after minimization, when it ran). */
  readonly events: number;
  readonly original_events: number;
  readonly reproduce: string;
  /** The example trace itself (JSONL), minimized when `--minimize` was given; null when too large. */
  readonly trace: string | null;
  readonly trace_path: string | null;
  readonly minimized: boolean;
}

export interface DivergenceEntry {
  readonly signature: string;
  readonly count: number;
  readonly class: string;
  readonly event: string;
  readonly stage: string;
  readonly fields: readonly string[];
  readonly ill_formed: readonly string[];
  readonly example: DivergenceExample;
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

export function signatureOf(f: DivergenceFinding): string {
  const parts = [CLASS_SHORT[f.class] ?? f.class, f.event, f.stage, f.fields.length > 0 ? f.fields.join(',') : '-'];
  if (f.illFormed.length > 0) parts.push(`ill-formed:${[...f.illFormed].sort().join('+')}`);
  return parts.join(' | ');
}

export function findingOf(c: ComparisonLike, illFormed: readonly string[]): DivergenceFinding {
  return { class: c.class, event: c.event ?? '-', stage: c.stage, fields: rootFields(c.stage, c.paths), illFormed };
}

/** Findings grouped by signature, each with its first example. */
export class Catalogue {
  private readonly bySignature = new Map<string, DivergenceEntry>();

  /**
   * Counts a finding. Returns true when its example becomes the signature's
   * example (a new signature, or an earlier cycle than the one kept), so the
   * caller fills in its trace; the earliest cycle wins whatever --jobs did.
   */
  add(finding: DivergenceFinding, example: DivergenceExample): boolean {
    const signature = signatureOf(finding);
    const had = this.bySignature.get(signature);
    if (had !== undefined) {
      const earlier = example.cycle < had.example.cycle;
      this.bySignature.set(signature, { ...had, count: had.count + 1, example: earlier ? example : had.example });
      return earlier;
    }
    this.bySignature.set(signature, {
      signature,
      count: 1,
      class: finding.class,
      event: finding.event,
      stage: finding.stage,
      fields: finding.fields,
      ill_formed: finding.illFormed,
      example,
    });
    return true;
  }

  /** Replaces the example of a signature (after minimization). */
  setExample(signature: string, example: DivergenceExample): void {
    const had = this.bySignature.get(signature);
    if (had !== undefined && had.example.cycle === example.cycle) this.bySignature.set(signature, { ...had, example });
  }

  entries(): DivergenceEntry[] {
    return sortEntries([...this.bySignature.values()]);
  }
}

function sortEntries(entries: DivergenceEntry[]): DivergenceEntry[] {
  return entries.sort((a, b) => b.count - a.count || a.signature.localeCompare(b.signature));
}

/** Combines the catalogues of shards: counts add up, the earliest cycle's example wins. */
export function mergeDivergences(lists: readonly (readonly DivergenceEntry[])[]): DivergenceEntry[] {
  const out = new Map<string, DivergenceEntry>();
  for (const list of lists) {
    for (const d of list) {
      const had = out.get(d.signature);
      if (had === undefined) out.set(d.signature, d);
      else out.set(d.signature, { ...had, count: had.count + d.count, example: d.example.cycle < had.example.cycle ? d.example : had.example });
    }
  }
  return sortEntries([...out.values()]);
}

/** The end-of-campaign table: one line per signature. */
export function catalogueTable(entries: readonly DivergenceEntry[]): string {
  if (entries.length === 0) return 'divergences: none\n';
  const total = entries.reduce((n, d) => n + d.count, 0);
  const lines = [`Divergence catalogue: ${entries.length} signature(s), ${total} finding(s)`];
  const width = Math.min(90, Math.max(...entries.map((d) => d.signature.length)));
  lines.push(`  ${'#'.padStart(3)}  ${'count'.padStart(5)}  ${'signature'.padEnd(width)}  example`);
  entries.forEach((d, i) => {
    const ex = d.example;
    const example = `cycle ${ex.cycle} seed ${ex.seed}${ex.minimized ? `, minimized to ${ex.events} of ${ex.original_events} events` : `, ${ex.events} events`}`;
    lines.push(`  ${String(i + 1).padStart(3)}  ${String(d.count).padStart(5)}  ${d.signature.padEnd(width)}  ${example}`);
  });
  lines.push('  reproduce the first example of a signature:');
  entries.forEach((d, i) => lines.push(`  ${String(i + 1).padStart(3)}  ${d.example.reproduce}`));
  return lines.join('\n') + '\n';
}
