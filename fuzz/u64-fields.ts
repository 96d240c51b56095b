/**
 * The uint64 members of our reports and failure indexes, read back exactly.
 * Current files hold them as decimal strings; reports written before that
 * hold bare numbers, which the lossless parser returns as a number when safe
 * and as a bigint above 2^53. All three forms are accepted.
 */
import type { CampaignReport } from './report.js';
import type { FailureRecord } from './store.js';

const U64_MAX = (1n << 64n) - 1n;

export function readU64(value: unknown, where: string): bigint {
  let v: bigint | undefined;
  if (typeof value === 'bigint') v = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) v = BigInt(value);
  else if (typeof value === 'string' && /^(0|[1-9]\d{0,19})$/.test(value)) v = BigInt(value);
  if (v === undefined || v < 0n || v > U64_MAX) throw new Error(`${where}: not a uint64 (expected a decimal string), got ${JSON.stringify(String(value))}`);
  return v;
}

type Loose<T> = { -readonly [K in keyof T]?: unknown };

export function exactFailureRecord(raw: unknown, where: string): FailureRecord {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${where}: not a failure record`);
  const r = raw as Loose<FailureRecord>;
  const config = r.config as Loose<FailureRecord['config']> | undefined;
  if (config === null || typeof config !== 'object') throw new Error(`${where}: a failure record without its config`);
  // Members that are absent stay absent: this only fixes how numbers are read.
  return {
    ...(raw as FailureRecord),
    config: { ...(config as FailureRecord['config']), ...(config.seed === undefined ? {} : { seed: readU64(config.seed, `${where}.config.seed`) }) },
    ...(r.campaign_seed === undefined ? {} : { campaign_seed: readU64(r.campaign_seed, `${where}.campaign_seed`) }),
  };
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
