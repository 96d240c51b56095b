/** Worker for test/replay/input/chunk-ring.test.ts: writes `units` of seeded bytes through a ring, each unit in chunks of seeded sizes. */
import { parentPort, workerData } from 'node:worker_threads';
import { RingWriter, type ChunkRing } from '../../../replay/input/chunk-ring.js';

export interface RingWriterJob {
  readonly ring: ChunkRing;
  readonly units: number;
  readonly seed: number;
}

/** A small LCG: the test rebuilds the same bytes on its side. */
export function unitBytes(seed: number, unit: number): Uint8Array {
  let x = (seed * 7919 + unit * 104729) >>> 0;
  const next = (): number => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0);
  const out = new Uint8Array(next() % 3000);
  for (let i = 0; i < out.length; i++) out[i] = next() & 0xff;
  return out;
}

export function chunkSizes(seed: number, unit: number, total: number): number[] {
  let x = (seed * 31 + unit) >>> 0;
  const sizes: number[] = [];
  for (let left = total; left > 0; ) {
    x = (Math.imul(x, 22695477) + 1) >>> 0;
    const n = Math.min(left, 1 + (x % 700));
    sizes.push(n);
    left -= n;
  }
  return sizes;
}

if (parentPort !== null && workerData !== undefined) {
  const job = workerData as RingWriterJob;
  const writer = new RingWriter(job.ring);
  for (let unit = 0; unit < job.units; unit++) {
    const bytes = unitBytes(job.seed, unit);
    let at = 0;
    for (const n of chunkSizes(job.seed, unit, bytes.length)) {
      writer.put(bytes.subarray(at, at + n));
      at += n;
    }
    writer.mark();
  }
  parentPort.postMessage('done');
}
