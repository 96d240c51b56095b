/**
 * `--junit FILE`: the campaign as JUnit XML, the format CI systems read
 * (GitLab, Jenkins, Azure, test-report actions). One <testsuite> per run,
 * one <testcase> per cycle that ran; a failing cycle carries a <failure>
 * whose type is its cause (the grouping of catalogue/causes.ts: a known or
 * unknown divergence's cause, or the failure's kind) and whose text has
 * the signature and the reproduce command. The
 * layout follows the Ant JUnit schema (see docs/reports.md).
 */
import { hostname } from 'node:os';
import { failureCause } from '../catalogue/causes.js';
import type { CycleConfig } from '../plan/campaign.js';
import type { CampaignReport } from './report.js';
import type { FailureRecord } from '../store/store.js';
import { xmlAttr, xmlText } from './escape.js';

/** One cycle as it ran. */
export interface CycleResult {
  readonly config: CycleConfig;
  readonly ok: boolean;
  readonly seconds: number;
}

/** Ant's timestamps: local-free ISO 8601 without zone or fraction. */
const antTimestamp = (iso: string): string => iso.replace(/\.\d+Z$|Z$/, '');
const seconds = (s: number): string => (Number.isFinite(s) && s > 0 ? s.toFixed(3) : '0');

function failureBody(f: FailureRecord): string {
  const lines = [`seed: ${f.config.seed}, events: ${f.config.event}`, `reproduce: ${f.reproduce}`];
  if (f.divergence !== undefined) lines.unshift(`cause: ${f.divergence.cause} (${f.divergence.known ? 'known divergence' : 'not a known divergence'})`, `signature: ${f.divergence.signature}`);
  if (f.minimized !== undefined && !('error' in f.minimized) && f.minimized.reproduce !== undefined) lines.push(`reproduce minimized: ${f.minimized.reproduce}`);
  if (f.trace_path !== null) lines.push(`trace: ${f.trace_path}`);
  if (f.failure_reason !== null) lines.push(`reason: ${f.failure_reason}`);
  if (f.replayer_stderr.trim() !== '') lines.push('replayer stderr:', f.replayer_stderr.trimEnd());
  if (f.cross_validate_stderr.trim() !== '') lines.push('cross_validate stderr:', f.cross_validate_stderr.trimEnd());
  return lines.join('\n');
}

export function junitXml(report: CampaignReport, cycles: readonly CycleResult[], host: string = hostname()): string {
  const byCycle = new Map(report.failures.map((f) => [f.config.cycle, f]));
  const c = report.config;
  const suiteName = `replay-fuzz ${c.profile} shard ${c.shard}`;
  const failed = cycles.filter((r) => !r.ok).length;
  const properties: [string, string][] = [
    ['campaign_seed', String(c.campaign_seed)],
    ['profile', c.profile],
    ['shard', c.shard],
    ['cross_validate', c.cross_validate],
    ['replayer', c.replayer],
    ['compare', c.compare],
    ['require_image_invariant', String(c.require_image_invariant)],
    ['interrupted', String(report.interrupted)],
    ...(report.meta === undefined ? [] : ([
      ['tool_version', report.meta.tool_version],
      ['node_version', report.meta.node_version],
      ['git_commit', report.meta.git_commit ?? ''],
    ] as [string, string][])),
  ];
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    // The Ant schema gives <testsuites> no attributes; the counts live on <testsuite>.
    '<testsuites>',
    `  <testsuite name="${xmlAttr(suiteName)}" package="peering-crossval" id="0" timestamp="${xmlAttr(antTimestamp(report.started_at))}" hostname="${xmlAttr(host || 'localhost')}" tests="${cycles.length}" failures="${failed}" errors="0" time="${seconds(report.duration_s)}">`,
    '    <properties>',
    ...properties.map(([name, value]) => `      <property name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>`),
    '    </properties>',
  ];
  const sorted = [...cycles].sort((a, b) => a.config.cycle - b.config.cycle);
  for (const r of sorted) {
    // A name that stays the same from run to run, so a CI test view can follow a cycle's history; the seed is in the failure.
    const name = `cycle ${r.config.cycle}`;
    const head = `    <testcase name="${xmlAttr(name)}" classname="replay-fuzz.${xmlAttr(r.config.profile)}" time="${seconds(r.seconds)}"`;
    const record = byCycle.get(r.config.cycle);
    if (r.ok) {
      out.push(`${head}/>`);
    } else {
      const cause = record === undefined ? 'failure not recorded (see the run log)' : failureCause(record);
      // The tool's own words where there are some: the reason, the checker's message or first stderr line.
      const stderrLine = record?.replayer_stderr.split('\n').find((l) => l.trim() !== '');
      const message = record?.failure_reason ?? record?.replay_failure?.message ?? stderrLine ?? cause;
      out.push(`${head}>`);
      out.push(`      <failure message="${xmlAttr(message)}" type="${xmlAttr(cause)}">${xmlText(record === undefined ? cause : failureBody(record))}</failure>`);
      out.push('    </testcase>');
    }
  }
  out.push('    <system-out/>', '    <system-err/>', '  </testsuite>', '</testsuites>');
  return out.join('\n') + '\n';
}
