/**
 * Worker thread that runs in-process cycles on request from the driver. Its
 * `workerData` may make it one side of a pipeline (fuzz/cycle/pipeline.ts): a
 * producer, which also takes every ordinary request, or a consumer, which
 * only reads the shared ring.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RingReader, RingWriter, type ChunkRing } from '../../replay/input/chunk-ring.js';
import type { CycleConfig } from '../plan/campaign.js';
import { runInProcessCycle, writeTrace, type InProcessOptions } from './inprocess.js';
import { CycleConsumer, produceCycle } from './pipeline.js';
import { tuneV8ForShortRuns } from '../../tracegen/v8-tuning.js';

export type WorkerRequest =
  | { readonly kind: 'cycle'; readonly config: CycleConfig; readonly options: InProcessOptions; readonly traceTemp?: string }
  | { readonly kind: 'write-trace'; readonly config: CycleConfig; readonly path: string }
  /** Pipeline producers only: generate into the consumer and check the producer's part. */
  | { readonly kind: 'produce'; readonly config: CycleConfig; readonly options: InProcessOptions };

/** How a pipeline side is wired, in `workerData`. */
export type PipelineWiring =
  | { readonly role: 'producer'; readonly ring: ChunkRing }
  | { readonly role: 'consumer'; readonly ring: ChunkRing; readonly options: InProcessOptions };

// Flags are process-wide: the driver has set them already; a worker started another way sets them itself.
tuneV8ForShortRuns();

const wiring = workerData as PipelineWiring | undefined;

if (wiring?.role === 'consumer') consume(wiring.ring, wiring.options);

/** One verdict per cycle, at each mark; an error reaches the driver as this worker's 'error'. */
function consume(ring: ChunkRing, options: InProcessOptions): void {
  let cycle = new CycleConsumer(options);
  new RingReader(ring).follow(
    (bytes) => cycle.chunk(bytes),
    () => {
      parentPort!.postMessage({ kind: 'consumed', verdict: cycle.finish() });
      cycle = new CycleConsumer(options);
    },
  );
}

const producerRing = wiring?.role === 'producer' ? new RingWriter(wiring.ring) : undefined;

parentPort?.on('message', (request: WorkerRequest) => {
  try {
    if (request.kind === 'produce') {
      if (producerRing === undefined) throw new Error('a produce request needs a pipeline producer');
      parentPort!.postMessage({ kind: 'produced', verdict: produceCycle(request.config, request.options, producerRing) });
      return;
    }
    if (request.kind === 'write-trace') {
      writeTrace(request.config, request.path);
      parentPort!.postMessage({ kind: 'done' });
      return;
    }
    const outcome = runInProcessCycle(request.config, request.options);
    if (!outcome.ok && request.traceTemp !== undefined) {
      try {
        writeTrace(request.config, request.traceTemp);
      } catch (err) {
        // A full disk is an error of the record, never of the cycle.
        const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        parentPort!.postMessage({ kind: 'outcome', outcome: { ...outcome, traceError: `the trace could not be saved: ${code}` } });
        return;
      }
      parentPort!.postMessage({ kind: 'outcome', outcome: { ...outcome, traceTemp: request.traceTemp } });
      return;
    }
    parentPort!.postMessage({ kind: 'outcome', outcome });
  } catch (err) {
    parentPort!.postMessage({ kind: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
