/**
 * Focused differences between two Lean-mirror values (snapshots, checks,
 * effect lists): one entry per differing leaf, with a JSON-style path
 * (`after.local_info.image[1].len`). Peer maps are matched by OSD.
 */
import type { DiffEntry } from './diff.js';

const snake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function show(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Member names as upstream's trace spells them where the model's differ. */
const TRACE_NAME: Record<string, string> = { authority_osd: 'osd', authority_length: 'len', sender: 'from', from_state: 'from', to_state: 'to' };
const traceNames = new Map<string, string>();
/** Remembered: a diff walks whole snapshots, asking for the same few names again and again. */
function traceName(key: string): string {
  let name = traceNames.get(key);
  if (name === undefined) traceNames.set(key, (name = TRACE_NAME[snake(key)] ?? snake(key)));
  return name;
}

/** `[obj, value]` entries of an image, authority or blob-metadata list. */
function isEntryList(v: readonly unknown[]): boolean {
  return v.every((e) => Array.isArray(e) && e.length === 2 && (typeof e[0] === 'number' || typeof e[0] === 'bigint'));
}

function uniqueKeys(v: readonly unknown[]): boolean {
  return new Set(v.map((e) => String((e as unknown[])[0]))).size === v.length;
}

function diffEntries(path: string, keyName: string, valueName: string, expected: readonly unknown[], actual: readonly unknown[], out: DiffEntry[], limit: number): void {
  const keys = new Map<string, [unknown, unknown]>();
  for (const e of expected as [unknown, unknown][]) keys.set(String(e[0]), [e[1], undefined]);
  for (const a of actual as [unknown, unknown][]) keys.set(String(a[0]), [keys.get(String(a[0]))?.[0], a[1]]);
  for (const [k, [e, a]] of keys) {
    const at = `${path}[${keyName}=${k}]`;
    const primitive = (v: unknown) => typeof v !== 'object' || v === null;
    if (primitive(e) && primitive(a)) diffModelValues(`${at}.${valueName}`, e, a, out, limit);
    else diffModelValues(at, e, a, out, limit);
  }
}

export function diffModelValues(path: string, expected: unknown, actual: unknown, out: DiffEntry[] = [], limit = 200): DiffEntry[] {
  if (out.length >= limit) return out;
  if (expected === actual) return out;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const both = [...expected, ...actual];
    if (both.length > 0 && isEntryList(both) && uniqueKeys(expected) && uniqueKeys(actual)) {
      if (path.endsWith('.peer_info')) diffEntries(path, 'osd', 'osd', expected, actual, out, limit);
      else diffEntries(path, 'obj', 'len', expected, actual, out, limit);
      return out;
    }
    const n = Math.max(expected.length, actual.length);
    for (let i = 0; i < n; i++) diffModelValues(`${path}[${i}]`, expected[i], actual[i], out, limit);
    return out;
  }
  if (isPlainObject(expected) && isPlainObject(actual)) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const k of keys) diffModelValues(k === 'entries' ? path : `${path}.${traceName(k)}`, expected[k], actual[k], out, limit);
    return out;
  }
  if (typeof expected === typeof actual && typeof expected !== 'object' && String(expected) === String(actual)) return out;
  out.push({ path, expected: show(expected), actual: show(actual) });
  return out;
}
