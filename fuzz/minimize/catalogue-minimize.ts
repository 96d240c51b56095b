/**
 * Shrinks the first example of a divergence signature to a minimal event
 * list that still shows the same signature (not merely some failure).
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

export interface SignatureMinimizeResult {
  readonly events: number;
  readonly originalEvents: number;
  readonly runs: number;
  readonly complete: boolean;
  readonly text: string;
}

/**
 * ddmin over the event list: `signatureOf(text)` names the divergence a
 * trace shows (undefined when it passes). Returns undefined when the rebuilt
 * full trace does not show `signature`.
 */
export function minimizeToSignature(
  trace: WireTrace,
  signature: string,
  signatureOf: (text: string) => string | undefined,
  budget: number,
): SignatureMinimizeResult | undefined {
  let runs = 0;
  const render = (events: readonly WireEvent[]) => wireEventsTraceText(events, trace.seed);
  const test = (events: readonly WireEvent[]): boolean => {
    runs++;
    return signatureOf(render(events)) === signature;
  };
  if (!test(trace.events)) return undefined;
  let current = trace.events;
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
  return { events: current.length, originalEvents: trace.events.length, runs, complete, text: render(current) };
}

function split<T>(items: readonly T[], parts: number): T[][] {
  const out: T[][] = [];
  const size = items.length / parts;
  for (let i = 0; i < parts; i++) out.push(items.slice(Math.round(i * size), Math.round((i + 1) * size)));
  return out.filter((c) => c.length > 0);
}
