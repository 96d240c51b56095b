/**
 * What a campaign exercised: every (from state, event, to state) transition
 * with its count, effect types, combinations of the four after-step checks,
 * and (explore profile) the features each trace switched on.
 *
 * It is read off the trace lines themselves with a few byte searches, not a
 * JSON parse, so it costs little and works for any generator, ours or not.
 */
import { STATES } from '../../reducer/index.js';
import { compareText } from '../store/text.js';

export interface Transition {
  readonly from: string;
  readonly event: string;
  readonly to: string;
  readonly count: number;
}

export interface CheckCombination {
  readonly have_enough_info: boolean;
  readonly image_invariant: boolean;
  readonly image_clean: boolean;
  readonly image_recovering: boolean;
  readonly count: number;
}

export interface Coverage {
  /** Counts sum to the number of step lines seen (the report's `events`). */
  readonly transitions: readonly Transition[];
  readonly effects: readonly { readonly type: string; readonly count: number }[];
  /** After-step checks as reported by the trace. */
  readonly checks: readonly CheckCombination[];
  /** Explore features: in how many traces each was on. */
  readonly features: readonly { readonly feature: string; readonly traces: number }[];
  /** Traces whose first step named their explore features. */
  readonly explore_traces: number;
}

export const EMPTY_COVERAGE: Coverage = { transitions: [], effects: [], checks: [], features: [], explore_traces: 0 };

const CHECK_NAMES = ['have_enough_info', 'image_invariant', 'image_clean', 'image_recovering'] as const;
/** One test per check, compiled once: this runs on every line of a campaign. */
const CHECK_TRUE = CHECK_NAMES.map((n) => new RegExp(`"${n}"\\s*:\\s*true`));

const HEAD = /"from_state"\s*:\s*"(\w+)"[\s\S]*?"to_state"\s*:\s*"(\w+)"[\s\S]*?"event"\s*:\s*\{\s*"type"\s*:\s*"(\w+)"/;
const FEATURES = /"explore_features"\s*:\s*\[([^\]]*)\]/;
const EFFECT_TYPE = /"type"\s*:\s*"(\w+)"/g;
const AFTER_CHECKS = Buffer.from('"after_checks"');
const EFFECTS = Buffer.from('"effects"');
const EMPTY_EFFECTS = Buffer.from('"effects":[]');
const BEFORE = Buffer.from('"before"');

/*
 * Lines in upstream's exact layout (every line our generator writes, and
 * upstream's) are read with byte compares; anything else (other spacing or
 * member order) with the regular expressions above. Both give the same
 * counts: test/fuzz/cycle/coverage.test.ts checks it on re-spaced traces.
 */
const STEP_PREFIX = Buffer.from('{"kind":"step","step":');
const FROM_KEY = Buffer.from(',"from_state":"');
const TO_KEY = Buffer.from('","to_state":"');
const EVENT_KEY = Buffer.from('","event":{"type":"');
const CHECK_KEYS = CHECK_NAMES.map((n, i) => Buffer.from(`${i === 0 ? '{' : ','}"${n}":`));
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');

/**
 * A step's transition, keyed as its bytes read in upstream's layout,
 * `FROM","to_state":"TO","event":{"type":"EVENT`: one string cut from the
 * line, no joining. Names are words, so the separators split it back.
 */
interface Head {
  readonly key: string;
  readonly initialize: boolean;
}

const TO_SEPARATOR = '","to_state":"';
const EVENT_SEPARATOR = '","event":{"type":"';
const INITIALIZE = Buffer.from('Initialize');

function transitionKey(from: string, to: string, event: string): string {
  return `${from}${TO_SEPARATOR}${to}${EVENT_SEPARATOR}${event}`;
}

function transitionOf(key: string): { from: string; to: string; event: string } {
  const toAt = key.indexOf(TO_SEPARATOR);
  const eventAt = key.indexOf(EVENT_SEPARATOR, toAt);
  return { from: key.slice(0, toAt), to: key.slice(toAt + TO_SEPARATOR.length, eventAt), event: key.slice(eventAt + EVENT_SEPARATOR.length) };
}

function startsWith(buf: Buffer, at: number, bytes: Uint8Array): boolean {
  if (at + bytes.length > buf.length) return false;
  for (let i = 0; i < bytes.length; i++) if (buf[at + i] !== bytes[i]) return false;
  return true;
}

function isWordByte(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** End of the run of word bytes (`\w`) at `at`, when a quote closes it. */
function wordEnd(buf: Buffer, at: number): number {
  let p = at;
  while (p < buf.length && isWordByte(buf[p]!)) p++;
  return p > at && buf[p] === 0x22 ? p : -1;
}

function canonicalHead(buf: Buffer): Head | undefined {
  if (!startsWith(buf, 0, STEP_PREFIX)) return undefined;
  let p = STEP_PREFIX.length;
  while (buf[p]! >= 48 && buf[p]! <= 57) p++;
  if (p === STEP_PREFIX.length || !startsWith(buf, p, FROM_KEY)) return undefined;
  const fromStart = p + FROM_KEY.length;
  const fromEnd = wordEnd(buf, fromStart);
  if (fromEnd < 0 || !startsWith(buf, fromEnd, TO_KEY)) return undefined;
  const toStart = fromEnd + TO_KEY.length;
  const toEnd = wordEnd(buf, toStart);
  if (toEnd < 0 || !startsWith(buf, toEnd, EVENT_KEY)) return undefined;
  const typeStart = toEnd + EVENT_KEY.length;
  const typeEnd = wordEnd(buf, typeStart);
  if (typeEnd < 0) return undefined;
  const initialize = typeEnd - typeStart === INITIALIZE.length && startsWith(buf, typeStart, INITIALIZE);
  return { key: buf.toString('latin1', fromStart, typeEnd), initialize };
}

function looseHead(buf: Buffer): Head | undefined {
  const head = HEAD.exec(buf.subarray(0, 400).toString('latin1'));
  if (head === null || !buf.subarray(0, 40).toString('latin1').includes('"step"')) return undefined;
  return { key: transitionKey(head[1]!, head[2]!, head[3]!), initialize: head[3] === 'Initialize' };
}

/** The four checks as '0'/'1' from `"after_checks":{"have_enough_info":true,...}`, or undefined off that layout. */
function canonicalChecks(buf: Buffer, at: number): string | undefined {
  let p = at + AFTER_CHECKS.length;
  if (buf[p++] !== 0x3a) return undefined; // ':'
  let key = '';
  for (const name of CHECK_KEYS) {
    if (!startsWith(buf, p, name)) return undefined;
    p += name.length;
    if (startsWith(buf, p, TRUE)) {
      key += '1';
      p += TRUE.length;
    } else if (startsWith(buf, p, FALSE)) {
      key += '0';
      p += FALSE.length;
    } else {
      return undefined;
    }
  }
  return buf[p] === 0x7d ? key : undefined; // '}'
}

function looseChecks(buf: Buffer, at: number): string {
  const text = buf.subarray(at, at + 200).toString('latin1');
  let key = '';
  for (const test of CHECK_TRUE) key += test.test(text) ? '1' : '0';
  return key;
}

/** Accumulates coverage line by line; cheap enough to run on every line of a campaign. */
export class CoverageCollector {
  private readonly transitions = new Map<string, number>();
  private readonly effects = new Map<string, number>();
  private readonly checks = new Map<string, number>();
  private readonly features = new Map<string, number>();
  private exploreTraces = 0;

  /** One trace line (a step line or anything else, which is ignored). */
  feedLine(line: Uint8Array): void {
    const buf = Buffer.from(line.buffer, line.byteOffset, line.byteLength);
    const head = canonicalHead(buf) ?? looseHead(buf);
    if (head === undefined) return;
    bump(this.transitions, head.key);

    const effectsAt = buf.lastIndexOf(EFFECTS);
    if (effectsAt >= 0 && !startsWith(buf, effectsAt, EMPTY_EFFECTS)) {
      for (const m of buf.subarray(effectsAt).toString('latin1').matchAll(EFFECT_TYPE)) bump(this.effects, m[1]!);
    }
    const checksAt = buf.lastIndexOf(AFTER_CHECKS);
    if (checksAt >= 0) bump(this.checks, canonicalChecks(buf, checksAt) ?? looseChecks(buf, checksAt));
    if (head.initialize) {
      const eventEnd = buf.indexOf(BEFORE);
      const features = FEATURES.exec(buf.subarray(0, eventEnd < 0 ? buf.length : eventEnd).toString('latin1'));
      if (features !== null) {
        this.exploreTraces++;
        for (const f of features[1]!.matchAll(/"([\w-]+)"/g)) bump(this.features, f[1]!);
      }
    }
  }

  result(): Coverage {
    return {
      transitions: [...this.transitions].map(([key, count]) => {
        const { from, event, to } = transitionOf(key);
        return { from, event, to, count };
      }),
      effects: [...this.effects].map(([type, count]) => ({ type, count })),
      checks: [...this.checks].map(([key, count]) => ({
        have_enough_info: key[0] === '1',
        image_invariant: key[1] === '1',
        image_clean: key[2] === '1',
        image_recovering: key[3] === '1',
        count,
      })),
      features: [...this.features].map(([feature, traces]) => ({ feature, traces })),
      explore_traces: this.exploreTraces,
    };
  }
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function checkKey(c: Omit<CheckCombination, 'count'>): string {
  return CHECK_NAMES.map((n) => (c[n] ? '1' : '0')).join('');
}

/**
 * A running sum of coverages (one per cycle or shard). Adding only counts;
 * the sorting happens once, in `result()`, not once per cycle.
 */
export class CoverageSum {
  private readonly transitions = new Map<string, Transition>();
  private readonly effects = new Map<string, number>();
  private readonly checks = new Map<string, CheckCombination>();
  private readonly features = new Map<string, number>();
  private exploreTraces = 0;

  add(part: Coverage): void {
    for (const t of part.transitions) {
      const key = transitionKey(t.from, t.to, t.event);
      const had = this.transitions.get(key);
      this.transitions.set(key, { from: t.from, event: t.event, to: t.to, count: (had?.count ?? 0) + t.count });
    }
    for (const e of part.effects) bump(this.effects, e.type, e.count);
    for (const c of part.checks) {
      const key = checkKey(c);
      this.checks.set(key, { ...c, count: (this.checks.get(key)?.count ?? 0) + c.count });
    }
    for (const f of part.features) bump(this.features, f.feature, f.traces);
    this.exploreTraces += part.explore_traces;
  }

  /** The sum, in a stable order. */
  result(): Coverage {
    const stateRank = (s: string) => (STATES as readonly string[]).indexOf(s);
    return {
      transitions: [...this.transitions.values()].sort(
        (a, b) => stateRank(a.from) - stateRank(b.from) || compareText(a.event, b.event) || stateRank(a.to) - stateRank(b.to),
      ),
      effects: [...this.effects].map(([type, count]) => ({ type, count })).sort((a, b) => b.count - a.count || compareText(a.type, b.type)),
      checks: [...this.checks.values()].sort((a, b) => b.count - a.count || compareText(checkKey(a), checkKey(b))),
      features: [...this.features].map(([feature, traces]) => ({ feature, traces })).sort((a, b) => compareText(a.feature, b.feature)),
      explore_traces: this.exploreTraces,
    };
  }
}

/** Sums coverages (cycles, shards) into one, in a stable order. */
export function mergeCoverage(parts: readonly Coverage[]): Coverage {
  const sum = new CoverageSum();
  for (const part of parts) sum.add(part);
  return sum.result();
}

export function transitionTotal(c: Coverage): number {
  return c.transitions.reduce((n, t) => n + t.count, 0);
}

/** A few lines for the end of a campaign. */
export function coverageSummary(c: Coverage): string {
  const states = new Set<string>();
  const events = new Set<string>();
  for (const t of c.transitions) {
    states.add(t.from);
    states.add(t.to);
    events.add(t.event);
  }
  const unseen = STATES.filter((s) => !states.has(s));
  const lines = [
    `coverage: ${transitionTotal(c)} steps, ${c.transitions.length} distinct (from, event, to) transitions, ${states.size}/${STATES.length} states, ${events.size} event types, ${c.effects.length} effect types, ${c.checks.length} check combinations`,
  ];
  if (unseen.length > 0) lines.push(`  states never reached: ${unseen.join(', ')}`);
  const invariantBroken = c.checks.filter((k) => !k.image_invariant).reduce((n, k) => n + k.count, 0);
  if (invariantBroken > 0) lines.push(`  steps reporting image_invariant=false: ${invariantBroken}`);
  if (c.explore_traces > 0) {
    lines.push(`  explore features (traces with it on, of ${c.explore_traces}): ${c.features.map((f) => `${f.feature} ${f.traces}`).join(', ')}`);
  }
  return lines.join('\n') + '\n';
}
