/**
 * Escaping, in one place, for every text we write for another reader to
 * interpret: HTML pages, JUnit XML, the Markdown step summary, and lines a
 * CI runner scans for workflow commands. Values come from reports, which a user can
 * tamper with, and from tools' output, so each is escaped whatever its type
 * (see docs/reports.md, "Hostile values").
 */

/** Already-rendered HTML. Only `html` makes one, so a value can never pass as markup. */
export class HtmlFragment {
  constructor(readonly text: string) {}
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Any value as text: bigints and numbers in decimal, objects as JSON, null and undefined as nothing. */
export function plainText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? '';
  return String(v);
}

function htmlPiece(v: unknown): string {
  if (v instanceof HtmlFragment) return v.text;
  if (Array.isArray(v)) return v.map(htmlPiece).join('');
  return escapeHtml(plainText(v));
}

/**
 * Tagged template for pages: the literal parts are ours; every interpolated
 * value is escaped, whatever its type, unless it is a fragment rendered by
 * this same tag; an array is its items in turn.
 */
export function html(parts: TemplateStringsArray, ...values: unknown[]): HtmlFragment {
  let out = parts[0]!;
  values.forEach((v, i) => (out += htmlPiece(v) + parts[i + 1]!));
  return new HtmlFragment(out);
}

/** XML 1.0 forbids most control characters even when escaped. */
export function xmlText(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

export function xmlAttr(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

/**
 * Markdown (GitHub's, with its HTML): every character that could start
 * markup, a link, an image, a mention or math becomes a numeric character
 * reference, and line breaks become spaces, so a value stays text in a table
 * cell, in running text and inside an HTML block such as <summary>.
 */
export function escapeMarkdown(v: unknown): string {
  return plainText(v)
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/[&<>"'`|*_~[\]\\!#$@]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Code-span text that needs no escaping: no backtick, pipe, line break, or character HTML would read. */
const PLAIN_CODE = /^[^`|<>&\\\r\n]*$/;

/** Inline code: a code span for plain text (seeds, commands), else <code> with every special character escaped. */
export function markdownCode(v: unknown): string {
  const text = plainText(v);
  return PLAIN_CODE.test(text) ? `\`${text}\`` : `<code>${escapeMarkdown(text)}</code>`;
}

/** A fenced code block that no line of `v` can close early. */
export function markdownCodeBlock(v: unknown, lang: string): string {
  const text = plainText(v);
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text}\n${fence}`;
}

/**
 * Workflow-command data (GitHub's rules): `%`, CR and LF percent-encoded,
 * and in a property `:` and `,` too, so a value can neither end the command
 * nor start another line.
 */
export const escapeCommandData = (v: unknown): string => plainText(v).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
export const escapeCommandProperty = (v: unknown): string => escapeCommandData(v).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * Text echoed from a tool, made unable to issue workflow commands: a runner
 * reads a line as one when it starts with `::` after blanks, or holds `##[`
 * anywhere (the older syntax). Such a line gets a backslash before the
 * `::`, and every `##[` becomes `##\[`; everything else is left as it is.
 */
export function neutralizeCommands(text: string): string {
  return text.replace(/^([^\S\r\n]*)::/gm, '$1\\::').replace(/##\[/g, '##\\[');
}

/** A message for one terminal line: control characters (line breaks included) shown as \uXXXX escapes. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
