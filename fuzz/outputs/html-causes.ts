/**
 * The divergence section of the HTML report: one block per cause, known or
 * new, with its registry description and docs link, its signatures, the
 * minimal witness's events, a side-by-side C++/Lean view of the first
 * differing step with the differing lines marked, and a reproduce command
 * a reader can copy (paths relative to where the report was written).
 * Everything is built with escape.ts's `html` tag: a value from a run, a
 * report or a registry can only ever be text.
 */
import { relative } from 'node:path';
import { isJsonObject, parseJson, stringifyJson, type JsonValue } from '../../replay/index.js';
import type { DivergenceEntry, SignatureEntry, StepDiff } from '../catalogue/catalogue.js';
import { html, plainText, type HtmlFragment } from './escape.js';
import { docsUrl } from './meta.js';

export const CAUSE_STYLE = html`
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

const markedLines = (lines: readonly string[], marks: readonly boolean[]): HtmlFragment[] => lines.map((l, i) => (marks[i] ? html`<span class="d">${l}</span>` : html`${l}\n`));

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

/** Side by side, per differing member of the step (at most 12): the C++ port's value, and the Lean mirror's. */
export function stepDiffHtml(d: StepDiff): HtmlFragment {
  const cpp = jsonOrNull(d.cpp);
  const lean = jsonOrNull(d.lean);
  const members = [...new Map(list<string>(d.paths).map((p) => [memberOf(plainText(p)).join('.'), memberOf(plainText(p))])).values()];
  const rows = members.slice(0, 12).map((keys) => {
    const a = pretty(valueAt(cpp, keys)).split('\n');
    const b = pretty(valueAt(lean, keys)).split('\n');
    const [ma, mb] = markDifferences(a, b);
    return html`<tr><th colspan="2">${keys.join('.')}</th></tr><tr><td><pre>${markedLines(a, ma)}</pre></td><td><pre>${markedLines(b, mb)}</pre></td></tr>`;
  });
  const head = html`<tr><th>C++ port (reducer/)</th><th>Lean mirror (lean/)</th></tr>`;
  return html`<p>Step ${d.step}: ${d.event} in ${d.from_state}; ${list(d.paths).length} differing path(s), lists compared in order.</p><table class="side">${head}${rows}</table>`;
}

/** A JSON text of a report (which a user may have edited), or null when it is not JSON. */
function jsonOrNull(text: unknown): JsonValue {
  try {
    return parseJson(plainText(text));
  } catch {
    return null;
  }
}

/** The events of an example trace (JSONL), one per step, with the states around them. */
function witnessEventsHtml(trace: string | null): HtmlFragment {
  if (trace === null) return html`<p class="note">The example trace is too large to show; see its reproduce command.</p>`;
  const items: HtmlFragment[] = [];
  for (const line of plainText(trace).split('\n')) {
    if (!line.startsWith('{"kind":"step"')) continue;
    const step = jsonOrNull(line);
    if (!isJsonObject(step)) continue;
    items.push(html`<li>${plainText(step.from_state)} → ${plainText(step.to_state)}: <code>${stringifyJson(step.event ?? null)}</code></li>`);
  }
  if (items.length > 60) items.splice(30, items.length - 60, html`<li>… ${items.length - 60} more …</li>`);
  return html`<ol class="events" start="0">${items}</ol>`;
}

const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

/**
 * An entry as a page can show it: a format-2 entry (one signature, no
 * cause) as an unknown cause of its own, and members of a tampered report
 * that are not lists as empty ones.
 */
function shown(d: DivergenceEntry): DivergenceEntry {
  const signatures: SignatureEntry[] = Array.isArray(d.signatures) ? d.signatures : [d as unknown as SignatureEntry];
  const cause = d.cause ?? 'unknown';
  return { ...d, cause, known: d.known === true, summary: d.summary ?? null, docs: d.docs ?? null, signatures: signatures.map((s) => ({ ...s, repairs: list<string>(s.repairs) })) };
}

function causeBlock(raw: DivergenceEntry, i: number, cwd: string): HtmlFragment {
  const d = shown(raw);
  const ex = d.example ?? d.signatures[0]?.example ?? ({} as DivergenceEntry['example']);
  const badge = d.known ? html`<span class="badge known">known</span>` : html`<span class="badge new">new</span>`;
  const docs = d.docs === null ? '' : html` · <a href="${docsUrl(plainText(d.docs))}">docs</a>`;
  const summary = d.summary === null ? html`<p>No registered cause explains these findings: a new divergence, or a producer or implementation bug.</p>` : html`<p>${d.summary}</p>`;
  const signatures = d.signatures.map((s) => html`<tr><td class="n">${s.count}</td><td class="sig"><code>${s.signature}</code></td><td>${s.repairs.map(plainText).join(', ') || '—'}</td></tr>`);
  const size = ex.minimized ? `minimized to ${plainText(ex.events)} of ${plainText(ex.original_events)} events` : `${plainText(ex.events)} events`;
  return html`<div class="cause${d.known ? '' : ' new'}" id="cause-${i + 1}"><h3>${i + 1}. ${d.cause}${badge} <span class="note">${d.count} finding(s)${docs}</span></h3>${summary}<table><tr><th>count</th><th>signature</th><th>repairs that change it</th></tr>${signatures}</table><h4>Example: cycle ${ex.cycle}, seed ${ex.seed}, ${size}</h4>${witnessEventsHtml(typeof ex.trace === 'string' ? ex.trace : null)}${ex.step_diff === undefined || typeof ex.step_diff !== 'object' ? '' : stepDiffHtml(ex.step_diff)}<p>Reproduce:</p><pre class="copy">${relativeCommand(plainText(ex.reproduce), cwd)}</pre></div>`;
}

export function causesHtml(entries: readonly DivergenceEntry[], cwd: string = process.cwd()): HtmlFragment {
  if (entries.length === 0) return html`<p class="none">No divergence between the models.</p>`;
  return html`${entries.map((d, i) => causeBlock(d, i, cwd))}`;
}
