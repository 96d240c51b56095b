/**
 * A ring of byte chunks in shared memory, from one writer thread to one
 * reader thread. It replaces a `postMessage` per chunk: no buffer is
 * allocated, transferred or collected per chunk, only copied once into its
 * slot (docs/performance.md has the figures).
 *
 * The control words are counters that only grow: `sent` is written by the
 * writer alone, `taken` by the reader alone. A slot's length is written
 * before `sent` moves past it, and the slot is not written again until
 * `taken` has moved past it, so neither side ever sees a half-written slot.
 * A length of -1 is a mark: the end of a unit of chunks (one fuzz cycle).
 * Counters wrap as int32 (`| 0`), so slot counts are powers of two.
 */

const SENT = 0;
const TAKEN = 1;
const LENGTHS = 2;
const MARK = -1;

/** What both threads share; a plain object of SharedArrayBuffers, so it can go in `workerData`. */
export interface ChunkRing {
  readonly data: SharedArrayBuffer;
  readonly control: SharedArrayBuffer;
  readonly slots: number;
  readonly slotBytes: number;
}

export function newChunkRing(slots: number, slotBytes: number): ChunkRing {
  if (!(Number.isInteger(slots) && slots >= 2 && (slots & (slots - 1)) === 0 && slots <= 1 << 16 && Number.isInteger(slotBytes) && slotBytes >= 1)) {
    throw new RangeError(`a chunk ring needs a power of two of slots (2 to 65536) of at least 1 byte (got ${slots} × ${slotBytes})`);
  }
  return {
    data: new SharedArrayBuffer(slots * slotBytes),
    control: new SharedArrayBuffer((LENGTHS + slots) * 4),
    slots,
    slotBytes,
  };
}

/** The writer's side: `put` blocks while the reader is `slots` chunks behind. */
export class RingWriter {
  private readonly data: Uint8Array;
  private readonly control: Int32Array;
  private sent: number;

  constructor(private readonly ring: ChunkRing) {
    this.data = new Uint8Array(ring.data);
    this.control = new Int32Array(ring.control);
    this.sent = Atomics.load(this.control, SENT);
  }

  /** Copies `bytes` into the next slot, or slots: a chunk larger than a slot goes in slot-sized pieces. */
  put(bytes: Uint8Array): void {
    const size = this.ring.slotBytes;
    for (let from = 0; from < bytes.length; from += size) {
      const piece = bytes.subarray(from, Math.min(from + size, bytes.length));
      const slot = this.claim();
      this.data.set(piece, slot * size);
      this.publish(slot, piece.length);
    }
  }

  /** Ends a unit: the reader's `onMark` runs once every chunk before it is read. */
  mark(): void {
    this.publish(this.claim(), MARK);
  }

  /** How many slots are free now. */
  free(): number {
    return this.freeAfter(Atomics.load(this.control, TAKEN));
  }

  /** Free slots once the reader has taken `taken` chunks (the counters wrap as int32). */
  private freeAfter(taken: number): number {
    return this.ring.slots - ((this.sent - taken) | 0);
  }

  /**
   * Resolves once a slot is free, without blocking the thread: for a writer
   * that must keep hearing its events (a reader thread that died, say).
   */
  async room(): Promise<void> {
    for (;;) {
      const taken = Atomics.load(this.control, TAKEN);
      if (this.freeAfter(taken) > 0) return;
      const wait = Atomics.waitAsync(this.control, TAKEN, taken);
      if (wait.async) await wait.value;
    }
  }

  private claim(): number {
    for (;;) {
      const taken = Atomics.load(this.control, TAKEN);
      if (this.freeAfter(taken) > 0) return this.sent & (this.ring.slots - 1);
      // Woken by the reader; the time limit only bounds a lost wake-up.
      Atomics.wait(this.control, TAKEN, taken, 1000);
    }
  }

  private publish(slot: number, length: number): void {
    Atomics.store(this.control, LENGTHS + slot, length);
    this.sent = (this.sent + 1) | 0;
    Atomics.store(this.control, SENT, this.sent);
    Atomics.notify(this.control, SENT);
  }
}

/** The reader's side: `drain` hands over what is there, `ready` waits for more without blocking the thread. */
export class RingReader {
  private readonly data: Buffer;
  private readonly control: Int32Array;
  private taken: number;

  constructor(private readonly ring: ChunkRing) {
    this.data = Buffer.from(ring.data);
    this.control = new Int32Array(ring.control);
    this.taken = Atomics.load(this.control, TAKEN);
  }

  /**
   * Calls `onChunk` for every chunk sent so far and `onMark` for every mark,
   * in order. A chunk's bytes are the slot itself: valid only during the call.
   * Each slot is given back after its call, even one that throws.
   */
  drain(onChunk: (bytes: Buffer) => void, onMark: () => void): void {
    while (this.taken !== Atomics.load(this.control, SENT)) {
      const slot = this.taken & (this.ring.slots - 1);
      const length = Atomics.load(this.control, LENGTHS + slot);
      try {
        if (length === MARK) onMark();
        else onChunk(this.data.subarray(slot * this.ring.slotBytes, slot * this.ring.slotBytes + length));
      } finally {
        this.taken = (this.taken + 1) | 0;
        Atomics.store(this.control, TAKEN, this.taken);
        Atomics.notify(this.control, TAKEN);
      }
    }
  }

  /** Resolves once the writer has sent past what was drained (at once if it has). */
  async ready(): Promise<void> {
    const wait = Atomics.waitAsync(this.control, SENT, this.taken);
    if (wait.async) await wait.value;
  }

  /**
   * Drains for as long as the thread lives, waiting in between without
   * blocking it (it still hears its messages). A callback that throws ends
   * the loop with an uncaught exception: in a worker, its 'error' event.
   */
  follow(onChunk: (bytes: Buffer) => void, onMark: () => void): void {
    const loop = async (): Promise<never> => {
      for (;;) {
        this.drain(onChunk, onMark);
        await this.ready();
      }
    };
    loop().catch((err: unknown) => {
      setImmediate(() => {
        throw err;
      });
    });
  }
}
