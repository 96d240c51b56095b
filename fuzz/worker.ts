/** Worker thread that runs in-process cycles on request from the driver. */
import { parentPort } from 'node:worker_threads';
import type { CycleConfig } from './campaign.js';
import { runInProcessCycle, writeTrace, type InProcessOptions } from './inprocess.js';
import { tuneV8ForShortRuns } from '../tracegen/v8-tuning.js';

export type WorkerRequest =
  | { readonly kind: 'cycle'; readonly config: CycleConfig; readonly options: InProcessOptions; readonly traceTemp?: string }
  | { readonly kind: 'write-trace'; readonly config: CycleConfig; readonly path: string };

// Flags are process-wide: the driver has set them already; a worker started another way sets them itself.
tuneV8ForShortRuns();

parentPort?.on('message', (request: WorkerRequest) => {
  try {
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
