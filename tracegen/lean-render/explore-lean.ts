/**
 * `cross-validate --model lean`: the same events as the default rendering
 * (drawn from the C++ port's snapshots, so a seed names one event list),
 * but the snapshots, checks and effects of each line are the Lean mirror's,
 * stepped from the normalised cursor as Lean's checker steps. Each event is
 * read back from its own wire form by the mirror's parser, so ill-formed
 * images reach the Lean model as written.
 */
import { emptySnapshot, type Snapshot } from '../../lean/Machine.js';
import { parseLeanJson } from '../../lean/LeanJson.js';
import { parseEvent } from '../../lean/Replay.js';
import { ByteWriter } from '../encode/byte-writer.js';
import { writeEvent, writeSummaryLine } from '../encode/encode.js';
import { LeanSnapshotRenderer, leanReplayStep, writeLeanStepTail } from './lean-trace.js';
import { runTrace, type TraceOptions } from '../trace.js';
import { writeStepHead } from '../encode/step-line.js';
import { runExploreTrace } from '../explore/trace.js';
import { writeExploreEvent } from '../explore/wire-encode.js';

/** Renders steps through the Lean mirror as events arrive; `finish` writes the summary. */
export class LeanLineWriter {
  private readonly renderer = new LeanSnapshotRenderer();
  private readonly scratch = new ByteWriter(1 << 12);
  private cursor: Snapshot = emptySnapshot;

  constructor(private readonly w: ByteWriter) {}

  /** Writes one step line for `event` (already written on the wire by `writeEvent`). */
  step(index: number, writeEvent: (w: ByteWriter) => void): void {
    const s = this.scratch;
    s.reset();
    writeEvent(s);
    const eventBytes = s.view().slice();
    const event = parseEvent(parseLeanJson(Buffer.from(eventBytes).toString('utf8')));
    const result = leanReplayStep(this.cursor, event);
    const w = this.w;
    writeStepHead(w, index, result.fromState, result.toState);
    w.bytes(eventBytes);
    writeLeanStepTail(w, this.renderer, result);
    w.byte(0x0a);
    this.cursor = result.after;
  }

  finish(seed: bigint, events: number): void {
    writeSummaryLine(this.w, seed, events);
  }
}

/** A whole trace of any profile with the Lean mirror's snapshots; returns the event count. */
export function renderTraceWithLean(options: TraceOptions, w: ByteWriter): number {
  const out = new LeanLineWriter(w);
  const total =
    options.profile === 'explore'
      ? runExploreTrace(options, (index, event) => out.step(index, (s) => writeExploreEvent(s, event)))
      : runTrace(options, (index, event) => out.step(index, (s) => writeEvent(s, event)));
  out.finish(options.seed, total);
  return total;
}
