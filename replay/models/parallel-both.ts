/**
 * `--model both` on a stream, on two threads: this thread reads the input
 * and checks it against the cpp model, a worker checks the same bytes
 * against the Lean model (replay/models/both-worker.ts). Each thread JIT-compiles
 * only its own model, and the two checks overlap, so a trace costs about
 * the slower model instead of the sum (docs/performance.md).
 *
 * The verdict is the one BothChecker gives on one thread: every model's
 * first event (a failing line, a line over the length limit, a failing end,
 * or a pass) is collected, the earliest decides, and a failure there is
 * triaged with each model's verdict on that line.
 */
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { triage } from './both-checker.js';
import { newChunkRing, RingWriter, type ChunkRing } from '../input/chunk-ring.js';
import type { ReplayStats } from '../check/checker.js';
import { CheckerCrash, malformed, ReplayFailure, type FailureReport, type ReplayProgress } from '../verdict/failure.js';
import { DEFAULT_MAX_LINE_BYTES } from '../input/line-reader.js';
import type { ModelName } from './model.js';
import { ModelRun, type ModelEnd } from './model-run.js';
import type { CompareMode } from '../compare/project.js';

export type { ModelEnd } from './model-run.js';

/** The worker's one message: where its model stopped. */
export type WorkerMessage = { readonly kind: 'end'; readonly end: ModelEnd };

/** The one message to the worker; the input itself goes through a shared ring, its end as a mark. */
export type MainMessage = { readonly kind: 'enough'; readonly line: number };

/** What the worker is started with. */
export interface BothWorkerData {
  readonly model: ModelName;
  readonly mode: CompareMode | undefined;
  readonly maxLineBytes: number;
  readonly ring: ChunkRing;
}

/**
 * Input the reader may have in flight to the worker (bounds memory): 8
 * slots of the 1 MiB chunks scripts/peering-replay-ts.ts reads a file in, so one chunk is
 * one slot (a pipe's 64 KiB chunks use part of one).
 */
const RING_SLOTS = 8;
const SLOT_BYTES = 1 << 20;

/** The position of an end, to find the earliest: an over-long line stops just before that line. */
function position(end: ModelEnd): number {
  switch (end.kind) {
    case 'failed':
      return end.line;
    case 'too-long':
      return end.line - 0.5;
    case 'clear':
      return end.line + 0.5;
    case 'end-failed':
      return Number.MAX_SAFE_INTEGER - 1;
    case 'passed':
      return Number.MAX_SAFE_INTEGER;
  }
}

function failureOf(end: ModelEnd & { report: FailureReport; progress: ReplayProgress }): ReplayFailure {
  const f = new ReplayFailure(end.report);
  f.progress = end.progress;
  return f;
}

/** The verdict of `both` from each model's end (BOTH_MODELS order: the Lean reference first). */
export function verdictOf(ends: ReadonlyMap<ModelName, ModelEnd>): ReplayStats {
  let first = Infinity;
  for (const end of ends.values()) first = Math.min(first, position(end));
  for (const end of ends.values()) {
    if (end.kind === 'too-long' && position(end) === first) throw malformed(end.line, `line longer than the ${end.limit}-byte limit (--max-line-bytes)`);
  }
  const failures = new Map<ModelName, ReplayFailure | undefined>();
  let failed = false;
  for (const [name, end] of ends) {
    const here = position(end) === first && (end.kind === 'failed' || end.kind === 'end-failed');
    failures.set(name, here ? failureOf(end) : undefined);
    failed ||= here;
  }
  if (failed) throw triage(failures);
  const stats = [...ends.values()].find((e) => e.kind === 'passed');
  if (stats === undefined || stats.kind !== 'passed') throw new Error('both: no model reached the end');
  return stats.stats;
}

const WORKER_URL = new URL('./both-worker.js', import.meta.url);

export interface ParallelBothOptions {
  readonly mode?: CompareMode;
  readonly maxLineBytes?: number;
  /** A heap limit for the Lean thread, in MB (V8's default, or --max-old-space-size, when absent). */
  readonly leanHeapMb?: number;
}

/** Why the Lean thread ended without a verdict. */
function threadDied(why: string): CheckerCrash {
  return new CheckerCrash(`the Lean checker thread died: ${why}`);
}

/** Replays `stream` under `both` on two threads; resolves and rejects as replayStream does. */
export async function replayBothParallel(stream: Readable, options: ParallelBothOptions = {}): Promise<ReplayStats> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const ring = newChunkRing(RING_SLOTS, SLOT_BYTES);
  const workerData: BothWorkerData = { model: 'lean', mode: options.mode, maxLineBytes, ring };
  const worker = new Worker(WORKER_URL, { workerData, ...(options.leanHeapMb === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: options.leanHeapMb } }) });
  const toLean = new RingWriter(ring);
  let leanEnd: ModelEnd | undefined;
  let cppEnd: ModelEnd | undefined;
  let crash: Error | undefined;
  const settled = new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    worker.on('message', (m: WorkerMessage) => {
      leanEnd = m.end;
      // The cpp side need not look past where Lean stopped.
      if (m.end.kind !== 'passed' && m.end.kind !== 'end-failed') cpp.enough(Math.ceil(position(m.end)));
      stop();
    });
    worker.on('error', (err) => {
      crash = threadDied(err.message);
      stop();
    });
    worker.on('exit', (code) => {
      if (leanEnd === undefined) crash ??= threadDied(`it exited with status ${code}`);
      stop();
    });
  });
  const cpp = new ModelRun('cpp', options.mode, maxLineBytes, (end) => {
    cppEnd = end;
    if (end.kind !== 'passed' && end.kind !== 'end-failed') worker.postMessage({ kind: 'enough', line: Math.ceil(position(end)) } satisfies MainMessage);
  });
  // Waits for a free slot without blocking this thread, so a worker that stopped or died is still heard.
  const leanListens = async (): Promise<boolean> => {
    while (leanEnd === undefined && crash === undefined && toLean.free() === 0) await Promise.race([toLean.room(), settled]);
    return leanEnd === undefined && crash === undefined;
  };
  try {
    for await (const chunk of stream) {
      if (crash !== undefined || (leanEnd !== undefined && cpp.done)) break;
      const bytes = chunk as Buffer;
      for (let from = 0; from < bytes.length && (await leanListens()); from += SLOT_BYTES) toLean.put(bytes.subarray(from, from + SLOT_BYTES));
      cpp.chunk(bytes);
      // Both have stopped, or the cpp side has passed where Lean stopped: the rest cannot matter.
      if (leanEnd !== undefined && (cpp.done || cpp.accepted >= position(leanEnd))) break;
    }
    if (crash === undefined) {
      if (await leanListens()) toLean.mark();
      if (leanEnd === undefined || !(cpp.accepted >= position(leanEnd))) cpp.eof();
      await settled;
    }
  } finally {
    void worker.terminate();
  }
  if (crash !== undefined) throw crash;
  cppEnd ??= { kind: 'clear', line: cpp.accepted };
  return verdictOf(
    new Map<ModelName, ModelEnd>([
      ['lean', leanEnd!],
      ['cpp', cppEnd],
    ]),
  );
}
