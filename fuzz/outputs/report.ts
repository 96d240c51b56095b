/**
 * The campaign report (`--report FILE`), and reading one back: checked
 * against schema/report.schema.json, uint64 values exact. Merging shard
 * reports is merge.ts.
 */
import type { DivergenceEntry } from '../catalogue/catalogue.js';
import type { Coverage } from '../cycle/coverage.js';
import type { RunMeta } from './meta.js';
import { reportSchemaProblem } from './report-schema.js';
import { exactFailureRecord, readJsonFile, type FailureRecord, type Loose } from '../store/store.js';
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

export function readReport(path: string): CampaignReport {
  const value = readJsonFile(path, 'the report') as CampaignReport;
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value.tool !== 'replay-fuzz') throw new Error(`${path}: not a replay-fuzz report`);
  const problem = shapeProblem(value) ?? reportSchemaProblem(value as unknown as { [key: string]: unknown });
  if (problem !== undefined) throw new Error(`${path}: not a replay-fuzz report (${problem})`);
  return exactReport(value, path);
}

const isObject = (v: unknown): v is { [key: string]: unknown } => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

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
  for (const k of ['duration_s', 'events']) if (typeof v[k] !== 'number') return `${k} is not a number`;
  for (const k of ['started_at', 'finished_at']) if (typeof v[k] !== 'string') return `${k} is not a string`;
  return undefined;
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
