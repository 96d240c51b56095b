/**
 * Renders a trace for an explicit event list (rather than a seeded random
 * one): the fuzz driver's minimiser removes events from a failing trace and
 * rebuilds every snapshot through the reducer.
 */
import { EMPTY_SNAPSHOT, step, type PeeringEvent } from '../reducer/index.js';
import { ByteWriter } from './encode/byte-writer.js';
import { writeSummaryLine } from './encode/encode.js';
import { SnapshotRenderer, writeStepLine } from './encode/step-line.js';

export function renderEvents(events: readonly PeeringEvent[], seed: bigint, w: ByteWriter): void {
  const renderer = new SnapshotRenderer();
  let snap = EMPTY_SNAPSHOT;
  events.forEach((event, index) => {
    const result = step(snap, event);
    writeStepLine(w, renderer, index, event, result);
    snap = result.after;
  });
  writeSummaryLine(w, seed, events.length);
}

export function eventsTraceText(events: readonly PeeringEvent[], seed: bigint): string {
  const w = new ByteWriter(1 << 16);
  renderEvents(events, seed, w);
  return w.text();
}
