/**
 * The input side of the implementation protocol (docs/protocol.md): one
 * event per line, blank lines ignored, an optional summary line at the end.
 * Each input line is classified here; what to do with an event is the
 * implementation's business.
 */
import { isUtf8 } from 'node:buffer';
import type { PeeringEvent } from '../../reducer/index.js';
import { decodeEvent } from '../input/decode.js';
import { isJsonObject, JsonSyntaxError, parseJson, stringifyJson, type JsonObject, type JsonValue } from '../input/json-lossless.js';
import { schemaError, validators } from '../input/schema.js';

/** The protocol version documented in docs/protocol.md. */
export const PROTOCOL_VERSION = 1;

export type ProtocolLine =
  | { readonly kind: 'blank' }
  /** `wire`: the event as received, compact, to be echoed in the step line. */
  | { readonly kind: 'event'; readonly event: PeeringEvent; readonly wire: string }
  | { readonly kind: 'end'; readonly seed: bigint; readonly events: number };

/** A line that breaks the protocol; names the 1-based input line. */
export class ProtocolError extends Error {
  constructor(
    readonly line: number,
    readonly detail: string,
  ) {
    super(`line ${line}: ${detail}`);
  }
}

export interface EventReaderOptions {
  /**
   * Also take trace step lines as input, using their `event` member (a
   * convenience of peering-render, not part of the protocol).
   */
  readonly acceptSteps?: boolean;
}

const U64_MAX = 0xffff_ffff_ffff_ffffn;
const decoder = new TextDecoder('utf-8');

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d;
}

/**
 * `"final_len": null` means an unknown final length, as if the member were
 * left out (C++ reads it into an empty optional); the schema only knows the
 * omitted form.
 */
function withoutNullFinalLens(value: JsonValue): JsonValue {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(withoutNullFinalLens);
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'final_len' && v === null) continue;
    out[k] = withoutNullFinalLens(v);
  }
  return out;
}

function isCount(v: JsonValue | undefined): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isU64(v: JsonValue | undefined): v is number | bigint {
  if (typeof v === 'bigint') return v >= 0n && v <= U64_MAX;
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Classifies protocol input lines in order and counts the events. */
export class EventLineReader {
  private eventCount = 0;
  private ended = false;

  constructor(private readonly options: EventReaderOptions = {}) {}

  /** Events read so far. */
  get events(): number {
    return this.eventCount;
  }

  /** Whether the summary line has been read. */
  get sawEnd(): boolean {
    return this.ended;
  }

  read(raw: Uint8Array, lineNo: number): ProtocolLine {
    let start = 0;
    let end = raw.length;
    while (start < end && isSpace(raw[start]!)) start++;
    while (end > start && isSpace(raw[end - 1]!)) end--;
    if (start === end) return { kind: 'blank' };
    if (this.ended) throw new ProtocolError(lineNo, 'input after the summary line');
    const bytes = raw.subarray(start, end);
    if (!isUtf8(bytes)) throw new ProtocolError(lineNo, 'not valid UTF-8');
    let value: JsonValue;
    try {
      value = parseJson(decoder.decode(bytes));
    } catch (err) {
      throw new ProtocolError(lineNo, `invalid JSON: ${err instanceof JsonSyntaxError ? err.message : String(err)}`);
    }
    if (!isJsonObject(value)) throw new ProtocolError(lineNo, 'an input line must be a JSON object (an event)');
    if (value.kind === 'summary') return this.summary(value, lineNo);
    if (value.kind === 'step' && this.options.acceptSteps === true) return this.event(value.event, lineNo, 'event');
    if (value.kind !== undefined) throw new ProtocolError(lineNo, `unexpected line kind ${JSON.stringify(value.kind)}: expected an event or the summary line`);
    return this.event(value, lineNo, '');
  }

  private event(value: JsonValue | undefined, lineNo: number, where: string): ProtocolLine {
    if (!isJsonObject(value)) throw new ProtocolError(lineNo, `${where || 'the line'} is not an event object`);
    const event = withoutNullFinalLens(value) as JsonObject;
    const problem = schemaError(validators(false).event, event, where === '' ? '' : `/${where}`);
    if (problem !== undefined) {
      const unknown = typeof value.type === 'string' && /\/type: must be equal to one of the allowed values/.test(problem);
      throw new ProtocolError(lineNo, unknown ? `unknown event type ${JSON.stringify(value.type)}` : `not a valid event: ${problem}`);
    }
    this.eventCount++;
    return { kind: 'event', event: decodeEvent(event), wire: stringifyJson(value) };
  }

  private summary(value: JsonObject, lineNo: number): ProtocolLine {
    if (!isU64(value.seed)) throw new ProtocolError(lineNo, 'summary line: "seed" must be an integer in 0..18446744073709551615');
    if (!isCount(value.events)) throw new ProtocolError(lineNo, 'summary line: "events" must be a non-negative integer');
    if (this.eventCount === 0) throw new ProtocolError(lineNo, 'summary line before any event');
    if (value.events !== this.eventCount) {
      throw new ProtocolError(lineNo, `summary line counts ${value.events} events but ${this.eventCount} were read (input cut short?)`);
    }
    this.ended = true;
    return { kind: 'end', seed: BigInt(value.seed), events: value.events };
  }
}
