/**
 * One in-process cycle split over two threads: a producer generates the
 * trace and checks it against one part of the models, a consumer checks the
 * same bytes against the rest and reads coverage. Each thread runs, and so
 * JIT-compiles, only its own half of the code; docs/performance.md says why
 * that, not more threads, is what makes a second core pay off.
 *
 * Only a pass is decided here. Anything else (a checker failure, a broken
 * invariant) is run again whole by the driver on one thread, so findings,
 * triage and saved traces are exactly those of `--jobs 1`.
 */
import type { MessagePort } from 'node:worker_threads';
import { createChecker } from '../replay/both-checker.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, ReplayFailure } from '../replay/index.js';
import type { ModelChoice, ModelName } from '../replay/model.js';
import { ByteWriter, renderTrace } from '../tracegen/index.js';
import type { CycleConfig } from './campaign.js';
import { CoverageCollector, type Coverage } from './coverage.js';
import type { InProcessOptions } from './inprocess.js';
import { invariantBreak } from './outcome.js';

/** Which models each side checks: the heavier Lean mirror goes to the consumer. */
export function splitModels(choice: ModelChoice): { readonly producer: ModelName | undefined; readonly consumer: ModelName } {
  if (choice === 'both') return { producer: 'cpp', consumer: 'lean' };
  return { producer: undefined, consumer: choice };
}

/** Chunks the producer may have in flight before it waits for the consumer: 2 MiB at most. */
export const WINDOW_CHUNKS = 16;
const CHUNK_BYTES = 1 << 17;

/**
 * Flow control shared by the two sides, in a SharedArrayBuffer: [0] chunks
 * sent, [1] chunks consumed. Only the producer writes [0], only the consumer
 * [1]; the producer sleeps on [1] when the window is full.
 */
export type FlowCounters = Int32Array;

export function newFlowCounters(): FlowCounters {
  return new Int32Array(new SharedArrayBuffer(8));
}

export interface ProducerVerdict {
  /** True when the producer's model accepted every line and no invariant broke. */
  readonly ok: boolean;
  readonly events: number;
}

/** Generates the cycle's trace into `port` (chunks, then `'end'`) and checks it against the producer's model. */
export function produceCycle(config: CycleConfig, options: InProcessOptions, port: MessagePort, flow: FlowCounters): ProducerVerdict {
  const model = splitModels(options.model ?? 'cpp').producer;
  const checker = model === undefined ? undefined : createChecker(model, { mode: options.mode });
  let ok = true;
  const splitter = new LineSplitter((bytes, lineNo, terminated) => {
    if (!ok) return;
    if (options.requireInvariant && invariantBreak(bytes) !== undefined) ok = false;
    try {
      checker?.feedLine(bytes, lineNo, terminated);
    } catch (err) {
      if (!(err instanceof ReplayFailure)) throw err;
      ok = false;
    }
  }, DEFAULT_MAX_LINE_BYTES);
  const w = new ByteWriter(CHUNK_BYTES, (chunk) => {
    const copy = new Uint8Array(chunk);
    waitForRoom(flow);
    Atomics.add(flow, 0, 1);
    port.postMessage(copy, [copy.buffer]);
    if (ok) splitter.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  });
  let events = 0;
  try {
    events = renderTrace(config, 'jsonl', w);
    w.flush();
  } finally {
    // Whatever happened, the consumer must see the end of this cycle.
    port.postMessage('end');
  }
  if (ok) {
    try {
      splitter.end();
      checker?.finish();
    } catch (err) {
      if (!(err instanceof ReplayFailure)) throw err;
      ok = false;
    }
  }
  return { ok, events };
}

function waitForRoom(flow: FlowCounters): void {
  for (;;) {
    const consumed = Atomics.load(flow, 1);
    if (Atomics.load(flow, 0) - consumed < WINDOW_CHUNKS) return;
    // Woken by the consumer; the time limit only bounds a lost wake-up.
    Atomics.wait(flow, 1, consumed, 1000);
  }
}

export interface ConsumerVerdict {
  readonly ok: boolean;
  readonly coverage: Coverage;
}

/** The consumer's side of one cycle: feed it the producer's messages until `finish` returns a verdict. */
export class CycleConsumer {
  private readonly checker;
  private readonly coverage = new CoverageCollector();
  private readonly splitter: LineSplitter;
  private ok = true;

  constructor(
    options: InProcessOptions,
    private readonly flow: FlowCounters,
  ) {
    this.checker = createChecker(splitModels(options.model ?? 'cpp').consumer, { mode: options.mode });
    this.splitter = new LineSplitter((bytes, lineNo, terminated) => {
      if (bytes[0] === 0x7b && bytes[9] === 0x73 && bytes[10] === 0x74) this.coverage.feedLine(bytes); // {"kind":"st(ep)
      this.checker.feedLine(bytes, lineNo, terminated);
    }, DEFAULT_MAX_LINE_BYTES);
  }

  /** One chunk; a failed cycle keeps draining, so the producer never waits forever. */
  chunk(bytes: Uint8Array): void {
    try {
      if (this.ok) this.splitter.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (err) {
      if (!(err instanceof ReplayFailure)) throw err;
      this.ok = false;
    } finally {
      Atomics.add(this.flow, 1, 1);
      Atomics.notify(this.flow, 1);
    }
  }

  finish(): ConsumerVerdict {
    if (this.ok) {
      try {
        this.splitter.end();
        this.checker.finish();
      } catch (err) {
        if (!(err instanceof ReplayFailure)) throw err;
        this.ok = false;
      }
    }
    return { ok: this.ok, coverage: this.coverage.result() };
  }
}
