/**
 * Where chunks are expanded: in this thread (`--jobs 1`), or by worker
 * threads, one chunk each at a time (`--jobs N`), and which chunk each
 * takes next. Each worker keeps its own expander (alphabet memo, replay
 * stack, reported fingerprints) for the whole search, so what it learnt on
 * one chunk speeds up the next; that is why each works through its own
 * stretch of the frontier (LanePlan).
 */
import { Worker } from 'node:worker_threads';
import { Expander, type ChunkResult, type ExpandTask } from './expander.js';
import type { Scope } from './scope.js';
import type { ShardChoice } from './shard.js';

/** Where chunks are expanded: this thread, or a pool of workers, each a slot. */
export interface ChunkRunner {
  /** Slots, 0 to capacity - 1: chunks it can work on at once. */
  readonly capacity: number;
  /** Expands the chunk on `slot`, which must be free. */
  run(task: ExpandTask, slot: number): Promise<ChunkResult>;
  close(): Promise<void>;
}

/**
 * The order chunks go to slots within one depth. Each slot gets a lane, a
 * contiguous stretch of the chunks, and takes them in order: neighbouring
 * states share prefixes and snapshot fields, so the slot's replay stack
 * and alphabet memo serve them (dealing chunks round-robin made each
 * worker enumerate half as much again). A slot whose lane is done takes the
 * back half of the fullest lane left, so no slot idles while work remains.
 * Results are merged in chunk order whatever the order here (search.ts).
 */
export class LanePlan {
  private readonly next: number[] = [];
  private readonly end: number[] = [];

  constructor(chunks: number, slots: number) {
    for (let s = 0; s < slots; s++) {
      this.next.push(Math.floor((chunks * s) / slots));
      this.end.push(Math.floor((chunks * (s + 1)) / slots));
    }
  }

  /** The next chunk for `slot`, or undefined when every chunk is taken. */
  take(slot: number): number | undefined {
    if (this.next[slot]! >= this.end[slot]!) this.steal(slot);
    if (this.next[slot]! >= this.end[slot]!) return undefined;
    return this.next[slot]!++;
  }

  /** Moves the back half of the fullest lane to `slot`'s (empty) lane. */
  private steal(slot: number): void {
    let victim = -1;
    for (let s = 0; s < this.next.length; s++) if (this.end[s]! - this.next[s]! > (victim < 0 ? 0 : this.end[victim]! - this.next[victim]!)) victim = s;
    if (victim < 0) return;
    const left = this.end[victim]! - this.next[victim]!;
    const cut = this.next[victim]! + Math.floor(left / 2);
    this.next[slot] = cut;
    this.end[slot] = this.end[victim]!;
    this.end[victim] = cut;
  }
}

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
    // One slot only. Let signals and timers in between chunks.
    await new Promise((resolve) => setImmediate(resolve));
    return this.expander.expand(task);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

const WORKER_URL = new URL('./exhaust-worker.js', import.meta.url);

/**
 * A young generation bigger than V8's default for each worker: fewer
 * scavenges, whose helper threads would otherwise compete with the other
 * worker for the same cores (5% less wall time for `--jobs 2` here; one
 * thread alone gains about 2% from it, within noise).
 */
const WORKER_YOUNG_GENERATION_MB = 48;

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
    const slot: Slot = { worker: new Worker(WORKER_URL, { workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } }), busy: false, settle: undefined };
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

  run(task: ExpandTask, index: number): Promise<ChunkResult> {
    const slot = this.slots[index];
    if (slot === undefined || slot.busy) return Promise.reject(new Error(`exhaust: worker ${index} is busy or does not exist`));
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
