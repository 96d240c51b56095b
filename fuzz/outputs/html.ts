/**
 * `replay-fuzz --html FILE`: the campaign report as one self-contained HTML
 * page (inline CSS, no script, no external resource): configuration and
 * tool metadata, divergences by cause (html-causes.ts), failures, and a
 * state x event heatmap of transitions with the states never reached.
 */
import { STATES } from '../../reducer/index.js';
import { transitionTotal, type Coverage } from '../cycle/coverage.js';
import type { CampaignReport } from './report.js';
import { CAUSE_STYLE, causesHtml } from './html-causes.js';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const show = (v: unknown): string => (typeof v === 'bigint' ? v.toString() : v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) : String(v));
const cell = (v: unknown): string => `<td>${escapeHtml(show(v))}</td>`;
const code = (v: string): string => `<code>${escapeHtml(v)}</code>`;

const STYLE = `
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

/** Rows: from-state (every state; those never reached greyed out); columns: event type; cell: steps, with the to-states in the tooltip. */
export function heatmapHtml(c: Coverage): string {
  if (c.transitions.length === 0) return '<p class="none">No steps were checked.</p>';
  const events = [...new Set(c.transitions.map((t) => t.event))].sort();
  const reached = new Set(c.transitions.flatMap((t) => [t.from, t.to]));
  const fromStates = STATES.filter((s) => c.transitions.some((t) => t.from === s));
  const unreached = STATES.filter((s) => !reached.has(s));
  const grid = new Map<string, { total: number; to: Map<string, number> }>();
  for (const t of c.transitions) {
    const key = `${t.from}|${t.event}`;
    const g = grid.get(key) ?? { total: 0, to: new Map<string, number>() };
    g.total += t.count;
    g.to.set(t.to, (g.to.get(t.to) ?? 0) + t.count);
    grid.set(key, g);
  }
  const max = Math.max(...[...grid.values()].map((g) => g.total));
  const head = `<tr><th>from state \\ event</th>${events.map((e) => `<th class="rot">${escapeHtml(e)}</th>`).join('')}<th>steps</th></tr>`;
  const rows = fromStates.map((s) => {
    let rowTotal = 0;
    const cells = events.map((e) => {
      const g = grid.get(`${s}|${e}`);
      if (g === undefined) return '<td class="none">·</td>';
      rowTotal += g.total;
      const tip = [...g.to].map(([to, n]) => `→ ${to}: ${n}`).join('\n');
      const color = heatColor(g.total, max);
      const ink = Math.log(1 + g.total) / Math.log(1 + max) > 0.6 ? '#fff' : '#1b1f24';
      return `<td style="background:${color};color:${ink}" title="${escapeHtml(`${s} + ${e}\n${tip}`)}">${g.total}</td>`;
    });
    return `<tr><th>${escapeHtml(s)}</th>${cells.join('')}<td class="n">${rowTotal}</td></tr>`;
  });
  const blank = events.map(() => '<td class="none">·</td>').join('');
  const never = unreached.map((s) => `<tr class="unreached"><th>${escapeHtml(s)} <span class="note">never reached</span></th>${blank}<td class="n">0</td></tr>`);
  const note = unreached.length === 0 ? 'every state was reached' : `never reached: ${unreached.map(escapeHtml).join(', ')}`;
  return `<table class="heat">${head}${rows.join('')}${never.join('')}</table><p class="note">Cell: steps taking that event in that state (log colour scale); hover for the states they led to. States: ${note}.</p>`;
}

function statBox(label: string, value: string, tone = ''): string {
  return `<div class="stat ${tone}"><b>${escapeHtml(value)}</b>${escapeHtml(label)}</div>`;
}

function configHtml(r: CampaignReport): string {
  const rows = Object.entries(r.config).map(([k, v]) => `<tr><th>${escapeHtml(k)}</th>${cell(v)}</tr>`);
  rows.push(`<tr><th>argv</th><td>${code((r.argv ?? []).join(' '))}</td></tr>`);
  rows.push(`<tr><th>started / finished</th>${cell(`${r.started_at} / ${r.finished_at}`)}</tr>`);
  return `<table>${rows.join('')}</table>`;
}

function failuresHtml(r: CampaignReport): string {
  if (r.failures.length === 0) return '<p class="none">No failed cycle.</p>';
  const shown = r.failures.slice(0, 200);
  const head = '<tr><th>cycle</th><th>seed</th><th>events</th><th>exit (gen / check)</th><th>reason</th><th>reproduce</th></tr>';
  const rows = shown.map((f) => {
    const why = f.failure_reason ?? f.replay_failure?.message ?? f.replayer_stderr.split('\n')[0] ?? '';
    return `<tr><td class="n">${f.config.cycle}</td>${cell(f.config.seed)}<td class="n">${f.config.event}</td>${cell(`${show(f.cross_validate_returncode)} / ${show(f.replayer_returncode)}`)}<td>${escapeHtml(why.slice(0, 300))}</td><td>${code(f.reproduce)}</td></tr>`;
  });
  const more = r.failures.length > shown.length ? `<p class="note">${r.failures.length - shown.length} more in the JSON report.</p>` : '';
  return `<table>${head}${rows.join('')}</table>${more}`;
}

function smallTablesHtml(c: Coverage): string {
  const effects = c.effects.map((e) => `<tr>${cell(e.type)}<td class="n">${e.count}</td></tr>`).join('');
  const checks = c.checks
    .map((k) => `<tr>${[k.have_enough_info, k.image_invariant, k.image_clean, k.image_recovering].map((b) => cell(b ? 'yes' : 'no')).join('')}<td class="n">${k.count}</td></tr>`)
    .join('');
  const features = c.features.map((f) => `<tr>${cell(f.feature)}<td class="n">${f.traces}</td></tr>`).join('');
  return (
    `<div class="stats"><div><h3>Effect types</h3><table><tr><th>effect</th><th>count</th></tr>${effects}</table></div>` +
    `<div><h3>After-step checks</h3><table><tr><th>enough info</th><th>invariant</th><th>clean</th><th>recovering</th><th>steps</th></tr>${checks}</table></div>` +
    (c.explore_traces > 0 ? `<div><h3>Explore features</h3><table><tr><th>feature</th><th>traces (of ${c.explore_traces})</th></tr>${features}</table></div>` : '') +
    '</div>'
  );
}

/** The tool, Node and commit the report was written by. */
function metaLine(r: CampaignReport): string {
  const m = r.meta;
  if (m === undefined) return 'written by an older replay-fuzz (no tool metadata)';
  return `replay-fuzz ${escapeHtml(m.tool_version)} · Node ${escapeHtml(m.node_version)} · commit ${m.git_commit === null ? 'unknown (installed package)' : `<code>${escapeHtml(m.git_commit)}</code>`}`;
}

export function renderHtmlReport(r: CampaignReport): string {
  const c = r.coverage;
  const divergences = r.divergences ?? [];
  const title = `replay-fuzz ${r.config.profile} campaign ${show(r.config.campaign_seed)}`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}${CAUSE_STYLE}</style></head><body>
<h1>${escapeHtml(title)}</h1>
<div class="sub">shard ${escapeHtml(show(r.config.shard))} · ${escapeHtml(show(r.config.replayer))} · ${escapeHtml(show(r.started_at))}${r.interrupted ? ' · <b>interrupted</b>' : ''}</div>
<div class="sub">${metaLine(r)}</div>
<div class="stats">${[
    statBox('cycles run', `${r.cycles.run} / ${r.cycles.planned}`),
    statBox('passed', String(r.cycles.passed), 'good'),
    statBox('failed', String(r.cycles.failed), r.cycles.failed > 0 ? 'bad' : 'good'),
    statBox('divergence causes', String(divergences.length), divergences.length > 0 ? 'bad' : 'good'),
    statBox('new (unknown) signatures', String(r.new_causes ?? 0), (r.new_causes ?? 0) > 0 ? 'bad' : 'good'),
    statBox('steps checked', String(r.events)),
    statBox('events/s', String(Math.round(r.events_per_second))),
    statBox('transitions', String(c.transitions.length)),
  ].join('')}</div>
<h2>Transitions: state × event (${transitionTotal(c)} steps)</h2>${heatmapHtml(c)}
<h2>Divergences by cause (${divergences.length})</h2>${causesHtml(divergences)}
<h2>Coverage</h2>${smallTablesHtml(c)}
<h2>Failures (${r.failures.length})</h2>${failuresHtml(r)}
<h2>Configuration</h2>${configHtml(r)}
</body></html>
`;
}
