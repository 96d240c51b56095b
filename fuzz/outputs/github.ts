/**
 * Reports for GitHub Actions: a Markdown summary appended to
 * $GITHUB_STEP_SUMMARY (shown on the run's page), and one `::error`
 * annotation per failure cause (GitHub shows only the first few of a step,
 * so one per cause rather than one per cycle). Both group as the terminal
 * does (catalogue/causes.ts): by cause, signatures inside.
 */
import { groupFailures } from '../catalogue/causes.js';
import { groupStanding } from './listing.js';
import type { CampaignReport } from './report.js';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function markdownSummary(report: CampaignReport): string {
  const c = report.config;
  const k = report.cycles;
  const verdict = report.interrupted ? 'interrupted' : k.failed > 0 ? `${k.failed} of ${k.run} cycles failed` : `all ${k.run} cycles passed`;
  const out = [
    `### replay-fuzz ${c.profile}, shard ${c.shard}: ${verdict}`,
    '',
    '| campaign seed | cycles run | passed | failed | events/s | duration |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    `| \`${c.campaign_seed}\` | ${k.run} of ${k.planned} | ${k.passed} | ${k.failed} | ${Math.round(report.events_per_second)} | ${report.duration_s.toFixed(1)} s |`,
    '',
    `Generator: \`${cell(c.cross_validate)}\`; checker: \`${cell(c.replayer)}\`.`,
  ];
  const groups = groupFailures(report.failures);
  if (groups.length > 0) {
    out.push('', '| cycles | cause | example |', '| ---: | --- | --- |');
    for (const g of groups) {
      // A finding's cause cell names its standing and lists its signatures (the sub-key) below it.
      const signatures = g.signatures.map((s) => `<br>${s.count} × \`${cell(s.signature)}\``).join('');
      out.push(`| ${g.count} | ${cell(g.cause)}${groupStanding(g)}${signatures} | cycle ${g.example.config.cycle}, seed \`${g.example.config.seed}\` |`);
    }
    for (const [i, g] of groups.entries()) {
      out.push('', `<details><summary>Reproduce cause ${i + 1}: ${cell(g.cause)}</summary>`, '', '```sh', g.example.reproduce, '```', '', '</details>');
    }
  }
  return out.join('\n') + '\n';
}

/** Escapes for a workflow command's message and its properties. */
const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function errorAnnotations(report: CampaignReport): string {
  return groupFailures(report.failures)
    .map((g) => {
      const e = g.example;
      const title = `replay-fuzz: ${g.count} cycle(s): ${g.cause}${groupStanding(g)}`;
      const signatures = g.signatures.map((s) => `\n${s.count} x ${s.signature}`).join('');
      const message = `cycle ${e.config.cycle} seed=${e.config.seed} event=${e.config.event} profile=${e.config.profile}${signatures}\nreproduce: ${e.reproduce}`;
      return `::error title=${escapeProperty(title)}::${escapeData(message)}\n`;
    })
    .join('');
}
