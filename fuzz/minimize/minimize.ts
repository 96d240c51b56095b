/**
 * Shrinking a failing trace to a minimal event list that still fails.
 *
 * The events are taken from the trace, and every candidate subset is
 * rendered as a fresh trace by running it through the TS reducer (so its
 * snapshots are consistent), then handed to the same checker. The search is
 * Zeller's ddmin: try dropping chunks of decreasing size until no single
 * event can be removed (1-minimal), within a budget of checker runs.
 *
 * Why ddmin rather than fast-check's shrinker: here there is one concrete
 * failing list and an expensive external oracle, not a generator of random
 * inputs; ddmin is the standard, budgetable answer to exactly that.
 */
import { createReadStream } from 'node:fs';
import type { PeeringEvent } from '../../reducer/index.js';
import { decodeEvent, isJsonObject, parseJson, readLines, schemaError, validators } from '../../replay/index.js';
import { eventsTraceText } from '../../tracegen/index.js';

export interface ExtractedTrace {
  readonly events: PeeringEvent[];
  readonly seed: bigint;
}

/** Reads the events (and the summary seed) of a trace file. */
export async function extractEvents(path: string): Promise<ExtractedTrace> {
  const events: PeeringEvent[] = [];
  let seed = 0n;
  for await (const { bytes, lineNo } of readLines(createReadStream(path))) {
    const text = bytes.toString('utf8').trim();
    if (!text.startsWith('{')) continue;
    const value = parseJson(text);
    if (!isJsonObject(value)) throw new Error(`line ${lineNo}: not a JSON object`);
    if (value.kind === 'summary') {
      if (typeof value.seed === 'number' || typeof value.seed === 'bigint') seed = BigInt(value.seed);
      continue;
    }
    const problem = schemaError(validators(false).event, value.event ?? null);
    if (problem !== undefined) throw new Error(`line ${lineNo}: ${problem}`);
    events.push(decodeEvent(value.event!));
  }
  return { events, seed };
}

export interface MinimizeResult {
  readonly events: readonly PeeringEvent[];
  readonly originalEvents: number;
  /** Checker runs spent. */
  readonly runs: number;
  /** False when the budget ran out before reaching a 1-minimal list. */
  readonly complete: boolean;
  readonly text: string;
}

/**
 * `fails(text)` must say whether the checker still fails on a trace.
 * Returns undefined when the rebuilt full trace does not fail at all
 * (the failure is not reproducible through the TS reducer).
 */
export async function minimizeEvents(
  trace: ExtractedTrace,
  fails: (text: string) => Promise<boolean>,
  budget: number,
): Promise<MinimizeResult | undefined> {
  const result = await ddmin(trace.events, (events) => fails(eventsTraceText(events, trace.seed)), budget);
  if (result === undefined) return undefined;
  return { events: result.items, originalEvents: trace.events.length, runs: result.runs, complete: result.complete, text: eventsTraceText(result.items, trace.seed) };
}

export interface DdminResult<T> {
  readonly items: readonly T[];
  /** Tests spent. */
  readonly runs: number;
  /** False when the budget ran out before reaching a 1-minimal list. */
  readonly complete: boolean;
}

/**
 * Zeller's ddmin over any list: `test(candidate)` says whether a sublist
 * still fails. Undefined when the whole list does not fail.
 */
export async function ddmin<T>(items: readonly T[], fails: (candidate: readonly T[]) => Promise<boolean>, budget: number): Promise<DdminResult<T> | undefined> {
  let runs = 0;
  const test = async (candidate: readonly T[]): Promise<boolean> => {
    runs++;
    return fails(candidate);
  };
  if (!(await test(items))) return undefined;

  let current: readonly T[] = items;
  let granularity = 2;
  let complete = true;
  search: while (current.length >= 2) {
    const chunks = split(current, granularity);
    for (const candidates of [chunks, chunks.length > 2 ? chunks.map((_, i) => complement(chunks, i)) : []]) {
      for (const candidate of candidates) {
        if (runs >= budget) {
          complete = false;
          break search;
        }
        if (await test(candidate)) {
          current = candidate;
          granularity = candidates === chunks ? 2 : Math.max(granularity - 1, 2);
          continue search;
        }
      }
    }
    if (granularity >= current.length) break;
    granularity = Math.min(current.length, granularity * 2);
  }
  return { items: current, runs, complete };
}

function split<T>(items: readonly T[], parts: number): T[][] {
  const out: T[][] = [];
  const size = items.length / parts;
  for (let i = 0; i < parts; i++) out.push(items.slice(Math.round(i * size), Math.round((i + 1) * size)));
  return out.filter((c) => c.length > 0);
}

function complement<T>(chunks: readonly T[][], skip: number): T[] {
  return chunks.flatMap((c, i) => (i === skip ? [] : c));
}
