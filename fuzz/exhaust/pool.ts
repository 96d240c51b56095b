/**
 * Where chunks are expanded: in this thread (`--jobs 1`), or by worker
 * threads, one chunk each at a time (`--jobs N`). Each worker keeps its own
 * expander (alphabet memo, replay stack, reported fingerprints) for the
 * whole search, so what it learnt on one chunk speeds up the next.
 */
import { Worker } from 'node:worker_threads';
import { Expander, type ChunkResult, type ExpandTask } from './expander.js';
import type { Scope } from './scope.js';
import type { ChunkRunner } from './search.js';
import type { ShardChoice } from './shard.js';

/** What a worker is started with. */
export interface WorkerSetup {
  readonly scope: Scope;
  readonly shard: ShardChoice;
}

export type WorkerReply = { readonly kind: 'result'; readonly result: ChunkResult } | { readonly kind: 'error'; readonly message: string };

export class InThreadRunner implements ChunkRunner {
  readonly capacity = 1;
  private readonly expander: Expander;

  constructor(setup: WorkerSetup) {
    this.expander = new Expander(setup.scope, setup.shard);
  }

  async run(task: ExpandTask): Promise<ChunkResult> {
    // Let signals and timers in between chunks.
    await new Promise((resolve) => setImmediate(resolve));
    return this.expander.expand(task);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

const WORKER_URL = new URL('./exhaust-worker.js', import.meta.url);

interface Slot {
  readonly worker: Worker;
  busy: boolean;
  settle: ((reply: WorkerReply) => void) | undefined;
}

export class WorkerRunner implements ChunkRunner {
  private readonly slots: Slot[];

  constructor(
    readonly capacity: number,
    setup: WorkerSetup,
  ) {
    this.slots = Array.from({ length: capacity }, () => this.start(setup));
  }

  private start(setup: WorkerSetup): Slot {
    const slot: Slot = { worker: new Worker(WORKER_URL, { workerData: setup }), busy: false, settle: undefined };
    const fail = (message: string) => {
      const settle = slot.settle;
      slot.settle = undefined;
      settle?.({ kind: 'error', message });
    };
    slot.worker.on('message', (reply: WorkerReply) => {
      const settle = slot.settle;
      slot.settle = undefined;
      settle?.(reply);
    });
    slot.worker.on('error', (err: Error) => fail(err.stack ?? err.message));
    slot.worker.on('exit', (code: number) => fail(`exhaust worker exited with ${code}`));
    return slot;
  }

  run(task: ExpandTask): Promise<ChunkResult> {
    const slot = this.slots.find((s) => !s.busy);
    if (slot === undefined) return Promise.reject(new Error('exhaust: more chunks in flight than workers'));
    slot.busy = true;
    return new Promise<ChunkResult>((resolve, reject) => {
      slot.settle = (reply) => {
        slot.busy = false;
        if (reply.kind === 'result') resolve(reply.result);
        else reject(new Error(reply.message.split('\n')[0]));
      };
      slot.worker.postMessage(task, [task.paths.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

export function createRunner(jobs: number, setup: WorkerSetup): ChunkRunner {
  return jobs <= 1 ? new InThreadRunner(setup) : new WorkerRunner(jobs, setup);
}
