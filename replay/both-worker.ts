/** The Lean side of `--model both` on two threads (replay/parallel-both.ts): checks the chunks it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import type { ModelName } from './model.js';
import { ModelRun } from './model-run.js';
import type { MainMessage, WorkerMessage } from './parallel-both.js';
import type { CompareMode } from './project.js';
import { tuneV8ForShortRuns } from '../tracegen/v8-tuning.js';

tuneV8ForShortRuns();

const { model, mode, maxLineBytes } = workerData as { model: ModelName; mode: CompareMode | undefined; maxLineBytes: number };
const post = (m: WorkerMessage): void => parentPort!.postMessage(m);
const run = new ModelRun(model, mode, maxLineBytes, (end) => post({ kind: 'end', end }));

parentPort!.on('message', (m: MainMessage) => {
  if (m instanceof Uint8Array) {
    // Every chunk is acknowledged, checked or not: the reader's window depends on it.
    run.chunk(Buffer.from(m.buffer, m.byteOffset, m.byteLength));
    post({ kind: 'ack' });
  } else if (m.kind === 'enough') {
    run.enough(m.line);
  } else {
    run.eof();
  }
});
