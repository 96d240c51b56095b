/**
 * Where chunks are expanded: in this thread (`--jobs 1`), or by worker
 * processes, one chunk each at a time (`--jobs N`), and which chunk each
 * takes next. Each worker keeps its own expander (alphabet memo, replay
 * stack, reported fingerprints) for the whole search, so what it learnt on
 * one chunk speeds up the next; that is why each works through its own
 * stretch of the frontier (LanePlan).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Expander, type ChunkResult, type ExpandTask } from './expander.js';
import type { Scope } from './scope.js';
import type { ShardChoice } from './shard.js';

/** Where chunks are expanded: this thread, or a pool of workers, each a slot. */
export interface ChunkRunner {
  /** Slots, 0 to capacity - 1: chunks it can work on at once. */
  readonly capacity: number;
  /** Expands the chunk on `slot`, which must be free. */
  run(task: ExpandTask, slot: number): Promise<ChunkResult>;
  /** CPU milliseconds spent in other processes so far (this process's own are process.cpuUsage()'s). */
  cpuElsewhereMs(): number;
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

  cpuElsewhereMs(): number {
    return 0;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

const CHILD_PATH = fileURLToPath(new URL('./exhaust-worker.js', import.meta.url));

/**
 * How each child node starts. --single-threaded-gc: with every core
 * running a child, V8's parallel and concurrent GC helpers only take turns
 * with the children they serve (threads in one process could not have it:
 * V8 takes the flag only at start). A 16 MB semi-space (a 48 MB young
 * generation): fewer scavenges. docs/exhaust.md has the figures.
 */
const CHILD_NODE_OPTIONS = ['--single-threaded-gc', '--max-semi-space-size=16'];

/** What a child sends back: the reply, and the CPU it has used so far (for the report's cpu_seconds). */
export type ChildReply = WorkerReply & { readonly cpuMs: number };

/** What the search sends a child: its setup once, then one chunk at a time. */
export type ChildMessage = { readonly kind: 'setup'; readonly setup: WorkerSetup } | { readonly kind: 'task'; readonly task: ExpandTask };

interface ChildSlot {
  readonly child: ChildProcess;
  busy: boolean;
  cpuMs: number;
  settle: ((reply: WorkerReply) => void) | undefined;
}

/**
 * `--jobs N`: N child processes, one chunk each at a time. Processes rather
 * than worker threads for the start flags above (10% less wall time for
 * `--jobs 2` here, docs/exhaust.md). A child ignores Ctrl-C (the search
 * finishes the chunks in flight and stops it) and exits when the search
 * goes away.
 */
export class ProcessRunner implements ChunkRunner {
  private readonly slots: ChildSlot[];

  constructor(
    readonly capacity: number,
    setup: WorkerSetup,
  ) {
    this.slots = Array.from({ length: capacity }, () => this.start(setup));
  }

  private start(setup: WorkerSetup): ChildSlot {
    // The children open no TLS connection: reading the CA bundle would only slow their start.
    const { NODE_EXTRA_CA_CERTS: _unused, ...env } = process.env;
    const child = fork(CHILD_PATH, [], { execArgv: CHILD_NODE_OPTIONS, serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env });
    const slot: ChildSlot = { child, busy: false, cpuMs: 0, settle: undefined };
    const settle = (reply: WorkerReply): void => {
      const s = slot.settle;
      slot.settle = undefined;
      s?.(reply);
    };
    child.on('message', (reply: ChildReply) => {
      slot.cpuMs = reply.cpuMs;
      settle(reply);
    });
    child.on('error', (err: Error) => settle({ kind: 'error', message: err.message }));
    child.on('exit', (code, signal) => settle({ kind: 'error', message: `exhaust worker exited with ${code ?? signal}` }));
    child.send({ kind: 'setup', setup } satisfies ChildMessage);
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
      slot.child.send({ kind: 'task', task } satisfies ChildMessage);
    });
  }

  cpuElsewhereMs(): number {
    return this.slots.reduce((sum, s) => sum + s.cpuMs, 0);
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => stopChild(s.child)));
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

export function createRunner(jobs: number, setup: WorkerSetup): ChunkRunner {
  return jobs <= 1 ? new InThreadRunner(setup) : new ProcessRunner(jobs, setup);
}
