/**
 * The campaign report (`--report FILE`) and the merge of shard reports into
 * one campaign-wide view.
 */
import { parseShard, shardSize, type CampaignPlan } from '../plan/campaign.js';
import { mergeDivergences, newCauseCount, type DivergenceEntry } from '../catalogue/catalogue.js';
import { EMPTY_COVERAGE, mergeCoverage, type Coverage } from '../cycle/coverage.js';
import type { RunMeta } from './meta.js';
import { clip, exactFailureRecord, readJsonFile, type FailureRecord, type Loose } from '../store/store.js';
import { readU64 } from '../store/u64-fields.js';

export interface ReportConfig {
  readonly profile: string;
  readonly cycles: number;
  readonly campaign_seed: bigint;
  readonly shard: string;
  readonly seed: bigint | null;
  readonly event_range: readonly [number, number];
  readonly jobs: number;
  readonly require_image_invariant: boolean;
  readonly cross_validate: string;
  readonly replayer: string;
  /** With `--impl`: the implementation under test (the trace is its output). */
  readonly implementation?: string;
  readonly compare: string;
  /** Model(s) of our checker (lean, cpp or both); absent in reports written before models existed. */
  readonly model?: string;
  readonly timeout_s: number | null;
  readonly minimize: boolean;
  readonly stop_on_first_failure: boolean;
}

/** The report format this version writes (3: divergences by cause; 2: by signature). */
export const REPORT_FORMAT = 3;

export interface CampaignReport {
  readonly tool: 'replay-fuzz';
  /** 3: divergences by cause; 2: uint64 values are decimal strings (1: bare numbers; both still read). */
  readonly format: number;
  /** Absent in reports written before format 2. */
  readonly meta?: RunMeta;
  readonly config: ReportConfig;
  readonly argv: readonly string[];
  readonly started_at: string;
  readonly finished_at: string;
  readonly duration_s: number;
  readonly interrupted: boolean;
  readonly cycles: { readonly planned: number; readonly run: number; readonly passed: number; readonly failed: number };
  /** Failing cycles whose record could not be written (a full disk). */
  readonly unrecorded_failures?: number;
  readonly events: number;
  readonly events_per_second: number;
  readonly cycles_per_second: number;
  readonly failures: readonly FailureRecord[];
  /** What the campaign exercised; its transition counts sum to `events`. */
  readonly coverage: Coverage;
  /** Findings both models were asked about, by cause (unknown first, then most frequent), each with its signatures. */
  readonly divergences?: readonly DivergenceEntry[];
  /** Distinct signatures whose cause the registry does not know (0: every finding is a known divergence). */
  readonly new_causes?: number;
  /** Present on merged reports: the shards combined. */
  readonly shards?: readonly string[];
  readonly complete?: boolean;
}

/** Members that must agree for two reports to belong to one campaign. */
const CAMPAIGN_KEYS = ['profile', 'cycles', 'campaign_seed', 'seed', 'event_range', 'require_image_invariant', 'compare'] as const;

export interface MergeResult {
  readonly report: CampaignReport;
  readonly problems: readonly string[];
}

export function readReport(path: string): CampaignReport {
  const value = readJsonFile(path, 'the report') as CampaignReport;
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value.tool !== 'replay-fuzz') throw new Error(`${path}: not a replay-fuzz report`);
  const problem = shapeProblem(value);
  if (problem !== undefined) throw new Error(`${path}: not a replay-fuzz report (${problem})`);
  return exactReport(value, path);
}

const isObject = (v: unknown): v is { [key: string]: unknown } => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): boolean => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) || (typeof v === 'string' && /^\d{1,15}$/.test(v));

/** The members merge reads, with their types; the first that is wrong. */
function shapeProblem(r: CampaignReport): string | undefined {
  const v = r as unknown as { [key: string]: unknown };
  if (!isObject(v.config)) return 'no config';
  if (typeof v.config.shard !== 'string') return 'config.shard is not a string';
  if (!isCount(v.config.cycles)) return 'config.cycles is not a count';
  if (!isObject(v.cycles)) return 'no cycles';
  for (const k of ['planned', 'run', 'passed', 'failed']) if (!isCount(v.cycles[k])) return `cycles.${k} is not a count`;
  if (!Array.isArray(v.failures)) return 'failures is not a list';
  if (!v.failures.every((f) => isObject(f) && isObject(f.config) && isCount(f.config.cycle))) return 'a failure record has no config.cycle';
  if (typeof v.interrupted !== 'boolean') return 'interrupted is not true or false';
  for (const k of ['duration_s', 'events']) if (typeof v[k] !== 'number' && !isCount(v[k])) return `${k} is not a number`;
  for (const k of ['started_at', 'finished_at']) if (typeof v[k] !== 'string') return `${k} is not a string`;
  return undefined;
}

/** Problems that make one shard's report an incomplete part of its campaign. */
function shardProblems(r: CampaignReport, count: number): string[] {
  const label = `shard ${clip(r.config.shard, 40)}`;
  const shard = parseShard(r.config.shard);
  if (shard === undefined) return [`${label} is not i/n with 1 <= i <= n`];
  if (shard.count !== count) return [`${label} is not one of ${count}`];
  const out: string[] = [];
  const c = r.cycles;
  const [planned, run, passed, failed, cycles] = [c.planned, c.run, c.passed, c.failed, r.config.cycles].map(Number) as [number, number, number, number, number];
  const expected = shardSize({ cycles, shard } as CampaignPlan);
  if (planned !== expected) out.push(`${label} planned ${planned} cycles; the campaign has ${expected} for it`);
  if (run < planned) {
    const why = r.interrupted ? 'interrupted' : r.config.stop_on_first_failure ? 'stopped early by --stop-on-first-failure' : 'stopped early';
    out.push(`${label} ran ${run} of ${planned} cycles (${why})`);
  }
  if (run > planned) out.push(`${label} ran ${run} cycles but planned ${planned}`);
  if (passed + failed !== run) out.push(`${label}: ${passed} passed and ${failed} failed do not add up to ${run} run`);
  if (r.failures.length !== failed) out.push(`${label} lists ${r.failures.length} failure record(s) for ${failed} failed cycle(s)`);
  return out;
}

export function mergeReports(reports: readonly CampaignReport[]): MergeResult {
  const problems: string[] = [];
  const first = reports[0];
  if (first === undefined) throw new Error('nothing to merge');
  const same = (a: unknown, b: unknown) => JSON.stringify(a, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) === JSON.stringify(b, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  for (const r of reports.slice(1)) {
    for (const key of CAMPAIGN_KEYS) {
      if (!same(r.config[key], first.config[key])) problems.push(`reports disagree on ${key}: not one campaign`);
    }
  }
  const shards = reports.map((r) => r.config.shard);
  const count = parseShard(first.config.shard)?.count ?? 0;
  const seen = new Set<string>();
  for (const r of reports) {
    const s = r.config.shard;
    if (seen.has(s)) problems.push(`shard ${clip(s, 40)} appears twice`);
    seen.add(s);
    problems.push(...shardProblems(r, count));
  }
  const missing: string[] = [];
  for (let i = 1; i <= Math.min(count, 1000); i++) if (!seen.has(`${i}/${count}`)) missing.push(`${i}/${count}`);
  if (missing.length > 0) problems.push(`missing shard(s): ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ` and ${missing.length - 20} more` : ''}`);
  if (count > 1000 && seen.size < count) problems.push(`missing ${count - seen.size} of ${count} shards`);
  const interrupted = reports.some((r) => r.interrupted);
  if (interrupted) problems.push('some shards were interrupted');

  const sum = (f: (r: CampaignReport) => number) => reports.reduce((n, r) => n + f(r), 0);
  const duration = Math.max(...reports.map((r) => r.duration_s));
  const events = sum((r) => r.events);
  const run = sum((r) => r.cycles.run);
  const report: CampaignReport = {
    ...first,
    format: REPORT_FORMAT,
    config: { ...first.config, shard: `merged from ${reports.length}/${count}`, jobs: sum((r) => r.config.jobs) },
    argv: [],
    started_at: reports.map((r) => r.started_at).sort()[0]!,
    finished_at: reports.map((r) => r.finished_at).sort().at(-1)!,
    duration_s: duration,
    interrupted,
    cycles: {
      planned: sum((r) => r.cycles.planned),
      run,
      passed: sum((r) => r.cycles.passed),
      failed: sum((r) => r.cycles.failed),
    },
    events,
    // Shards run side by side: campaign throughput is total work over the longest shard.
    events_per_second: duration > 0 ? events / duration : 0,
    cycles_per_second: duration > 0 ? run / duration : 0,
    failures: reports.flatMap((r) => r.failures).sort((a, b) => a.config.cycle - b.config.cycle),
    coverage: mergeCoverage(reports.map((r) => r.coverage ?? EMPTY_COVERAGE)),
    ...mergedDivergences(reports),
    shards: [...shards].sort(),
    complete: problems.length === 0,
  };
  return { report, problems };
}

function mergedDivergences(reports: readonly CampaignReport[]): Pick<CampaignReport, 'divergences' | 'new_causes'> {
  if (!reports.some((r) => r.divergences !== undefined)) return {};
  const divergences = mergeDivergences(reports.map((r) => r.divergences ?? []));
  return { divergences, new_causes: newCauseCount(divergences) };
}

export function exactReport(raw: CampaignReport, where: string): CampaignReport {
  const config = raw.config as Loose<CampaignReport['config']> | undefined;
  if (config === null || typeof config !== 'object') throw new Error(`${where}: a report without its config`);
  const failures = Array.isArray(raw.failures) ? raw.failures : [];
  return {
    ...raw,
    config: {
      ...(config as CampaignReport['config']),
      campaign_seed: readU64(config.campaign_seed, `${where}: config.campaign_seed`),
      seed: config.seed === null || config.seed === undefined ? null : readU64(config.seed, `${where}: config.seed`),
    },
    failures: failures.map((f, i) => exactFailureRecord(f, `${where}: failures[${i}]`)),
  };
}
