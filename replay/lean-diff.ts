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

/** Peer maps are lists of `[osd, info]` pairs; list images of `[obj, value]` pairs. */
function isPairList(v: unknown): v is (readonly [unknown, unknown])[] {
  return Array.isArray(v) && v.length > 0 && v.every((e) => Array.isArray(e) && e.length === 2);
}

export function diffModelValues(path: string, expected: unknown, actual: unknown, out: DiffEntry[] = [], limit = 200): DiffEntry[] {
  if (out.length >= limit) return out;
  if (expected === actual) return out;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (path.endsWith('.peer_info') && (isPairList(expected) || isPairList(actual))) {
      const keys = new Map<string, [unknown, unknown]>();
      for (const [k, v] of expected as [unknown, unknown][]) keys.set(String(k), [v, undefined]);
      for (const [k, v] of actual as [unknown, unknown][]) keys.set(String(k), [keys.get(String(k))?.[0], v]);
      for (const [k, [e, a]] of keys) diffModelValues(`${path}[osd=${k}]`, e, a, out, limit);
      return out;
    }
    const n = Math.max(expected.length, actual.length);
    for (let i = 0; i < n; i++) diffModelValues(`${path}[${i}]`, expected[i], actual[i], out, limit);
    return out;
  }
  if (isPlainObject(expected) && isPlainObject(actual)) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const k of keys) diffModelValues(`${path}.${k === 'entries' ? '' : snake(k)}`.replace(/\.$/, ''), expected[k], actual[k], out, limit);
    return out;
  }
  if (typeof expected === typeof actual && typeof expected !== 'object' && String(expected) === String(actual)) return out;
  out.push({ path, expected: show(expected), actual: show(actual) });
  return out;
}
