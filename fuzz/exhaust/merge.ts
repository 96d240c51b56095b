/**
 * `replay-fuzz merge` for exhaust shard reports: one exploration from its
 * `--shard i/n` parts. The union is complete only when every shard of the
 * same scope and depth is there once and each was complete.
 *
 * Shards split at the first event, so their sequences never overlap, but
 * two shards may reach the same state. Each shard report carries every
 * state's fingerprint, depth and transitions (`exhaust.shard_states`), so
 * states and transitions are counted once, at the shallowest depth any
 * shard reached them, exactly as one unsharded run counts them. Divergent
 * sequences and coverage are summed; when shards overlapped, the merged
 * report says how many states they shared, as those sums may then count a
 * sequence more than once.
 */
import { mergeCoverage } from '../cycle/coverage.js';
import { newCauseCount, type DivergenceEntry, type DivergenceExample } from '../catalogue/catalogue.js';
import { parseShard } from '../plan/campaign.js';
import { clip, type FailureRecord } from '../store/store.js';
import type { CampaignReport } from '../outputs/report.js';
import type { ExhaustCause, ExhaustReport, ExhaustSection } from './report.js';
import { compareText } from '../store/text.js';

export interface ExhaustMerge {
  readonly report: ExhaustReport;
  /** Reasons the reports are not parts of one exploration (merge exits 2). */
  readonly problems: readonly string[];
  /** Why the union is not complete, when it is not. */
  readonly gaps: readonly string[];
}

export function isExhaustReport(r: CampaignReport): r is ExhaustReport {
  const x = (r as { exhaust?: unknown }).exhaust;
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

interface Union {
  readonly statesPerDepth: number[];
  readonly transitionsPerDepth: number[];
  readonly overlap: number;
}

/** States counted once, at their shallowest depth; transitions from each state counted once. */
function unionStates(sections: readonly ExhaustSection[], depth: number, problems: string[]): Union {
  const best = new Map<string, { depth: number; transitions: number; shards: number }>();
  sections.forEach((x, s) => {
    if (x.shard_states === undefined) return void problems.push(`shard ${clip(x.shard, 20)} carries no state fingerprints (written by --shard i/n with n > 1)`);
    const buf = Buffer.from(x.shard_states.data, 'base64');
    if (buf.length !== x.shard_states.count * 13) return void problems.push(`shard ${clip(x.shard, 20)}: damaged state fingerprints`);
    for (let i = 0; i < buf.length; i += 13) {
      const key = buf.toString('hex', i, i + 8);
      const d = buf.readUInt8(i + 12);
      const t = buf.readUInt32BE(i + 8);
      const had = best.get(key);
      if (had === undefined) best.set(key, { depth: d, transitions: t, shards: 1 << Math.min(s, 30) });
      else best.set(key, { depth: Math.min(had.depth, d), transitions: d < had.depth ? t : had.transitions, shards: had.shards | (1 << Math.min(s, 30)) });
    }
  });
  const statesPerDepth = Array.from({ length: depth + 1 }, (_, d) => (d === 0 ? 1 : 0));
  const transitionsPerDepth = Array.from({ length: depth + 1 }, () => 0);
  transitionsPerDepth[1] = sections.reduce((n, x) => n + (x.transitions_per_depth[1] ?? 0), 0);
  let overlap = 0;
  for (const v of best.values()) {
    if (v.depth <= depth) statesPerDepth[v.depth]!++;
    if (v.depth < depth) transitionsPerDepth[v.depth + 1]! += v.transitions;
    if ((v.shards & (v.shards - 1)) !== 0) overlap++;
  }
  return { statesPerDepth, transitionsPerDepth, overlap };
}

/** Which reports belong together, and what keeps their union from being complete. */
function checkParts(reports: readonly ExhaustReport[]): { problems: string[]; gaps: string[]; count: number } {
  const problems: string[] = [];
  const gaps: string[] = [];
  const first = reports[0]!.exhaust;
  for (const r of reports.slice(1)) {
    if (!same(r.exhaust.scope, first.scope)) problems.push('reports disagree on the scope: not one exploration');
    if (r.exhaust.depth !== first.depth) problems.push(`reports disagree on the depth (${r.exhaust.depth} and ${first.depth}): not one exploration`);
  }
  const count = parseShard(first.shard)?.count ?? 0;
  const seen = new Set<string>();
  for (const r of reports) {
    const shard = parseShard(r.exhaust.shard);
    if (shard === undefined || shard.count !== count) problems.push(`shard ${clip(r.exhaust.shard, 40)} is not one of ${count}`);
    if (seen.has(r.exhaust.shard)) problems.push(`shard ${clip(r.exhaust.shard, 40)} appears twice`);
    seen.add(r.exhaust.shard);
    if (!r.exhaust.complete) gaps.push(`shard ${clip(r.exhaust.shard, 40)} is not complete (${r.exhaust.stopped_by ?? 'stopped'} at depth ${r.exhaust.depth_reached})`);
  }
  const missing = Array.from({ length: Math.min(count, 1000) }, (_, i) => `${i + 1}/${count}`).filter((s) => !seen.has(s));
  if (missing.length > 0) gaps.push(`missing shard(s): ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ` and ${missing.length - 20} more` : ''}`);
  return { problems: [...new Set(problems)], gaps, count };
}

/** The shorter of two examples (the earlier one on a tie). */
const shorter = (a: DivergenceExample, b: DivergenceExample): DivergenceExample => (b.events < a.events ? b : a);

/** One cause's entries from several shards: counts summed, per signature too, the shortest witness kept. */
function mergeEntry(a: DivergenceEntry, b: DivergenceEntry): DivergenceEntry {
  const signatures = new Map(a.signatures.map((s) => [s.signature, s]));
  for (const s of b.signatures) {
    const had = signatures.get(s.signature);
    signatures.set(s.signature, had === undefined ? s : { ...had, count: had.count + s.count, example: shorter(had.example, s.example) });
  }
  return { ...a, count: a.count + b.count, example: shorter(a.example, b.example), signatures: [...signatures.values()] };
}

/** Per cause: counts summed, the shortest witness kept (the lower shard on a tie). */
function mergeCauses(reports: readonly ExhaustReport[]): { causes: ExhaustCause[]; divergences: DivergenceEntry[]; failures: FailureRecord[] } {
  const causes = new Map<string, ExhaustCause>();
  const entries = new Map<string, DivergenceEntry>();
  for (const r of reports) {
    for (const c of r.exhaust.causes) {
      const had = causes.get(c.cause);
      causes.set(c.cause, had === undefined ? c : { ...(c.events < had.events ? c : had), count: had.count + c.count });
    }
    for (const d of r.divergences ?? []) {
      const had = entries.get(d.cause);
      entries.set(d.cause, had === undefined ? d : mergeEntry(had, d));
    }
  }
  const order = (a: ExhaustCause, b: ExhaustCause) => Number(a.known) - Number(b.known) || a.events - b.events || b.count - a.count || compareText(a.cause, b.cause);
  const merged = [...causes.values()].sort(order);
  const failures = reports.flatMap((r) => r.failures).filter((f) => merged.some((c) => c.witness !== null && c.witness === f.trace_path));
  return { causes: merged, divergences: merged.flatMap((c) => (entries.has(c.cause) ? [entries.get(c.cause)!] : [])), failures };
}

export function mergeExhaustReports(reports: readonly ExhaustReport[]): ExhaustMerge {
  const { problems, gaps, count } = checkParts(reports);
  const first = reports[0]!;
  const depth = first.exhaust.depth;
  const sections = reports.map((r) => r.exhaust);
  const union = count > 1 ? unionStates(sections, depth, problems) : { statesPerDepth: [...first.exhaust.states_per_depth], transitionsPerDepth: [...first.exhaust.transitions_per_depth], overlap: 0 };
  const sumAt = (pick: (x: ExhaustSection) => readonly number[]) => Array.from({ length: depth + 1 }, (_, d) => sections.reduce((n, x) => n + (pick(x)[d] ?? 0), 0));
  const divergentPerDepth = sumAt((x) => x.divergent_per_depth);
  const secondsPerDepth = Array.from({ length: depth + 1 }, (_, d) => Math.max(...sections.map((x) => x.seconds_per_depth[d] ?? 0)));
  const complete = problems.length === 0 && gaps.length === 0;
  const { causes, divergences, failures } = mergeCauses(reports);
  const transitions = union.transitionsPerDepth.reduce((a, b) => a + b, 0);
  const divergent = divergentPerDepth.reduce((a, b) => a + b, 0);
  const states = union.statesPerDepth.slice(1).reduce((a, b) => a + b, 0);
  const duration = Math.max(...reports.map((r) => r.duration_s));
  const rate = (n: number) => (duration > 0 ? n / duration : 0);
  const exhaust: ExhaustSection = {
    scope: first.exhaust.scope,
    depth,
    depth_reached: Math.max(...sections.map((x) => x.depth_reached)),
    depth_completed: complete ? depth : gaps.some((g) => g.startsWith('missing')) ? 0 : Math.min(...sections.map((x) => x.depth_completed)),
    complete,
    stopped_by: sections.find((x) => x.stopped_by !== null)?.stopped_by ?? null,
    shard: `merged from ${reports.length}/${count}`,
    states,
    states_per_depth: union.statesPerDepth,
    transitions_per_depth: union.transitionsPerDepth,
    divergent_per_depth: divergentPerDepth,
    seconds_per_depth: secondsPerDepth,
    states_per_second: rate(states),
    transitions_per_second: rate(transitions),
    causes,
    merged_from: reports.map((r) => r.exhaust.shard).sort(),
    overlap_states: union.overlap,
  };
  const report: ExhaustReport = {
    ...first,
    config: { ...first.config, shard: `merged from ${reports.length}/${count}`, jobs: reports.reduce((n, r) => n + r.config.jobs, 0), cycles: Math.max(1, transitions) },
    argv: [],
    started_at: reports.map((r) => r.started_at).sort()[0]!,
    finished_at: reports.map((r) => r.finished_at).sort().at(-1)!,
    duration_s: duration,
    interrupted: reports.some((r) => r.interrupted),
    cycles: { planned: transitions, run: transitions, passed: transitions - divergent, failed: divergent },
    events: transitions,
    events_per_second: rate(transitions),
    cycles_per_second: rate(transitions),
    failures,
    coverage: mergeCoverage(reports.map((r) => r.coverage)),
    divergences,
    new_causes: newCauseCount(divergences),
    shards: reports.map((r) => r.exhaust.shard).sort(),
    complete,
    exhaust,
  };
  return { report, problems, gaps };
}
