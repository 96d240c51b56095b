/**
 * Splits a byte stream into lines without holding more than one line (plus
 * one input chunk) in memory. Lines are handed over as byte views that are
 * only valid during the callback.
 */
import type { Readable } from 'node:stream';

export const DEFAULT_MAX_LINE_BYTES = 8 << 20;

export class LineTooLongError extends Error {
  constructor(
    readonly lineNo: number,
    readonly limit: number,
  ) {
    super(`line ${lineNo}: longer than the ${limit}-byte line limit`);
  }
}

export interface LineSink {
  /** `terminated` is false only for a final line that has no newline. */
  (bytes: Uint8Array, lineNo: number, terminated: boolean): void;
}

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private lineNo = 0;

  constructor(
    private readonly sink: LineSink,
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  ) {}

  get linesSeen(): number {
    return this.lineNo;
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      this.lineNo++;
      if (this.pending.length === 0) {
        this.check(nl - start);
        this.sink(chunk.subarray(start, nl), this.lineNo, true);
      } else {
        this.check(this.pendingBytes + nl - start);
        this.pending.push(chunk.subarray(start, nl));
        const line = Buffer.concat(this.pending, this.pendingBytes + nl - start);
        this.pending = [];
        this.pendingBytes = 0;
        this.sink(line, this.lineNo, true);
      }
      start = nl + 1;
    }
    if (start < chunk.length) {
      // Copy: the caller may reuse the chunk's memory.
      const rest = Buffer.from(chunk.subarray(start));
      this.check(this.pendingBytes + rest.length, this.lineNo + 1);
      this.pending.push(rest);
      this.pendingBytes += rest.length;
    }
  }

  /** Flushes a final unterminated line, if any. */
  end(): void {
    if (this.pending.length === 0) return;
    this.lineNo++;
    const line = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.sink(line, this.lineNo, false);
  }

  private check(length: number, lineNo = this.lineNo): void {
    if (length > this.maxLineBytes) throw new LineTooLongError(lineNo, this.maxLineBytes);
  }
}

/** Feeds a whole stream through a splitter; rejects on stream or limit errors. */
export async function splitStream(stream: Readable, splitter: LineSplitter): Promise<void> {
  for await (const chunk of stream) splitter.push(chunk as Buffer);
  splitter.end();
}

/** Pull-style line iteration (copies each line), for reading two streams in lockstep. */
export async function* readLines(
  stream: Readable,
  maxLineBytes = DEFAULT_MAX_LINE_BYTES,
): AsyncGenerator<{ bytes: Buffer; lineNo: number; terminated: boolean }> {
  let queue: { bytes: Buffer; lineNo: number; terminated: boolean }[] = [];
  const splitter = new LineSplitter((bytes, lineNo, terminated) => queue.push({ bytes: Buffer.from(bytes), lineNo, terminated }), maxLineBytes);
  for await (const chunk of stream) {
    splitter.push(chunk as Buffer);
    const ready = queue;
    queue = [];
    yield* ready;
  }
  splitter.end();
  yield* queue;
}
