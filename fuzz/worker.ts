/**
 * Worker thread that runs in-process cycles on request from the driver. Its
 * `workerData` may make it one side of a pipeline (fuzz/pipeline.ts): a
 * producer, which also takes every ordinary request, or a consumer, which
 * only reads its port.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { CycleConfig } from './campaign.js';
import { runInProcessCycle, writeTrace, type InProcessOptions } from './inprocess.js';
import { CycleConsumer, produceCycle, type FlowCounters } from './pipeline.js';
import { tuneV8ForShortRuns } from '../tracegen/v8-tuning.js';

export type WorkerRequest =
  | { readonly kind: 'cycle'; readonly config: CycleConfig; readonly options: InProcessOptions; readonly traceTemp?: string }
  | { readonly kind: 'write-trace'; readonly config: CycleConfig; readonly path: string }
  /** Pipeline producers only: generate into the consumer and check the producer's part. */
  | { readonly kind: 'produce'; readonly config: CycleConfig; readonly options: InProcessOptions };

/** How a pipeline side is wired, in `workerData`. */
export type PipelineWiring =
  | { readonly role: 'producer'; readonly port: MessagePort; readonly flow: FlowCounters }
  | { readonly role: 'consumer'; readonly port: MessagePort; readonly flow: FlowCounters; readonly options: InProcessOptions };

// Flags are process-wide: the driver has set them already; a worker started another way sets them itself.
tuneV8ForShortRuns();

const wiring = workerData as PipelineWiring | undefined;

if (wiring?.role === 'consumer') {
  // One verdict per cycle, at each 'end'; an error escapes to the driver as the worker's 'error'.
  let cycle = new CycleConsumer(wiring.options, wiring.flow);
  wiring.port.on('message', (message: Uint8Array | 'end') => {
    if (message !== 'end') return cycle.chunk(message);
    parentPort!.postMessage({ kind: 'consumed', verdict: cycle.finish() });
    cycle = new CycleConsumer(wiring.options, wiring.flow);
  });
}

parentPort?.on('message', (request: WorkerRequest) => {
  try {
    if (request.kind === 'produce') {
      if (wiring?.role !== 'producer') throw new Error('a produce request needs a pipeline producer');
      parentPort!.postMessage({ kind: 'produced', verdict: produceCycle(request.config, request.options, wiring.port, wiring.flow) });
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
