/**
 * The divergence section of the HTML report: one block per cause, known or
 * new, with its registry description and docs link, its signatures, the
 * minimal witness's events, a side-by-side C++/Lean view of the first
 * differing step with the differing lines marked, and a reproduce command
 * a reader can copy (paths relative to where the report was written).
 * Every text that comes from a run is escaped.
 */
import { relative } from 'node:path';
import { isJsonObject, parseJson, stringifyJson, type JsonValue } from '../../replay/index.js';
import type { DivergenceEntry, StepDiff } from '../catalogue/catalogue.js';
import { docsUrl } from './meta.js';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export const CAUSE_STYLE = `
.cause{border:1px solid #d0d7de;border-radius:6px;padding:8px 14px;margin:10px 0}.cause.new{border-color:#cf222e}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;margin-left:6px}.badge.known{background:#dafbe1;color:#1a7f37}.badge.new{background:#ffebe9;color:#cf222e}
pre.copy{user-select:all;background:#f6f8fa;padding:6px;white-space:pre-wrap;word-break:break-all;font:12px ui-monospace,monospace}
table.side td{width:50%}table.side pre{margin:0;font:12px ui-monospace,monospace;white-space:pre-wrap}
span.d{background:#fff8c5;display:block}ol.events code{font-size:11px}
`;

/** A command with the absolute paths under `cwd` made relative to it, and this Node as `node`. */
export function relativeCommand(command: string, cwd: string): string {
  return command
    .split(' ')
    .map((word) => {
      if (word === process.execPath) return 'node';
      if (!word.startsWith('/') || !word.startsWith(`${cwd}/`)) return word;
      return relative(cwd, word);
    })
    .join(' ');
}

/** JSON with two-space indentation and exact integers. */
function pretty(value: JsonValue | undefined, indent = ''): string {
  if (value === undefined) return '(absent)';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const inner = `${indent}  `;
    return `[\n${value.map((v) => `${inner}${pretty(v, inner)}`).join(',\n')}\n${indent}]`;
  }
  if (isJsonObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return '{}';
    const inner = `${indent}  `;
    return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${pretty(value[k], inner)}`).join(',\n')}\n${indent}}`;
  }
  return typeof value === 'bigint' ? value.toString() : JSON.stringify(value);
}

/** Marks the lines of `a` and `b` outside their longest common subsequence. */
function markDifferences(a: readonly string[], b: readonly string[]): [boolean[], boolean[]] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const da = new Array<boolean>(n).fill(true);
  const db = new Array<boolean>(m).fill(true);
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (a[i] === b[j]) {
      da[i++] = false;
      db[j++] = false;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) i++;
    else j++;
  }
  return [da, db];
}

const lines = (text: string, marks: readonly boolean[]): string =>
  text
    .split('\n')
    .map((l, i) => (marks[i] ? `<span class="d">${esc(l)}</span>` : `${esc(l)}\n`))
    .join('');

/** The member of a step a differing path starts in: `after.peer_info[osd=1].image` -> `after.peer_info`. */
function memberOf(path: string): string[] {
  const parts = path.split(/[.[]/);
  return parts[0] === 'after' || parts[0] === 'after_checks' ? parts.slice(0, 2) : parts.slice(0, 1);
}

function valueAt(root: JsonValue, keys: readonly string[]): JsonValue | undefined {
  let v: JsonValue | undefined = root;
  for (const k of keys) v = isJsonObject(v) ? v[k] : undefined;
  return v;
}

/** Side by side, per differing member of the step: the C++ port's value, and the Lean mirror's. */
export function stepDiffHtml(d: StepDiff): string {
  const cpp = parseJson(d.cpp);
  const lean = parseJson(d.lean);
  const members = [...new Map(d.paths.map((p) => [memberOf(p).join('.'), memberOf(p)])).values()];
  const rows = members.slice(0, 12).map((keys) => {
    const a = pretty(valueAt(cpp, keys));
    const b = pretty(valueAt(lean, keys));
    const [ma, mb] = markDifferences(a.split('\n'), b.split('\n'));
    return `<tr><th colspan="2">${esc(keys.join('.'))}</th></tr><tr><td><pre>${lines(a, ma)}</pre></td><td><pre>${lines(b, mb)}</pre></td></tr>`;
  });
  const head = `<tr><th>C++ port (reducer/)</th><th>Lean mirror (lean/)</th></tr>`;
  return `<p>Step ${d.step}: ${esc(d.event)} in ${esc(d.from_state)}; ${d.paths.length} differing path(s), lists compared in order.</p><table class="side">${head}${rows.join('')}</table>`;
}

/** The events of an example trace (JSONL), one per step, with the states around them. */
function witnessEventsHtml(trace: string | null): string {
  if (trace === null) return '<p class="note">The example trace is too large to show; see its reproduce command.</p>';
  const items: string[] = [];
  for (const line of trace.split('\n')) {
    if (!line.startsWith('{"kind":"step"')) continue;
    const step = parseJson(line) as { [key: string]: JsonValue };
    const event = stringifyJson(step.event ?? null);
    items.push(`<li>${esc(String(step.from_state))} → ${esc(String(step.to_state))}: <code>${esc(event)}</code></li>`);
  }
  if (items.length > 60) items.splice(30, items.length - 60, `<li>… ${items.length - 60} more …</li>`);
  return `<ol class="events" start="0">${items.join('')}</ol>`;
}

function causeBlock(d: DivergenceEntry, i: number, cwd: string): string {
  const ex = d.example;
  const badge = d.known ? '<span class="badge known">known</span>' : '<span class="badge new">new</span>';
  const docs = d.docs === null ? '' : ` · <a href="${esc(docsUrl(d.docs))}">docs</a>`;
  const sigRows = d.signatures.map((s) => `<tr><td class="n">${s.count}</td><td class="sig"><code>${esc(s.signature)}</code></td><td>${esc(s.repairs.join(', ') || '—')}</td></tr>`).join('');
  const size = ex.minimized ? `minimized to ${ex.events} of ${ex.original_events} events` : `${ex.events} events`;
  return (
    `<div class="cause${d.known ? '' : ' new'}" id="cause-${i + 1}"><h3>${i + 1}. ${esc(d.cause)}${badge} <span class="note">${d.count} finding(s)${docs}</span></h3>` +
    (d.summary === null ? '<p>No registered cause explains these findings: a new divergence, or a producer or implementation bug.</p>' : `<p>${esc(d.summary)}</p>`) +
    `<table><tr><th>count</th><th>signature</th><th>repairs that change it</th></tr>${sigRows}</table>` +
    `<h4>Example: cycle ${ex.cycle}, seed ${esc(String(ex.seed))}, ${esc(size)}</h4>${witnessEventsHtml(ex.trace)}` +
    (ex.step_diff === undefined ? '' : stepDiffHtml(ex.step_diff)) +
    `<p>Reproduce:</p><pre class="copy">${esc(relativeCommand(ex.reproduce, cwd))}</pre></div>`
  );
}

export function causesHtml(list: readonly DivergenceEntry[], cwd: string = process.cwd()): string {
  if (list.length === 0) return '<p class="none">No divergence between the models.</p>';
  return list.map((d, i) => causeBlock(d, i, cwd)).join('');
}
