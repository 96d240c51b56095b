/**
 * Runs an explore trace through the C++ port and renders it in the common
 * JSONL format (or the legacy text), like `renderTrace` does for the
 * upstream profiles.
 */
import { EMPTY_SNAPSHOT, step, type StepResult } from '../../reducer/index.js';
import type { ByteWriter } from '../encode/byte-writer.js';
import { writeSummaryLine } from '../encode/encode.js';
import { legacyEvent, legacyState } from '../encode/legacy.js';
import { SnapshotRenderer, writeStepHead, writeStepTail } from '../encode/step-line.js';
import { ExploreGenerator } from './generator.js';
import { writeExploreEvent } from './wire-encode.js';
import type { ExploreEvent } from './grammar/wire.js';

export interface ExploreTraceOptions {
  readonly seed: bigint;
  readonly events: number;
}

export type ExploreStepSink = (index: number, event: ExploreEvent, result: StepResult) => void;

/** Generates the trace, handing each step to `sink`; returns the number of events including Initialize. */
export function runExploreTrace(options: ExploreTraceOptions, sink: ExploreStepSink): number {
  const gen = new ExploreGenerator(options.seed);
  const init = gen.genInitialize();
  let result = step(EMPTY_SNAPSHOT, init.event);
  sink(0, init, result);
  let snap = result.after;
  const count = gen.drawEventCount(options.events);
  for (let index = 1; index <= count; index++) {
    const event = gen.genEvent(snap);
    result = step(snap, event.event);
    sink(index, event, result);
    snap = result.after;
  }
  return count < 0 ? 1 : count + 1;
}

export function writeExploreStepLine(w: ByteWriter, renderer: SnapshotRenderer, index: number, event: ExploreEvent, result: StepResult): void {
  writeStepHead(w, index, result.from, result.to);
  writeExploreEvent(w, event);
  writeStepTail(w, renderer, result);
  w.byte(0x0a);
}

export function renderExploreTrace(options: ExploreTraceOptions, format: 'jsonl' | 'legacy', w: ByteWriter): number {
  const renderer = new SnapshotRenderer();
  const total = runExploreTrace(options, (index, event, result) => {
    if (format === 'legacy') {
      w.ascii(legacyEvent(event.event));
      w.ascii(legacyState(result.after, renderer.checks(result.after)));
      return;
    }
    writeExploreStepLine(w, renderer, index, event, result);
  });
  if (format === 'jsonl') writeSummaryLine(w, options.seed, total);
  return total;
}
