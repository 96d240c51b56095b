/**
 * Traces side by side in the Informal Trace Format (ITF) of Apalache and
 * Quint, so existing trace viewers can step through them. One ITF state
 * per step: the step number, the event, each named trace's side of the
 * step (states, after-snapshot, checks, effects) and `diverged`, true from
 * the first step where the checker found the sides to differ (the caller
 * says which: lists that compare alike in one checker differ in another). Every integer is written `{"#bigint": "..."}` (uint64
 * values exceed what JSON numbers carry exactly), a JSON null as the
 * variant `{"tag": "None", "value": {}}`; lists stay lists and objects
 * records.
 */
import { isJsonObject, parseJson, type JsonValue } from '../input/json-lossless.js';

export const ITF_DESCRIPTION = 'https://apalache-mc.org/docs/adr/015adr-trace.html';

export interface NamedTrace {
  /** The ITF variable holding this trace's side of each step (`cpp`, `lean`, `a`...). */
  readonly name: string;
  /** JSONL: step lines (anything else is skipped). */
  readonly text: string;
}

type ItfValue = string | boolean | ItfValue[] | { [key: string]: ItfValue };

/** A trace JSON value as an ITF value. */
export function itfValue(v: JsonValue): ItfValue {
  if (v === null) return { tag: 'None', value: {} };
  if (typeof v === 'number' || typeof v === 'bigint') return { '#bigint': (typeof v === 'bigint' ? v : BigInt(v)).toString() };
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(itfValue);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, itfValue(x)]));
}

const SIDE_MEMBERS = ['from_state', 'to_state', 'after', 'after_checks', 'effects'] as const;

function steps(text: string): { [key: string]: JsonValue }[] {
  return text
    .split('\n')
    .filter((l) => l.trimStart().startsWith('{'))
    .map((l) => parseJson(l))
    .filter((v): v is { [key: string]: JsonValue } => isJsonObject(v) && v.kind === 'step');
}

function side(step: { [key: string]: JsonValue } | undefined): JsonValue {
  if (step === undefined) return null;
  return Object.fromEntries(SIDE_MEMBERS.map((k) => [k, step[k] ?? null]));
}

/**
 * An ITF trace of `traces` in lockstep; `source` and `description` go into
 * its `#meta`; `firstDifference` is the step where they first differ
 * (undefined when they agree throughout).
 */
export function itfOfTraces(traces: readonly NamedTrace[], source: string, description: string, firstDifference: number | undefined): string {
  const parsed = traces.map((t) => steps(t.text));
  const length = Math.max(0, ...parsed.map((p) => p.length));
  const states: { [key: string]: unknown }[] = [];
  for (let i = 0; i < length; i++) {
    const sides = parsed.map((p) => side(p[i]));
    const event = parsed.map((p) => p[i]?.event).find((e) => e !== undefined) ?? null;
    const state: { [key: string]: unknown } = { '#meta': { index: i }, step: { '#bigint': String(i) }, event: itfValue(event) };
    traces.forEach((t, k) => (state[t.name] = itfValue(sides[k]!)));
    state.diverged = firstDifference !== undefined && i >= firstDifference;
    states.push(state);
  }
  const meta = { format: 'ITF', 'format-description': ITF_DESCRIPTION, source, description };
  return `${JSON.stringify({ '#meta': meta, vars: ['step', 'event', ...traces.map((t) => t.name), 'diverged'], states }, null, 1)}\n`;
}
