/**
 * What an exhaustive run leaves behind: a witness file per cause (written
 * durably, checked to reproduce, before anyone is told), and a report in
 * the campaign report's schema (causes as `divergences` with their
 * witnesses, coverage, and one failure record per witness) plus an
 * `exhaust` section saying what was explored and whether it was complete.
 *
 * A campaign "cycle" here is one checked event sequence: its last
 * transition (every prefix was checked before), so `cycles.run` and
 * `events` count transitions. `failures` holds one record per cause (its
 * first, shortest witness), not one per divergent sequence; those are
 * counted per cause in `divergences[].count`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ReplayFailure, replayText } from '../../replay/index.js';
import { wireEventsTraceText } from '../../tracegen/index.js';
import { newCauseCount, type DivergenceEntry, type DivergenceExample, type SignatureEntry } from '../catalogue/catalogue.js';
import { REPORT_FORMAT, type CampaignReport } from '../outputs/report.js';
import type { RunMeta } from '../outputs/meta.js';
import { sha256, writeFileDurably } from '../store/durable.js';
import type { FailureRecord } from '../store/store.js';
import { findingKey, findingOfFailure, witnessEvents } from './judge.js';
import type { CauseRecord, KeyRecord, SearchResult, StopReason } from './search.js';
import { scopeJson, type Scope } from './scope.js';
import { withThousands } from '../store/text.js';

/** One line per cause in the `exhaust` section. */
export interface ExhaustCause {
  readonly cause: string;
  readonly known: boolean;
  readonly signature: string;
  readonly count: number;
  /** Events in the witness: the shortest sequence showing the cause in this scope. */
  readonly events: number;
  readonly witness: string | null;
}

export interface ExhaustSection {
  readonly scope: Record<string, unknown>;
  readonly depth: number;
  readonly depth_reached: number;
  readonly depth_completed: number;
  /** True only when every sequence in scope up to `depth` events was checked. */
  readonly complete: boolean;
  readonly stopped_by: StopReason | null;
  readonly shard: string;
  /** Distinct (C++, Lean) state pairs reached by 1 to `depth` events. */
  readonly states: number;
  /** Index = depth; depth 0 is the start. */
  readonly states_per_depth: readonly number[];
  readonly transitions_per_depth: readonly number[];
  readonly divergent_per_depth: readonly number[];
  readonly seconds_per_depth: readonly number[];
  readonly states_per_second: number;
  readonly transitions_per_second: number;
  /** CPU time of the process and its worker processes (absent in merged reports). */
  readonly cpu_seconds?: number;
  readonly causes: readonly ExhaustCause[];
  /** Shard reports only: every state's fingerprint, depth and transitions, for merge (see merge.ts). */
  readonly shard_states?: { readonly count: number; readonly data: string };
  /** Merged reports only. */
  readonly merged_from?: readonly string[];
  /** Merged reports only: states more than one shard reached (their causes' counts may count a sequence twice). */
  readonly overlap_states?: number;
}

export type ExhaustReport = CampaignReport & { readonly exhaust: ExhaustSection };

export interface ReportContext {
  readonly scope: Scope;
  readonly jobs: number;
  readonly shard: string;
  readonly argv: readonly string[];
  readonly meta: RunMeta;
  readonly startedAt: Date;
  /** Witness path per cause, as written. */
  readonly witnesses: ReadonlyMap<string, string>;
  readonly cpuSeconds?: number;
}

/** Example traces larger than this are referenced by path only (as in campaign reports). */
const MAX_INLINE_TRACE = 256 * 1024;

export function witnessText(texts: readonly string[]): string {
  return wireEventsTraceText(witnessEvents(texts), 0n);
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'cause';
}

/**
 * Writes a cause's witness (its first key's) into `dir` durably and returns
 * its path, after checking that `peering-replay-ts --model both` fails it at
 * its last step with the same finding.
 */
export function writeWitness(dir: string, record: CauseRecord): string {
  const text = witnessText(record.first.texts);
  const problem = witnessProblem(text, record.first);
  if (problem !== undefined) throw new Error(`exhaust: the witness of ${record.cause} does not reproduce: ${problem}`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${slug(record.cause === 'unknown' ? record.first.judgement.signature : record.cause)}-${sha256(Buffer.from(text)).slice(0, 8)}.jsonl`);
  writeFileDurably(path, text);
  return path;
}

const FROM_STATE = /"from_state":"(\w+)"/;

function witnessProblem(text: string, first: KeyRecord): string | undefined {
  try {
    replayText(text, { model: 'both' });
    return 'both models accept it';
  } catch (err) {
    if (!(err instanceof ReplayFailure)) throw err;
    if (err.report.line !== first.events) return `it fails at line ${err.report.line}, not at its last step ${first.events}`;
    const line = text.split('\n')[first.events - 1] ?? '';
    const events = witnessEvents(first.texts);
    const key = findingKey(findingOfFailure(events[events.length - 1]!, err, FROM_STATE.exec(line)?.[1] ?? '?'));
    return key === first.key ? undefined : `it shows ${key}`;
  }
}

const reproduceCommand = (path: string | null): string => (path === null ? 'the witness was not written' : `peering-replay-ts --model both ${path}`);

function failureRecord(record: CauseRecord, path: string | null, text: string): FailureRecord {
  const first = record.first;
  return {
    config: { cycle: first.ordinal, profile: 'explore', seed: 0n, event: first.events },
    cross_validate_returncode: 0,
    replayer_returncode: 1,
    cross_validate_stderr: '',
    replayer_stderr: '',
    failure_reason: `${record.known ? 'known' : 'new'} cause: ${record.cause}`,
    trace_path: path,
    trace_sha256: sha256(Buffer.from(text)),
    trace_bytes: Buffer.byteLength(text),
    reproduce: reproduceCommand(path),
    campaign_seed: 0n,
    replay_failure: first.failure,
    divergence: { cause: record.cause, known: record.known, signature: first.judgement.signature, class: first.finding.class, step: first.events - 1 },
  };
}

function example(key: KeyRecord, path: string | null): DivergenceExample {
  const text = witnessText(key.texts);
  return {
    cycle: key.ordinal,
    seed: 0n,
    events: key.events,
    original_events: key.events,
    reproduce: path === null ? `a shortest witness of this signature, inline in "trace"` : reproduceCommand(path),
    trace: text.length <= MAX_INLINE_TRACE ? text : null,
    trace_path: path,
    minimized: false,
  };
}

/** A cause's keys, grouped by the signature their attribution gave (causal tags only). */
function signatureEntries(record: CauseRecord, path: string | null): SignatureEntry[] {
  const bySignature = new Map<string, SignatureEntry>();
  for (const k of record.keys) {
    const had = bySignature.get(k.judgement.signature);
    if (had !== undefined) {
      bySignature.set(k.judgement.signature, { ...had, count: had.count + k.count });
      continue;
    }
    const f = k.finding;
    bySignature.set(k.judgement.signature, {
      signature: k.judgement.signature,
      count: k.count,
      class: f.class,
      event: f.event,
      from_state: f.fromState,
      stage: f.stage,
      fields: f.fields,
      ill_formed: k.judgement.tags,
      repairs: k.judgement.repairs,
      example: example(k, k === record.first ? path : null),
    });
  }
  return [...bySignature.values()];
}

const causeCount = (c: CauseRecord): number => c.keys.reduce((n, k) => n + k.count, 0);

function divergenceEntry(record: CauseRecord, path: string | null): DivergenceEntry {
  const j = record.first.judgement;
  return { cause: record.cause, known: record.known, summary: j.summary, docs: j.docs, count: causeCount(record), example: example(record.first, path), signatures: signatureEntries(record, path) };
}

/** Causes in the order a reader wants: new ones first, then the shortest witness, then the most frequent. */
function orderedCauses(result: SearchResult): CauseRecord[] {
  return [...result.causes].sort((a, b) => Number(a.known) - Number(b.known) || a.first.events - b.first.events || causeCount(b) - causeCount(a) || a.first.ordinal - b.first.ordinal);
}

export function buildReport(result: SearchResult, ctx: ReportContext): ExhaustReport {
  const causes = orderedCauses(result);
  const texts = new Map(causes.map((c) => [c.cause, witnessText(c.first.texts)]));
  const path = (c: CauseRecord) => ctx.witnesses.get(c.cause) ?? null;
  const transitions = result.levels.reduce((n, l) => n + l.transitions, 0);
  const divergent = result.levels.reduce((n, l) => n + l.divergent, 0);
  const seconds = result.elapsedMs / 1000;
  const rate = (n: number) => (seconds > 0 ? n / seconds : 0);
  const divergences = causes.map((c) => divergenceEntry(c, path(c)));
  return {
    tool: 'replay-fuzz',
    format: REPORT_FORMAT,
    meta: ctx.meta,
    config: {
      profile: 'explore',
      cycles: Math.max(1, transitions),
      campaign_seed: 0n,
      shard: ctx.shard,
      seed: null,
      event_range: [1, result.depthLimit],
      jobs: ctx.jobs,
      require_image_invariant: false,
      cross_validate: `in-process: every event sequence the explore grammar draws in scope ${ctx.scope.name}, breadth-first`,
      replayer: 'in-process: the C++ port and the Lean checker (model both)',
      compare: 'lean',
      model: 'both',
      timeout_s: null,
      minimize: false,
      stop_on_first_failure: false,
    },
    argv: [...ctx.argv],
    started_at: ctx.startedAt.toISOString(),
    finished_at: new Date(ctx.startedAt.getTime() + result.elapsedMs).toISOString(),
    duration_s: seconds,
    interrupted: result.stoppedBy === 'interrupted',
    cycles: { planned: transitions, run: transitions, passed: transitions - divergent, failed: divergent },
    events: transitions,
    events_per_second: rate(transitions),
    cycles_per_second: rate(transitions),
    failures: causes.map((c) => failureRecord(c, path(c), texts.get(c.cause)!)),
    coverage: { ...result.coverage, features: [], explore_traces: 0 },
    divergences,
    new_causes: newCauseCount(divergences),
    exhaust: exhaustSection(result, ctx, causes, rate),
  };
}

function exhaustSection(result: SearchResult, ctx: ReportContext, causes: readonly CauseRecord[], rate: (n: number) => number): ExhaustSection {
  const states = result.levels.slice(1).reduce((n, l) => n + l.states, 0);
  const reached = result.levels.reduce((d, l, i) => (l.transitions > 0 ? i : d), 0);
  return {
    scope: scopeJson(ctx.scope),
    depth: result.depthLimit,
    depth_reached: reached,
    depth_completed: result.depthCompleted,
    complete: result.complete,
    stopped_by: result.stoppedBy ?? null,
    shard: ctx.shard,
    states,
    states_per_depth: result.levels.map((l) => l.states),
    transitions_per_depth: result.levels.map((l) => l.transitions),
    divergent_per_depth: result.levels.map((l) => l.divergent),
    seconds_per_depth: result.levels.map((l) => l.ms / 1000),
    states_per_second: rate(states),
    transitions_per_second: rate(result.levels.reduce((n, l) => n + l.transitions, 0)),
    ...(ctx.cpuSeconds === undefined ? {} : { cpu_seconds: ctx.cpuSeconds }),
    causes: causes.map((c) => ({ cause: c.cause, known: c.known, signature: c.first.judgement.signature, count: causeCount(c), events: c.first.events, witness: ctx.witnesses.get(c.cause) ?? null })),
    ...(result.fingerprints === undefined ? {} : { shard_states: packFingerprints(result.fingerprints) }),
  };
}

/** Per state 13 bytes (fingerprint high, low, transitions as uint32 big-endian, depth), base64. */
export function packFingerprints(f: NonNullable<SearchResult['fingerprints']>): { count: number; data: string } {
  const n = f.hi.length;
  const buf = Buffer.alloc(n * 13);
  for (let i = 0; i < n; i++) {
    buf.writeUInt32BE(f.hi[i]!, i * 13);
    buf.writeUInt32BE(f.lo[i]!, i * 13 + 4);
    buf.writeUInt32BE(f.transitions[i]!, i * 13 + 8);
    buf.writeUInt8(f.depth[i]!, i * 13 + 12);
  }
  return { count: n, data: buf.toString('base64') };
}

/** The plain statement of what the run proved (or did not). */
export function verdictLine(r: ExhaustReport): string {
  const x = r.exhaust;
  const states = withThousands(x.states);
  const known = x.causes.filter((c) => c.known).length;
  const found = x.causes.length === 0 ? 'no divergence' : `${x.causes.length} cause${x.causes.length === 1 ? '' : 's'}, ${known === x.causes.length ? 'every one known' : known === 0 ? 'none known' : `${x.causes.length - known} new`}`;
  const where = `scope ${String(x.scope.name)}${x.shard === '1/1' ? '' : x.shard.startsWith('merged') ? `, ${x.shard.replace(/\/\d+$/, '')} shards` : `, shard ${x.shard}`}`;
  if (x.complete) {
    const rest = x.causes.length === 0 ? 'no C++/Lean divergence within this scope' : 'no other C++/Lean divergence within this scope';
    return `depth ${x.depth}, ${where}: ${states} states, ${found}; ${rest}${x.shard === '1/1' || x.shard.startsWith('merged') ? '' : ' (this shard\'s part of it)'}.`;
  }
  const why = x.stopped_by === 'interrupted' ? 'interrupted' : x.stopped_by === 'max-states' ? 'stopped by --max-states' : x.stopped_by === 'time-budget' ? 'stopped by --time-budget' : 'incomplete';
  const proved = x.depth_completed > 0 ? `every sequence of up to ${x.depth_completed} event${x.depth_completed === 1 ? '' : 's'} was checked` : 'not even depth 1 was completed';
  return `depth ${x.depth}, ${where}: ${why} at depth ${x.depth_reached} with ${states} states, ${found}; NOT complete: ${proved}, nothing is claimed beyond.`;
}

/** The end-of-run table: per depth, then per cause with its witness. */
export function summaryText(r: ExhaustReport): string {
  const x = r.exhaust;
  const n = withThousands;
  const lines = ['depth  states        transitions   divergent     seconds'];
  for (let d = 1; d < x.states_per_depth.length; d++) {
    lines.push(`${String(d).padStart(5)}  ${n(x.states_per_depth[d]!).padStart(12)}  ${n(x.transitions_per_depth[d]!).padStart(12)}  ${n(x.divergent_per_depth[d]!).padStart(10)}  ${x.seconds_per_depth[d]!.toFixed(1).padStart(10)}`);
  }
  const cpu = x.cpu_seconds === undefined ? '' : `, ${x.cpu_seconds.toFixed(1)} s of CPU`;
  lines.push(`${n(Math.round(x.states_per_second))} states/s, ${n(Math.round(x.transitions_per_second))} transitions/s${cpu}`);
  if (x.causes.length > 0) {
    lines.push('', `causes (first witness of each, shortest first):`);
    x.causes.forEach((c, i) => lines.push(`  ${String(i + 1).padStart(3)}  ${c.events} event${c.events === 1 ? ' ' : 's'}  ${n(c.count).padStart(9)} x  ${c.known ? 'known' : 'new  '}  ${c.cause}`, `       witness: ${c.witness ?? '(not written)'}`));
  }
  return `${lines.join('\n')}\n`;
}
