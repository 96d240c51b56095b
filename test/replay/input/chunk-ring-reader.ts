/** Worker for test/replay/input/chunk-ring.test.ts: follows a ring and fails on the first chunk it is handed. */
import { workerData } from 'node:worker_threads';
import { RingReader, type ChunkRing } from '../../../replay/input/chunk-ring.js';

new RingReader(workerData as ChunkRing).follow(
  (bytes) => {
    throw new Error(`reader failed on ${bytes.toString()}`);
  },
  () => undefined,
);
