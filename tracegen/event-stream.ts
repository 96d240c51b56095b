/**
 * The event stream of a generated trace (`cross-validate --emit events`):
 * one event per line, byte for byte the `event` member of the matching step
 * line, then the summary line. It is the input side of the implementation
 * protocol (docs/protocol.md); an implementation fed with it answers with
 * the trace itself.
 */
import { ByteWriter } from './encode/byte-writer.js';
import { writeEvent, writeSummaryLine } from './encode/encode.js';
import { runTrace, type TraceOptions } from './trace.js';
import { runExploreTrace } from './explore/trace.js';
import { writeExploreEvent } from './explore/wire-encode.js';

/** What `cross-validate` writes: the whole trace, or only its event stream. */
export type Emit = 'trace' | 'events';
export const EMITS: readonly Emit[] = ['trace', 'events'];

/** Writes the event lines and the summary line; returns the event count. */
export function renderEventStream(options: TraceOptions, w: ByteWriter): number {
  // The reducer still runs: each generated event depends on the snapshot before it.
  const total =
    options.profile === 'explore'
      ? runExploreTrace(options, (_index, event) => {
          writeExploreEvent(w, event);
          w.byte(0x0a);
        })
      : runTrace(options, (_index, event) => {
          writeEvent(w, event);
          w.byte(0x0a);
        });
  writeSummaryLine(w, options.seed, total);
  return total;
}

export function eventStreamText(options: TraceOptions): string {
  const w = new ByteWriter(1 << 16);
  renderEventStream(options, w);
  return w.text();
}
