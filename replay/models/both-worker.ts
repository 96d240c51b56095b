/** The Lean side of `--model both` on two threads (replay/models/parallel-both.ts): checks the input from the shared ring. */
import { parentPort, workerData } from 'node:worker_threads';
import { RingReader } from '../input/chunk-ring.js';
import { ModelRun } from './model-run.js';
import type { BothWorkerData, MainMessage, WorkerMessage } from './parallel-both.js';
import { tuneV8ForShortRuns } from '../../tracegen/v8-tuning.js';

tuneV8ForShortRuns();

const { model, mode, maxLineBytes, ring } = workerData as BothWorkerData;
const post = (m: WorkerMessage): void => parentPort!.postMessage(m);
const run = new ModelRun(model, mode, maxLineBytes, (end) => post({ kind: 'end', end }));

parentPort!.on('message', (m: MainMessage) => run.enough(m.line));

// Every chunk is taken, checked or not: the reader waits on free slots. The mark is the end of the input.
new RingReader(ring).follow(
  (bytes) => run.chunk(bytes),
  () => run.eof(),
);
