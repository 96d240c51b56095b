/**
 * Reports for GitHub Actions: a Markdown summary appended to
 * $GITHUB_STEP_SUMMARY (shown on the run's page), and one `::error`
 * annotation per failure cause (GitHub shows only the first few of a step,
 * so one per cause rather than one per cycle). Both group as the terminal
 * does (catalogue/causes.ts): by cause, signatures inside.
 */
import { groupFailures, type CauseGroup } from '../catalogue/causes.js';
import { escapeCommandData, escapeCommandProperty, escapeMarkdown as md, markdownCode, markdownCodeBlock, plainText } from './escape.js';
import { groupStanding } from './listing.js';
import type { CampaignReport } from './report.js';

/** A number formatted by `format`; anything else (a tampered report) as escaped text. */
const numeric = (v: unknown, format: (n: number) => string): string => (typeof v === 'number' ? format(v) : md(v));

function verdictLine(report: CampaignReport): string {
  const k = report.cycles;
  const verdict = report.interrupted ? 'interrupted' : k.failed > 0 ? `${md(k.failed)} of ${md(k.run)} cycles failed` : `all ${md(k.run)} cycles passed`;
  return `### replay-fuzz ${md(report.config.profile)}, shard ${md(report.config.shard)}: ${verdict}`;
}

function causeLines(groups: readonly CauseGroup[]): string[] {
  const out = ['', '| cycles | cause | example |', '| ---: | --- | --- |'];
  for (const g of groups) {
    // A finding's cause cell names its standing and lists its signatures (the sub-key) below it.
    const signatures = g.signatures.map((s) => `<br>${md(s.count)} × ${markdownCode(s.signature)}`).join('');
    out.push(`| ${md(g.count)} | ${md(g.cause)}${md(groupStanding(g))}${signatures} | cycle ${md(g.example.config.cycle)}, seed ${markdownCode(g.example.config.seed)} |`);
  }
  for (const [i, g] of groups.entries()) {
    out.push('', `<details><summary>Reproduce cause ${i + 1}: ${md(g.cause)}</summary>`, '', markdownCodeBlock(g.example.reproduce, 'sh'), '', '</details>');
  }
  return out;
}

/** Every value passes through `md` (text) or a code helper: nothing from a report becomes markup. */
export function markdownSummary(report: CampaignReport): string {
  const c = report.config;
  const k = report.cycles;
  const out = [
    verdictLine(report),
    '',
    '| campaign seed | cycles run | passed | failed | events/s | duration |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    `| ${markdownCode(c.campaign_seed)} | ${md(k.run)} of ${md(k.planned)} | ${md(k.passed)} | ${md(k.failed)} | ${numeric(report.events_per_second, (n) => String(Math.round(n)))} | ${numeric(report.duration_s, (n) => n.toFixed(1))} s |`,
    '',
    `Generator: ${markdownCode(c.cross_validate)}; checker: ${markdownCode(c.replayer)}.`,
  ];
  const groups = groupFailures(report.failures);
  if (groups.length > 0) out.push(...causeLines(groups));
  return out.join('\n') + '\n';
}

export function errorAnnotations(report: CampaignReport): string {
  return groupFailures(report.failures)
    .map((g) => {
      const e = g.example;
      const title = `replay-fuzz: ${plainText(g.count)} cycle(s): ${g.cause}${groupStanding(g)}`;
      const signatures = g.signatures.map((s) => `\n${plainText(s.count)} x ${plainText(s.signature)}`).join('');
      const message = `cycle ${plainText(e.config.cycle)} seed=${plainText(e.config.seed)} event=${plainText(e.config.event)} profile=${plainText(e.config.profile)}${signatures}\nreproduce: ${plainText(e.reproduce)}`;
      return `::error title=${escapeCommandProperty(title)}::${escapeCommandData(message)}\n`;
    })
    .join('');
}
