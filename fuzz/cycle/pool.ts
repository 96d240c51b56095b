/**
 * Worker threads that run in-process cycles, one cycle per slot at a time. A
 * `WorkerSlot` is one thread running whole cycles; a `Pipeline` is two
 * threads sharing each cycle (fuzz/cycle/pipeline.ts), behind `PIPELINE_LANES` slots.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { ChunkRing } from '../../replay/input/chunk-ring.js';
import type { ModelChoice } from '../../replay/models/model.js';
import type { CycleOutcome } from './outcome.js';
import { newPipelineRing, type ConsumerVerdict, type ProducerVerdict } from './pipeline.js';
import type { InProcessOptions } from './inprocess.js';
import type { PipelineWiring, WorkerRequest } from './worker.js';

export type SlotReply =
  | { readonly kind: 'outcome'; readonly outcome: CycleOutcome }
  | { readonly kind: 'produced'; readonly verdict: ProducerVerdict }
  | { readonly kind: 'done' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'interrupted' }
  | { readonly kind: 'error'; readonly message: string };

const WORKER_URL = new URL('./worker.js', import.meta.url);

/**
 * Cycles one pipeline has in flight. Cycle sizes vary, so with two the
 * producer often sat idle waiting for the consumer's verdict on a short
 * cycle before it could start the next one; the shared ring bounds how far
 * ahead a third lets it run (docs/performance.md).
 */
export const PIPELINE_LANES = 3;

/** Where the driver sends a cycle. */
export interface CycleSlot {
  run(request: WorkerRequest, timeoutMs: number, signal: AbortSignal): Promise<SlotReply>;
  close(): Promise<void>;
}

export class WorkerSlot implements CycleSlot {
  private worker: Worker | undefined;

  /** `wiring` is given to each worker this slot starts (a pipeline producer's ring). */
  constructor(private readonly wiring?: () => WorkerOptions) {}

  /** Runs one request; a timeout or an abort terminates the worker (a fresh one serves the next request). */
  run(request: WorkerRequest, timeoutMs: number, signal: AbortSignal): Promise<SlotReply> {
    if (signal.aborted) return Promise.resolve({ kind: 'interrupted' });
    const worker = (this.worker ??= new Worker(WORKER_URL, this.wiring?.()));
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

/**
 * Two threads sharing each cycle: the producer generates and checks its
 * part, the consumer checks the rest from the producer's bytes. It serves
 * `PIPELINE_LANES` lanes, so the producer can start the next cycles while
 * the consumer finishes the last one. A pass needs both verdicts; anything else runs
 * again whole on the producer, whose outcome (triage, saved trace) is then
 * exactly that of one thread.
 */
export class Pipeline {
  private producer!: WorkerSlot;
  private consumer: Worker | undefined;
  private ring!: ChunkRing;
  private consumerKey = '';
  /** Verdicts the consumer owes, in the order their cycles were produced. */
  private owed: ((reply: ConsumerReply) => void)[] = [];
  /** Bumped by every stop, so a cycle caught in another's stop is rerun, not blamed. */
  private epoch = 0;
  private producerTurn: Promise<unknown> = Promise.resolve();

  constructor() {
    this.rewire();
  }

  /** The slots in front of this pipeline (one cycle each in flight). */
  lanes(): CycleSlot[] {
    return Array.from({ length: PIPELINE_LANES }, () => ({ run: (request, timeoutMs, signal) => this.run(request, timeoutMs, signal), close: () => this.close() }));
  }

  /** A fresh ring for the next pair of workers (after a stop, both go). */
  private rewire(): void {
    const ring = newPipelineRing();
    const producer: PipelineWiring = { role: 'producer', ring };
    this.producer = new WorkerSlot(() => ({ workerData: producer }));
    this.ring = ring;
  }

  /** One producer request at a time, in the order asked. */
  private withProducer<T>(action: () => Promise<T>): Promise<T> {
    const turn = this.producerTurn.then(action, action);
    this.producerTurn = turn.catch(() => undefined);
    return turn;
  }

  private async stop(): Promise<void> {
    this.epoch++;
    const consumer = this.consumer;
    const owed = this.owed;
    this.consumer = undefined;
    this.owed = [];
    for (const settle of owed) settle({ kind: 'error', message: 'pipeline stopped' });
    await Promise.all([this.producer.close(), consumer?.terminate()]);
    this.rewire();
  }

  private startConsumer(options: InProcessOptions): Worker {
    const wiring: PipelineWiring = { role: 'consumer', ring: this.ring, options };
    const consumer = new Worker(WORKER_URL, { workerData: wiring });
    const failAll = (message: string): void => {
      const owed = this.consumer === consumer ? this.owed : [];
      if (this.consumer === consumer) this.owed = [];
      for (const settle of owed) settle({ kind: 'error', message });
    };
    consumer.on('message', (m: { kind: 'consumed'; verdict: ConsumerVerdict }) => {
      if (this.consumer === consumer) this.owed.shift()?.(m);
    });
    consumer.on('error', (err: Error) => failAll(err.stack ?? err.message));
    consumer.on('exit', (code: number) => failAll(`worker exited with ${code}`));
    return consumer;
  }

  private async run(request: WorkerRequest, timeoutMs: number, signal: AbortSignal): Promise<SlotReply> {
    if (request.kind !== 'cycle') return this.withProducer(() => this.producer.run(request, timeoutMs, signal));
    const step = await this.withProducer(async () => {
      const key = JSON.stringify(request.options);
      if (this.consumer !== undefined && key !== this.consumerKey) await this.stop();
      this.consumerKey = key;
      this.consumer ??= this.startConsumer(request.options);
      const epoch = this.epoch;
      const consumed = new Promise<ConsumerReply>((resolve) => this.owed.push(resolve));
      const started = Date.now();
      const produced = await this.producer.run({ kind: 'produce', config: request.config, options: request.options }, timeoutMs, signal);
      // The producer's worker is gone (timeout, abort, crash): so goes the pair.
      if (produced.kind !== 'produced') await this.stop();
      return { produced, consumed, epoch, started };
    });
    const { produced, consumed, epoch, started } = step;
    if (produced.kind !== 'produced') return produced;
    const left = timeoutMs > 0 ? Math.max(1, timeoutMs - (Date.now() - started)) : 0;
    const verdict = await settleWithin(consumed, left, signal);
    if (signal.aborted) return { kind: 'interrupted' };
    if (verdict.kind === 'consumed' && produced.verdict.ok && verdict.verdict.ok) {
      const outcome: CycleOutcome = {
        config: request.config,
        ok: true,
        events: produced.verdict.events,
        coverage: verdict.verdict.coverage,
        generatorExit: 0,
        replayerExit: 0,
        generatorStderr: '',
        replayerStderr: '',
      };
      return { kind: 'outcome', outcome };
    }
    if (verdict.kind !== 'consumed' && this.epoch === epoch) {
      // This cycle's own consumer failed or ran out of time: report it as a whole cycle would.
      await this.withProducer(() => this.stop());
      return verdict;
    }
    // A failure (or a stop for another cycle's sake): the whole cycle on one thread decides.
    return this.withProducer(() => this.producer.run(request, timeoutMs, signal));
  }

  async close(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await Promise.all([this.producer.close(), consumer?.terminate()]);
  }
}

type ConsumerReply = { readonly kind: 'consumed'; readonly verdict: ConsumerVerdict } | Exclude<SlotReply, { kind: 'outcome' | 'produced' }>;

/** `reply`, unless `ms` (when > 0) pass or `signal` aborts first. */
function settleWithin(reply: Promise<ConsumerReply>, ms: number, signal: AbortSignal): Promise<ConsumerReply> {
  if (signal.aborted) return Promise.resolve({ kind: 'interrupted' });
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = (r: ConsumerReply): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const onAbort = (): void => finish({ kind: 'interrupted' });
    if (ms > 0) timer = setTimeout(() => finish({ kind: 'timeout' }), ms);
    signal.addEventListener('abort', onAbort, { once: true });
    void reply.then(finish);
  });
}

/**
 * The slots for `jobs` threads running in-process cycles: pairs of threads
 * share a cycle as a pipeline, and an odd thread runs whole cycles.
 */
export function createSlots(jobs: number, inProcess: boolean, model: ModelChoice): CycleSlot[] {
  // Only `both` has two halves of like weight; a single model left the generator alone on one side (measured).
  if (!inProcess || model !== 'both' || jobs < 2) return Array.from({ length: jobs }, () => new WorkerSlot());
  const slots: CycleSlot[] = [];
  for (let i = 0; i < Math.floor(jobs / 2); i++) slots.push(...new Pipeline().lanes());
  if (jobs % 2 === 1) slots.push(new WorkerSlot());
  return slots;
}
