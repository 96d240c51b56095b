/**
 * Renders a trace for an explicit list of events given with their wire
 * form: each event is stepped through the C++ port as decoded, but written
 * exactly as given. Minimizing an explore trace needs this: decoding alone
 * would turn a duplicate or unsorted image into a canonical one and lose
 * the very input the divergence depends on.
 */
import { EMPTY_SNAPSHOT, step, type PeeringEvent } from '../../reducer/index.js';
import { ByteWriter } from '../encode/byte-writer.js';
import { writeSummaryLine } from '../encode/encode.js';
import { SnapshotRenderer, writeStepHead, writeStepTail } from '../encode/step-line.js';

export interface WireEvent {
  /** What a C++ decoder makes of `text`. */
  readonly event: PeeringEvent;
  /** The event's JSON as written in the trace. */
  readonly text: string;
}

export function renderWireEvents(events: readonly WireEvent[], seed: bigint, w: ByteWriter): void {
  const renderer = new SnapshotRenderer();
  let snap = EMPTY_SNAPSHOT;
  events.forEach((e, index) => {
    const result = step(snap, e.event);
    writeStepHead(w, index, result.from, result.to);
    w.utf8(e.text);
    writeStepTail(w, renderer, result);
    w.byte(0x0a);
    snap = result.after;
  });
  writeSummaryLine(w, seed, events.length);
}

export function wireEventsTraceText(events: readonly WireEvent[], seed: bigint): string {
  const w = new ByteWriter(1 << 16);
  renderWireEvents(events, seed, w);
  return w.text();
}
