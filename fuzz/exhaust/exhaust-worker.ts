/** A worker thread of `replay-fuzz exhaust --jobs N`: expands the chunks the search sends (pool.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { tuneV8ForShortRuns } from '../../tracegen/v8-tuning.js';
import { Expander, type ExpandTask } from './expander.js';
import type { WorkerReply, WorkerSetup } from './pool.js';

tuneV8ForShortRuns();

const setup = workerData as WorkerSetup;
const expander = new Expander(setup.scope, setup.shard);

parentPort!.on('message', (task: ExpandTask) => {
  let reply: WorkerReply;
  try {
    reply = { kind: 'result', result: expander.expand(task) };
  } catch (err) {
    reply = { kind: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  const transfer = reply.kind === 'result' ? [reply.result.transitions.buffer, reply.result.found.buffer] : [];
  parentPort!.postMessage(reply, transfer as ArrayBuffer[]);
});
