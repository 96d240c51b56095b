/**
 * Focused differences between two parsed values: one entry per differing
 * leaf path, with the expected (trace) and actual (replayed) value. Keyed
 * lists (peer infos by `osd`, image entries by `obj`) are matched by key so
 * one missing entry does not shift every later index.
 */
import { isJsonObject, stringifyJson, type JsonObject, type JsonValue } from '../input/json-lossless.js';
import { sameJson, type CompareMode } from './project.js';

export interface DiffEntry {
  readonly path: string;
  /** Compact JSON of the trace's value, or undefined when absent. */
  readonly expected: string | undefined;
  /** Compact JSON of the replayed value, or undefined when absent. */
  readonly actual: string | undefined;
}

const show = (v: JsonValue | undefined): string | undefined => (v === undefined ? undefined : stringifyJson(v));

/** The member an array's objects are keyed by, if they all have it. */
function keyMember(items: readonly JsonValue[], path: string): string | undefined {
  if (items.length === 0 || !items.every(isJsonObject)) return undefined;
  const objects = items as JsonObject[];
  if (/peer_info$/.test(path) && objects.every((o) => o.osd !== undefined)) return 'osd';
  if (objects.every((o) => o.obj !== undefined) && objects.every((o) => o.target === undefined && o.source === undefined)) return 'obj';
  return undefined;
}

export function diffJson(
  path: string,
  expected: JsonValue | undefined,
  actual: JsonValue | undefined,
  mode: CompareMode,
  out: DiffEntry[] = [],
): DiffEntry[] {
  if (sameJson(expected, actual)) return out;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const key = keyMember(expected, path) ?? keyMember(actual, path);
    if (key !== undefined && (keyMember(expected, path) ?? key) === key && (keyMember(actual, path) ?? key) === key) {
      diffKeyed(path, expected as JsonObject[], actual as JsonObject[], key, mode, out);
      return out;
    }
    if (expected.every((x) => !isJsonObject(x) && !Array.isArray(x)) && actual.every((x) => !isJsonObject(x) && !Array.isArray(x))) {
      out.push({ path, expected: show(expected), actual: show(actual) });
      return out;
    }
    const n = Math.max(expected.length, actual.length);
    for (let i = 0; i < n; i++) diffJson(`${path}[${i}]`, expected[i], actual[i], mode, out);
    return out;
  }
  if (isJsonObject(expected) && isJsonObject(actual)) {
    const keys = [...Object.keys(expected)];
    for (const k of Object.keys(actual)) if (!keys.includes(k)) keys.push(k);
    for (const k of keys) diffJson(path === '' ? k : `${path}.${k}`, expected[k], actual[k], mode, out);
    return out;
  }
  out.push({ path, expected: show(expected), actual: show(actual) });
  return out;
}

function diffKeyed(path: string, expected: JsonObject[], actual: JsonObject[], key: string, mode: CompareMode, out: DiffEntry[]): void {
  const label = (o: JsonObject): string => stringifyJson(o[key] ?? null);
  const byKey = (list: JsonObject[]) => new Map(list.map((o) => [label(o), o]));
  const exp = byKey(expected);
  const act = byKey(actual);
  const keys = [...exp.keys()];
  for (const k of act.keys()) if (!exp.has(k)) keys.push(k);
  for (const k of keys) diffJson(`${path}[${key}=${k}]`, exp.get(k), act.get(k), mode, out);
  const order = (list: JsonObject[]) => list.map(label);
  if (mode === 'strict' && exp.size === act.size && !sameJson(order(expected), order(actual))) {
    out.push({ path: `${path} (order)`, expected: `[${order(expected).join(',')}]`, actual: `[${order(actual).join(',')}]` });
  }
}

/**
 * Effects compared as a multiset (lean mode): unmatched effects of the same
 * type are paired and diffed member by member; the rest are listed whole.
 */
export function diffEffectMultisets(
  path: string,
  expected: readonly { key: string; effect: JsonObject }[],
  actual: readonly { key: string; effect: JsonObject }[],
  out: DiffEntry[] = [],
): DiffEntry[] {
  const remaining = new Map<string, number>();
  for (const a of actual) remaining.set(a.key, (remaining.get(a.key) ?? 0) + 1);
  const missing: JsonObject[] = [];
  for (const e of expected) {
    const n = remaining.get(e.key) ?? 0;
    if (n > 0) remaining.set(e.key, n - 1);
    else missing.push(e.effect);
  }
  const extra: JsonObject[] = [];
  for (const a of actual) {
    const n = remaining.get(a.key) ?? 0;
    if (n > 0) {
      remaining.set(a.key, n - 1);
      extra.push(a.effect);
    }
  }
  for (const m of missing) {
    const i = extra.findIndex((x) => x.type === m.type);
    if (i >= 0) {
      diffJson(`${path}[type=${String(m.type)}]`, m, extra[i], 'lean', out);
      extra.splice(i, 1);
    } else {
      out.push({ path: `${path}[type=${String(m.type)}]`, expected: stringifyJson(m), actual: undefined });
    }
  }
  for (const x of extra) out.push({ path: `${path}[type=${String(x.type)}]`, expected: undefined, actual: stringifyJson(x) });
  return out;
}

/**
 * Ordered effect lists (strict mode): when only the order differs, one entry
 * shows both type sequences; otherwise the multiset differences are listed.
 */
export function diffEffectLists(expected: readonly JsonValue[], actual: readonly JsonValue[], out: DiffEntry[] = []): DiffEntry[] {
  const keyed = (list: readonly JsonValue[]) =>
    list.map((f) => ({ key: stringifyJson(f), effect: f as JsonObject })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const exp = keyed(expected);
  const act = keyed(actual);
  const sameMultiset = exp.length === act.length && exp.every((e, i) => e.key === act[i]!.key);
  if (!sameMultiset) return diffEffectMultisets('effects', exp, act, out);
  const types = (list: readonly JsonValue[]) => `[${list.map((f) => String((f as JsonObject).type)).join(',')}]`;
  out.push({ path: 'effects (order)', expected: types(expected), actual: types(actual) });
  return out;
}
