/**
 * `replay-fuzz merge`: the shard reports of one campaign as one report.
 * The merge is `complete` only when every shard of the campaign is there
 * exactly once and whole: labels are read strictly (`i/n`, no leading
 * zeros), a report filed twice under two labels is caught by its content,
 * and each failure must belong to the shard that lists it. Each problem is
 * one line naming its file.
 */
import { mergeDivergences, newCauseCount } from '../catalogue/catalogue.js';
import { EMPTY_COVERAGE, mergeCoverage } from '../cycle/coverage.js';
import { inShard, shardSize, type CampaignPlan, type Shard } from '../plan/campaign.js';
import { reportJson } from '../../replay/index.js';
import { REPORT_FORMAT, type CampaignReport } from './report.js';

/** One shard's report and the file it came from. */
export interface ShardReport {
  readonly file: string;
  readonly report: CampaignReport;
}

export interface MergeResult {
  readonly report: CampaignReport;
  readonly problems: readonly string[];
}

/** Members that must agree for two reports to belong to one campaign. */
const CAMPAIGN_KEYS = ['profile', 'cycles', 'campaign_seed', 'seed', 'event_range', 'require_image_invariant', 'compare'] as const;

/** Shard i of n exactly as a campaign writes it: `i/n`, 1 <= i <= n, no sign, no leading zero. */
export function canonicalShard(label: string): Shard | undefined {
  const m = /^([1-9]\d{0,14})\/([1-9]\d{0,14})$/.exec(label);
  if (m === null) return undefined;
  const [index, count] = [Number(m[1]), Number(m[2])];
  return index <= count ? { index, count } : undefined;
}

function campaignProblems(parts: readonly ShardReport[]): string[] {
  const [first, ...rest] = parts;
  return rest.flatMap((p) => CAMPAIGN_KEYS.filter((key) => reportJson(p.report.config[key]) !== reportJson(first!.report.config[key])).map((key) => `${p.file}: disagrees with ${first!.file} on ${key}: not one campaign`));
}

/** Counts that make one shard's report an incomplete part of its campaign. */
function countProblems(r: CampaignReport, shard: Shard): string[] {
  const label = `shard ${r.config.shard}`;
  const { planned, run, passed, failed } = r.cycles;
  const expected = shardSize({ cycles: r.config.cycles, shard } as CampaignPlan);
  const out: string[] = [];
  if (planned !== expected) out.push(`${label} planned ${planned} cycles; the campaign has ${expected} for it`);
  if (run < planned) {
    const why = r.interrupted ? 'interrupted' : r.config.stop_on_first_failure ? 'stopped early by --stop-on-first-failure' : 'stopped early';
    out.push(`${label} ran ${run} of ${planned} cycles (${why})`);
  } else if (r.interrupted) out.push(`${label} was interrupted`);
  if (run > planned) out.push(`${label} ran ${run} cycles but planned ${planned}`);
  if (passed + failed !== run) out.push(`${label}: ${passed} passed and ${failed} failed do not add up to ${run} run`);
  if (r.failures.length !== failed) out.push(`${label} lists ${r.failures.length} failure record(s) for ${failed} failed cycle(s)`);
  return out;
}

/** Failures filed under a shard that never ran their cycle, or twice for one cycle. */
function misfiledFailures(r: CampaignReport, shard: Shard): string[] {
  const out: string[] = [];
  const wrong = r.failures.filter((f) => !inShard(f.config.cycle, shard) || f.config.cycle > r.config.cycles);
  const more = wrong.length > 1 ? ` (and ${wrong.length - 1} more failure record(s))` : '';
  if (wrong.length > 0) out.push(`cycle ${wrong[0]!.config.cycle} is not in shard ${r.config.shard}, yet a failure of it is filed there${more}`);
  const seen = new Set<number>();
  const twice = r.failures.find((f) => seen.size === seen.add(f.config.cycle).size);
  if (twice !== undefined) out.push(`cycle ${twice.config.cycle} has more than one failure record`);
  return out;
}

function shardProblems(r: CampaignReport, count: number): string[] {
  const shard = canonicalShard(r.config.shard);
  if (shard === undefined) return [`shard ${r.config.shard} is not i/n with 1 <= i <= n (no leading zeros)`];
  if (shard.count !== count) return [`shard ${r.config.shard} is not one of ${count}`];
  return [...countProblems(r, shard), ...misfiledFailures(r, shard)];
}

/** The same run filed twice: a label seen before, or the same content under another label. */
function duplicateProblems(parts: readonly ShardReport[]): string[] {
  const byLabel = new Map<string, string>();
  const byContent = new Map<string, string>();
  const out: string[] = [];
  for (const { file, report } of parts) {
    const label = report.config.shard;
    const content = reportJson({ ...report, config: { ...report.config, shard: '' } });
    const sameLabel = byLabel.get(label);
    const sameContent = byContent.get(content);
    if (sameLabel !== undefined) out.push(`${file}: shard ${label} appears twice (also ${sameLabel})`);
    else if (sameContent !== undefined) out.push(`${file}: the same run as ${sameContent}, filed again as shard ${label}`);
    byLabel.set(label, byLabel.get(label) ?? file);
    byContent.set(content, sameContent ?? file);
  }
  return out;
}

function missingProblems(parts: readonly ShardReport[], count: number): string[] {
  const seen = new Set(parts.map((p) => p.report.config.shard));
  const missing: string[] = [];
  for (let i = 1; i <= Math.min(count, 1000); i++) if (!seen.has(`${i}/${count}`)) missing.push(`${i}/${count}`);
  const out: string[] = [];
  if (missing.length > 0) out.push(`missing shard(s): ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ` and ${missing.length - 20} more` : ''}`);
  if (count > 1000 && seen.size < count) out.push(`missing ${count - seen.size} of ${count} shards`);
  return out;
}

/** Everything that keeps the parts from being one whole campaign, one line each. */
function mergeProblems(parts: readonly ShardReport[], count: number): string[] {
  return [
    ...campaignProblems(parts),
    ...parts.flatMap((p) => shardProblems(p.report, count).map((problem) => `${p.file}: ${problem}`)),
    ...duplicateProblems(parts),
    ...missingProblems(parts, count),
  ];
}

function mergedDivergences(reports: readonly CampaignReport[]): Pick<CampaignReport, 'divergences' | 'new_causes'> {
  if (!reports.some((r) => r.divergences !== undefined)) return {};
  const divergences = mergeDivergences(reports.map((r) => r.divergences ?? []));
  return { divergences, new_causes: newCauseCount(divergences) };
}

function combined(parts: readonly ShardReport[], count: number, complete: boolean): CampaignReport {
  const reports = parts.map((p) => p.report);
  const first = reports[0]!;
  const sum = (f: (r: CampaignReport) => number) => reports.reduce((n, r) => n + f(r), 0);
  const duration = Math.max(...reports.map((r) => r.duration_s));
  const events = sum((r) => r.events);
  const run = sum((r) => r.cycles.run);
  return {
    ...first,
    format: REPORT_FORMAT,
    config: { ...first.config, shard: `merged from ${reports.length}/${count}`, jobs: sum((r) => r.config.jobs) },
    argv: [],
    started_at: reports.map((r) => r.started_at).sort()[0]!,
    finished_at: reports.map((r) => r.finished_at).sort().at(-1)!,
    duration_s: duration,
    interrupted: reports.some((r) => r.interrupted),
    cycles: { planned: sum((r) => r.cycles.planned), run, passed: sum((r) => r.cycles.passed), failed: sum((r) => r.cycles.failed) },
    events,
    // Shards run side by side: campaign throughput is total work over the longest shard.
    events_per_second: duration > 0 ? events / duration : 0,
    cycles_per_second: duration > 0 ? run / duration : 0,
    failures: reports.flatMap((r) => r.failures).sort((a, b) => a.config.cycle - b.config.cycle),
    coverage: mergeCoverage(reports.map((r) => r.coverage ?? EMPTY_COVERAGE)),
    ...mergedDivergences(reports),
    shards: reports.map((r) => r.config.shard).sort(),
    complete,
  };
}

/** Merges reports already read and checked against the schema (readReport). */
export function mergeReports(parts: readonly ShardReport[]): MergeResult {
  if (parts.length === 0) throw new Error('nothing to merge');
  // The campaign's shard count: the first label that reads as i/n.
  const count = parts.map((p) => canonicalShard(p.report.config.shard)).find((s) => s !== undefined)?.count ?? 0;
  const problems = mergeProblems(parts, count);
  return { report: combined(parts, count, problems.length === 0), problems };
}
