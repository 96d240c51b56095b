/** Worker threads that run in-process cycles, one cycle per worker at a time. */
import { Worker } from 'node:worker_threads';
import type { CycleOutcome } from './outcome.js';
import type { WorkerRequest } from './worker.js';

export type SlotReply =
  | { readonly kind: 'outcome'; readonly outcome: CycleOutcome }
  | { readonly kind: 'done' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'interrupted' }
  | { readonly kind: 'error'; readonly message: string };

const WORKER_URL = new URL('./worker.js', import.meta.url);

export class WorkerSlot {
  private worker: Worker | undefined;

  /** Runs one request; a timeout or an abort terminates the worker (a fresh one serves the next request). */
  run(request: WorkerRequest, timeoutMs: number, signal: AbortSignal): Promise<SlotReply> {
    if (signal.aborted) return Promise.resolve({ kind: 'interrupted' });
    const worker = (this.worker ??= new Worker(WORKER_URL));
    return new Promise<SlotReply>((resolve) => {
      let settled = false;
      const finish = (reply: SlotReply, kill: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (kill) {
          this.worker = undefined;
          void worker.terminate();
        }
        resolve(reply);
      };
      const onMessage = (reply: SlotReply): void => finish(reply, false);
      const onError = (err: Error): void => finish({ kind: 'error', message: err.stack ?? err.message }, true);
      const onExit = (code: number): void => finish({ kind: 'error', message: `worker exited with ${code}` }, true);
      const onAbort = (): void => finish({ kind: 'interrupted' }, true);
      const timer = timeoutMs > 0 ? setTimeout(() => finish({ kind: 'timeout' }, true), timeoutMs) : undefined;
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      signal.addEventListener('abort', onAbort, { once: true });
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w !== undefined) await w.terminate();
  }
}
