/**
 * The shared ring a fuzz pipeline passes a cycle's bytes through
 * (replay/input/chunk-ring.ts): every byte arrives once, in order, with the marks
 * between units where they were put, across threads and past the point
 * where its int32 counters wrap.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { newChunkRing, RingReader, RingWriter } from '../../../replay/input/chunk-ring.js';
import { chunkSizes, unitBytes, type RingWriterJob } from './chunk-ring-writer.js';

/** Drains what is there into `units` (bytes of the unit being read at the end). */
function drainInto(reader: RingReader, units: Buffer[][]): void {
  reader.drain(
    (bytes) => units[units.length - 1]!.push(Buffer.from(bytes)),
    () => units.push([]),
  );
}

describe('chunk ring', () => {
  it('hands over chunks and marks in order, a chunk larger than a slot in pieces', () => {
    const ring = newChunkRing(8, 16);
    const writer = new RingWriter(ring);
    const reader = new RingReader(ring);
    const units: Buffer[][] = [[]];
    writer.put(Buffer.from('hello '));
    writer.put(Buffer.from('a chunk of forty bytes, three slots long'));
    writer.mark();
    writer.put(Buffer.from('second'));
    drainInto(reader, units);
    assert.deepEqual(
      units.map((u) => u.map((b) => b.toString())),
      [['hello ', 'a chunk of forty', ' bytes, three sl', 'ots long'], ['second']],
    );
  });

  it('keeps working where its counters wrap past 2^31', () => {
    const ring = newChunkRing(4, 8);
    const control = new Int32Array(ring.control);
    control[0] = control[1] = 2 ** 31 - 3;
    const writer = new RingWriter(ring);
    const reader = new RingReader(ring);
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) {
      writer.put(Buffer.from(`c${i}`));
      if (i % 3 === 2) writer.mark();
      reader.drain(
        (bytes) => seen.push(bytes.toString()),
        () => seen.push('|'),
      );
    }
    assert.ok(control[0]! < 0, 'the sent counter should have wrapped');
    assert.equal(seen.join(' '), 'c0 c1 c2 | c3 c4 c5 | c6 c7 c8 | c9 c10 c11 | c12 c13 c14 | c15 c16 c17 | c18 c19');
  });

  it('gives a slot back even when its reader throws', () => {
    const ring = newChunkRing(2, 8);
    const writer = new RingWriter(ring);
    const reader = new RingReader(ring);
    writer.put(Buffer.from('bad'));
    writer.put(Buffer.from('good'));
    assert.throws(() => reader.drain(() => assert.fail('boom'), () => undefined), /boom/);
    const rest: string[] = [];
    reader.drain((b) => rest.push(b.toString()), () => undefined);
    assert.deepEqual(rest, ['good']);
    // Both slots are free again: two more puts do not block.
    writer.put(Buffer.from('x'));
    writer.put(Buffer.from('y'));
  });

  it('room() waits for a free slot without blocking the thread', async () => {
    const ring = newChunkRing(2, 8);
    const writer = new RingWriter(ring);
    const reader = new RingReader(ring);
    writer.put(Buffer.from('a'));
    writer.put(Buffer.from('b'));
    assert.equal(writer.free(), 0);
    let roomy = false;
    const room = writer.room().then(() => (roomy = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(roomy, false, 'a full ring has no room');
    const got: string[] = [];
    reader.drain((b) => got.push(b.toString()), () => undefined);
    await room;
    assert.deepEqual(got, ['a', 'b']);
    assert.equal(writer.free(), 2);
  });

  it('follow(): a reader callback that throws ends its thread with an error event', async () => {
    const ring = newChunkRing(2, 8);
    const worker = new Worker(new URL('./chunk-ring-reader.js', import.meta.url), { workerData: ring });
    const failed = new Promise<Error>((resolve) => worker.once('error', resolve));
    new RingWriter(ring).put(Buffer.from('x'));
    try {
      assert.match((await failed).message, /reader failed on x/);
    } finally {
      await worker.terminate();
    }
  });

  it('refuses sizes it cannot index', () => {
    for (const [slots, bytes] of [
      [3, 8],
      [1, 8],
      [0, 8],
      [4, 0],
      [1 << 17, 8],
      [4.5, 8],
    ] as const) {
      assert.throws(() => newChunkRing(slots, bytes), RangeError, `${slots} × ${bytes}`);
    }
  });

  it('carries 200 units from a writer thread through 4 small slots, byte for byte', async () => {
    const ring = newChunkRing(4, 512);
    const job: RingWriterJob = { ring, units: 200, seed: 7 };
    const worker = new Worker(new URL('./chunk-ring-writer.js', import.meta.url), { workerData: job });
    const failed = new Promise<never>((_, reject) => worker.once('error', reject));
    const reader = new RingReader(ring);
    const units: Buffer[][] = [[]];
    try {
      while (units.length <= job.units) {
        drainInto(reader, units);
        // The writer blocks on a full ring: only reading lets it go on.
        if (units.length <= job.units) await Promise.race([reader.ready(), failed]);
      }
    } finally {
      await worker.terminate();
    }
    assert.equal(units.pop()!.length, 0, 'nothing after the last mark');
    units.forEach((chunks, unit) => {
      const expected = unitBytes(job.seed, unit);
      assert.deepEqual(Buffer.concat(chunks), Buffer.from(expected), `unit ${unit}`);
      // Chunks of up to 700 bytes through 512-byte slots: the larger ones were split.
      assert.equal(chunks.length, chunkSizes(job.seed, unit, expected.length).reduce((n, size) => n + Math.ceil(size / 512), 0));
    });
  });
});
