/**
 * `replay-fuzz --html FILE`: the campaign report as one self-contained HTML
 * page (inline CSS, no script, no external resource): configuration and
 * tool metadata, divergences by cause (html-causes.ts), failures, and a
 * state x event heatmap of transitions with the states never reached.
 */
import { STATES } from '../../reducer/index.js';
import { transitionTotal, type Coverage } from '../cycle/coverage.js';
import { html, plainText, type HtmlFragment } from './escape.js';
import type { CampaignReport } from './report.js';
import { CAUSE_STYLE, causesHtml } from './html-causes.js';

export { escapeHtml } from './escape.js';

/** A value for a table cell: absent ones as a dash. */
const show = (v: unknown): string => (v === null || v === undefined ? '—' : plainText(v));
const cell = (v: unknown): HtmlFragment => html`<td>${show(v)}</td>`;
const num = (v: unknown): HtmlFragment => html`<td class="n">${v}</td>`;
const code = (v: unknown): HtmlFragment => html`<code>${v}</code>`;

const STYLE = html`
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1b1f24;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.sub{color:#57606a;margin-bottom:12px}
.stats{display:flex;gap:12px;flex-wrap:wrap}.stat{border:1px solid #d0d7de;border-radius:6px;padding:8px 14px;min-width:110px}
.stat b{display:block;font-size:20px}.stat.bad b{color:#cf222e}.stat.good b{color:#1a7f37}
table{border-collapse:collapse;margin:6px 0}th,td{border:1px solid #d0d7de;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
td.sig>code{white-space:nowrap;word-break:normal}div.cmd{margin-top:3px}div.cmd code{font-size:11px;color:#57606a}
table.heat td{width:54px;text-align:right;font:12px ui-monospace,monospace}table.heat th.rot{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;height:150px}
.none{color:#8c959f}.note{color:#57606a;font-size:12px}
`;


function heatColor(count: number, max: number): string {
  if (count === 0) return '#ffffff';
  // Log scale: a campaign spans several orders of magnitude.
  const t = Math.log(1 + count) / Math.log(1 + max);
  const light = Math.round(96 - t * 58);
  return `hsl(212,80%,${light}%)`;
}

interface HeatCell {
  total: number;
  readonly to: Map<string, number>;
}

/** Steps per (from-state, event), with the to-states each led to. */
function heatGrid(c: Coverage): Map<string, HeatCell> {
  const grid = new Map<string, HeatCell>();
  for (const t of c.transitions) {
    const key = `${t.from}|${t.event}`;
    const g = grid.get(key) ?? { total: 0, to: new Map<string, number>() };
    g.total += t.count;
    g.to.set(t.to, (g.to.get(t.to) ?? 0) + t.count);
    grid.set(key, g);
  }
  return grid;
}

function heatCell(s: string, e: string, g: HeatCell | undefined, max: number): HtmlFragment {
  if (g === undefined) return html`<td class="none">·</td>`;
  const tip = [...g.to].map(([to, n]) => `→ ${to}: ${n}`).join('\n');
  const ink = Math.log(1 + g.total) / Math.log(1 + max) > 0.6 ? '#fff' : '#1b1f24';
  return html`<td style="background:${heatColor(g.total, max)};color:${ink}" title="${`${s} + ${e}\n${tip}`}">${g.total}</td>`;
}

/** The states no transition of the campaign reached, as rows of their own, and a note naming them. */
function unreachedHtml(c: Coverage, events: readonly string[]): { rows: HtmlFragment[]; note: string } {
  const reached = new Set(c.transitions.flatMap((t) => [t.from, t.to]));
  const unreached = STATES.filter((s) => !reached.has(s));
  const blank = events.map(() => html`<td class="none">·</td>`);
  const rows = unreached.map((s) => html`<tr class="unreached"><th>${s} <span class="note">never reached</span></th>${blank}${num(0)}</tr>`);
  return { rows, note: unreached.length === 0 ? 'every state was reached' : `never reached: ${unreached.join(', ')}` };
}

/** Rows: from-state (then the states never reached); columns: event type; cell: steps, with the to-states in the tooltip. */
export function heatmapHtml(c: Coverage): HtmlFragment {
  if (c.transitions.length === 0) return html`<p class="none">No steps were checked.</p>`;
  const events = [...new Set(c.transitions.map((t) => t.event))].sort();
  const fromStates = STATES.filter((s) => c.transitions.some((t) => t.from === s));
  const never = unreachedHtml(c, events);
  const grid = heatGrid(c);
  const max = Math.max(...[...grid.values()].map((g) => g.total));
  const head = html`<tr><th>from state \\ event</th>${events.map((e) => html`<th class="rot">${e}</th>`)}<th>steps</th></tr>`;
  const rows = fromStates.map((s) => {
    const cells = events.map((e) => grid.get(`${s}|${e}`));
    const rowTotal = cells.reduce((n, g) => n + (g?.total ?? 0), 0);
    return html`<tr><th>${s}</th>${cells.map((g, i) => heatCell(s, events[i]!, g, max))}${num(rowTotal)}</tr>`;
  });
  return html`<table class="heat">${head}${rows}${never.rows}</table><p class="note">Cell: steps taking that event in that state (log colour scale); hover for the states they led to. States: ${never.note}.</p>`;
}

function statBox(label: string, value: unknown, tone = ''): HtmlFragment {
  return html`<div class="stat ${tone}"><b>${value}</b>${label}</div>`;
}

function configHtml(r: CampaignReport): HtmlFragment {
  const rows = Object.entries(r.config).map(([k, v]) => html`<tr><th>${k}</th>${cell(v)}</tr>`);
  return html`<table>${rows}<tr><th>argv</th><td>${code((r.argv ?? []).map(plainText).join(' '))}</td></tr><tr><th>started / finished</th>${cell(`${plainText(r.started_at)} / ${plainText(r.finished_at)}`)}</tr></table>`;
}

function failuresHtml(r: CampaignReport): HtmlFragment {
  if (r.failures.length === 0) return html`<p class="none">No failed cycle.</p>`;
  const shown = r.failures.slice(0, 200);
  const head = html`<tr><th>cycle</th><th>seed</th><th>events</th><th>exit (gen / check)</th><th>reason</th><th>reproduce</th></tr>`;
  const rows = shown.map((f) => {
    const why = plainText(f.failure_reason ?? f.replay_failure?.message ?? plainText(f.replayer_stderr).split('\n')[0]);
    return html`<tr>${num(f.config.cycle)}${cell(f.config.seed)}${num(f.config.event)}${cell(`${show(f.cross_validate_returncode)} / ${show(f.replayer_returncode)}`)}<td>${why.slice(0, 300)}</td><td>${code(f.reproduce)}</td></tr>`;
  });
  const more = r.failures.length > shown.length ? html`<p class="note">${r.failures.length - shown.length} more in the JSON report.</p>` : '';
  return html`<table>${head}${rows}</table>${more}`;
}

function smallTablesHtml(c: Coverage): HtmlFragment {
  const effects = c.effects.map((e) => html`<tr>${cell(e.type)}${num(e.count)}</tr>`);
  const flags = (k: Coverage['checks'][number]) => [k.have_enough_info, k.image_invariant, k.image_clean, k.image_recovering].map((b) => cell(b ? 'yes' : 'no'));
  const checks = c.checks.map((k) => html`<tr>${flags(k)}${num(k.count)}</tr>`);
  const features = c.features.map((f) => html`<tr>${cell(f.feature)}${num(f.traces)}</tr>`);
  const explore = c.explore_traces > 0 ? html`<div><h3>Explore features</h3><table><tr><th>feature</th><th>traces (of ${c.explore_traces})</th></tr>${features}</table></div>` : '';
  return html`<div class="stats"><div><h3>Effect types</h3><table><tr><th>effect</th><th>count</th></tr>${effects}</table></div><div><h3>After-step checks</h3><table><tr><th>enough info</th><th>invariant</th><th>clean</th><th>recovering</th><th>steps</th></tr>${checks}</table></div>${explore}</div>`;
}

function statsHtml(r: CampaignReport): HtmlFragment {
  const k = r.cycles;
  const divergences = (r.divergences ?? []).length;
  return html`<div class="stats">${[
    statBox('cycles run', `${plainText(k.run)} / ${plainText(k.planned)}`),
    statBox('passed', k.passed, 'good'),
    statBox('failed', k.failed, k.failed > 0 ? 'bad' : 'good'),
    statBox('divergence causes', divergences, divergences > 0 ? 'bad' : 'good'),
    statBox('new (unknown) signatures', r.new_causes ?? 0, (r.new_causes ?? 0) > 0 ? 'bad' : 'good'),
    statBox('steps checked', r.events),
    statBox('events/s', Math.round(r.events_per_second)),
    statBox('transitions', r.coverage.transitions.length),
  ]}</div>`;
}

/** The tool, Node and commit the report was written by. */
function metaLine(r: CampaignReport): HtmlFragment {
  const m = r.meta;
  if (m === undefined) return html`written by an older replay-fuzz (no tool metadata)`;
  const commit = m.git_commit === null ? 'unknown (installed package)' : code(m.git_commit);
  return html`replay-fuzz ${m.tool_version} · Node ${m.node_version} · commit ${commit}`;
}

export function renderHtmlReport(r: CampaignReport): string {
  const c = r.coverage;
  const title = `replay-fuzz ${plainText(r.config.profile)} campaign ${plainText(r.config.campaign_seed)}`;
  return html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title><style>${STYLE}${CAUSE_STYLE}</style></head><body>
<h1>${title}</h1>
<div class="sub">shard ${show(r.config.shard)} · ${show(r.config.replayer)} · ${show(r.started_at)}${r.interrupted ? html` · <b>interrupted</b>` : ''}</div>
<div class="sub">${metaLine(r)}</div>
${statsHtml(r)}
<h2>Transitions: state × event (${transitionTotal(c)} steps)</h2>${heatmapHtml(c)}
<h2>Divergences (${(r.divergences ?? []).length})</h2><p class="note">By cause: a cause of the registry of known C++/Lean divergences, or new; its signatures inside.</p>${causesHtml(r.divergences ?? [])}
<h2>Coverage</h2>${smallTablesHtml(c)}
<h2>Failures (${r.failures.length})</h2>${failuresHtml(r)}
<h2>Configuration</h2>${configHtml(r)}
</body></html>
`.text;
}
