/**
 * Shrinks the events of a divergence finding to a minimal list that still
 * shows the same divergence (not merely some failure).
 * Events keep their wire form, so ill-formed explore images survive; the
 * snapshots are rebuilt through the C++ port, as the generator makes them.
 */
import type { PeeringEvent } from '../../reducer/index.js';
import { decodeEvent, isJsonObject, parseJson, schemaError, stringifyJson, validators } from '../../replay/index.js';
import { wireEventsTraceText, type WireEvent } from '../../tracegen/index.js';

export interface WireTrace {
  readonly events: readonly WireEvent[];
  readonly seed: bigint;
}

/** The events of a trace with their wire text, and the summary seed. */
export function extractWireEvents(text: string): WireTrace {
  const events: WireEvent[] = [];
  let seed = 0n;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line.startsWith('{')) continue;
    const value = parseJson(line);
    if (!isJsonObject(value)) throw new Error(`line ${i + 1}: not a JSON object`);
    if (value.kind === 'summary') {
      if (typeof value.seed === 'number' || typeof value.seed === 'bigint') seed = BigInt(value.seed);
      continue;
    }
    const problem = schemaError(validators(false).event, value.event ?? null);
    if (problem !== undefined) throw new Error(`line ${i + 1}: ${problem}`);
    events.push({ event: decodeEvent(value.event!) as PeeringEvent, text: stringifyJson(value.event!) });
  }
  return { events, seed };
}

export interface WitnessMinimizeResult {
  readonly events: readonly WireEvent[];
  readonly originalEvents: number;
  readonly runs: number;
  readonly complete: boolean;
}

/**
 * ddmin over the event list: `stillShows(events)` says whether a candidate
 * still shows the divergence (the same one, not merely some failure).
 * Returns undefined when the whole list does not show it.
 */
export function minimizeWitness(events: readonly WireEvent[], stillShows: (events: readonly WireEvent[]) => boolean, budget: number): WitnessMinimizeResult | undefined {
  let runs = 0;
  const test = (candidate: readonly WireEvent[]): boolean => {
    runs++;
    return stillShows(candidate);
  };
  if (!test(events)) return undefined;
  let current = events;
  let granularity = 2;
  let complete = true;
  search: while (current.length >= 2) {
    const chunks = split(current, granularity);
    const complements = chunks.length > 2 ? chunks.map((_, i) => chunks.flatMap((c, j) => (j === i ? [] : c))) : [];
    for (const [candidates, isChunk] of [[chunks, true], [complements, false]] as const) {
      for (const candidate of candidates) {
        if (runs >= budget) {
          complete = false;
          break search;
        }
        if (test(candidate)) {
          current = candidate;
          granularity = isChunk ? 2 : Math.max(granularity - 1, 2);
          continue search;
        }
      }
    }
    if (granularity >= current.length) break;
    granularity = Math.min(current.length, granularity * 2);
  }
  return { events: current, originalEvents: events.length, runs, complete };
}

/** Renders a witness through the C++ port, its wire forms kept. */
export function witnessText(trace: WireTrace): string {
  return wireEventsTraceText(trace.events, trace.seed);
}

function split<T>(items: readonly T[], parts: number): T[][] {
  const out: T[][] = [];
  const size = items.length / parts;
  for (let i = 0; i < parts; i++) out.push(items.slice(Math.round(i * size), Math.round((i + 1) * size)));
  return out.filter((c) => c.length > 0);
}
