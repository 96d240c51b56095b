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
import { newChunkRing, type ChunkRing, type RingWriter } from '../../replay/input/chunk-ring.js';
import { DEFAULT_MAX_LINE_BYTES } from '../../replay/index.js';
import { ModelRun, type ModelEnd } from '../../replay/models/model-run.js';
import type { ModelName } from '../../replay/models/model.js';
import { ByteWriter, renderTrace } from '../../tracegen/index.js';
import type { CycleConfig } from '../plan/campaign.js';
import { CoverageCollector, type Coverage } from './coverage.js';
import type { InProcessOptions } from './inprocess.js';
import { invariantBreak } from './outcome.js';

/**
 * Which model each side checks under `--model both`, the only choice that
 * pipelines (fuzz/cycle/pool.ts): the heavier Lean mirror goes to the consumer.
 */
export const PIPELINE_MODELS = { producer: 'cpp', consumer: 'lean' } as const satisfies { producer: ModelName; consumer: ModelName };

/** Chunks the producer may have in flight before it waits for the consumer: 2 MiB at most. */
export const WINDOW_CHUNKS = 16;
const CHUNK_BYTES = 1 << 17;

/** The shared ring a pipeline's two threads pass a cycle's bytes through. */
export function newPipelineRing(): ChunkRing {
  return newChunkRing(WINDOW_CHUNKS, CHUNK_BYTES);
}

export interface ProducerVerdict {
  /** True when the producer's model accepted every line and no invariant broke. */
  readonly ok: boolean;
  readonly events: number;
}

/** One side's model over the cycle's lines; `ended` tells how it stopped. */
function sideRun(model: ModelName, options: InProcessOptions, observe: (line: Uint8Array) => void): { run: ModelRun; ended: () => ModelEnd | undefined } {
  let end: ModelEnd | undefined;
  const run = new ModelRun(model, options.mode, DEFAULT_MAX_LINE_BYTES, (e) => (end = e), observe);
  return { run, ended: () => end };
}

/** Generates the cycle's trace into `ring` (its chunks, then a mark) and checks it against the producer's model. */
export function produceCycle(config: CycleConfig, options: InProcessOptions, ring: RingWriter): ProducerVerdict {
  if (options.model !== 'both') throw new Error('a pipelined cycle checks both models');
  let broken = false;
  const { run, ended } = sideRun(PIPELINE_MODELS.producer, options, (line) => {
    if (options.requireInvariant && !broken) broken = invariantBreak(line) !== undefined;
  });
  const w = new ByteWriter(CHUNK_BYTES, (chunk) => {
    ring.put(chunk);
    run.chunk(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  });
  let events = 0;
  try {
    events = renderTrace(config, 'jsonl', w);
    w.flush();
  } finally {
    // Whatever happened, the consumer must see the end of this cycle.
    ring.mark();
  }
  run.eof();
  return { ok: !broken && ended()?.kind === 'passed', events };
}

export interface ConsumerVerdict {
  readonly ok: boolean;
  readonly coverage: Coverage;
}

/** The consumer's side of one cycle: feed it the cycle's chunks until `finish` returns a verdict. */
export class CycleConsumer {
  private readonly coverage = new CoverageCollector();
  private readonly side;

  constructor(options: InProcessOptions) {
    // A model that stopped is fed no more lines, so coverage ends where checking did.
    this.side = sideRun(PIPELINE_MODELS.consumer, options, (line) => this.coverage.feedLine(line));
  }

  /** One chunk; a stopped model only skips it. */
  chunk(bytes: Buffer): void {
    this.side.run.chunk(bytes);
  }

  finish(): ConsumerVerdict {
    this.side.run.eof();
    return { ok: this.side.ended()?.kind === 'passed', coverage: this.coverage.result() };
  }
}
