/**
 * A child's stderr (or the checker's stdout), captured without letting a
 * noisy process bloat memory or the failure index: the first bytes are
 * kept in memory, the rest spills into a temporary file (bounded), and the
 * index only ever gets a short, sanitized tail.
 */
import { closeSync, openSync, rmSync } from 'node:fs';
import { REAL_IO, writeAll, type FileIo } from '../store/durable.js';

/** Bytes kept in memory before spilling to a file. */
const MEMORY_LIMIT = 64 << 10;
/** Bytes kept at all; beyond this only the count grows. */
const FILE_LIMIT = 16 << 20;
/** Characters of the tail that goes into the index. */
export const TAIL_CHARS = 2000;
const TAIL_LINES = 30;

export class CapturedStream {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private fd: number | undefined;
  private kept = 0;
  private tailRing: Buffer = Buffer.alloc(0);
  /** Every byte the process wrote. */
  total = 0;
  /** Why the spill file could not be written, if it could not (the capture is then cut). */
  writeError: Error | undefined;

  /** `spillPath` is created only when the output outgrows memory. */
  constructor(
    private readonly spillPath: string | undefined,
    private readonly io: FileIo = REAL_IO,
  ) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    this.tailRing = Buffer.concat([this.tailRing, chunk]);
    if (this.tailRing.length > TAIL_CHARS * 4) this.tailRing = this.tailRing.subarray(this.tailRing.length - TAIL_CHARS * 4);
    if (this.kept >= FILE_LIMIT || this.writeError !== undefined) return;
    const room = chunk.subarray(0, FILE_LIMIT - this.kept);
    this.kept += room.length;
    if (this.fd === undefined && this.headBytes + room.length <= MEMORY_LIMIT) {
      this.head.push(Buffer.from(room));
      this.headBytes += room.length;
      return;
    }
    if (this.spillPath === undefined) return;
    try {
      if (this.fd === undefined) {
        this.fd = openSync(this.spillPath, 'wx', 0o644);
        writeAll(this.fd, Buffer.concat(this.head, this.headBytes), this.io);
      }
      writeAll(this.fd, room, this.io);
    } catch (err) {
      this.writeError = err as Error;
      this.discardFile();
    }
  }

  /** Whether everything written is held (in memory or in the spill file). */
  get complete(): boolean {
    return this.kept === this.total && this.writeError === undefined && (this.fd !== undefined || this.headBytes === this.total);
  }

  /** The spill file, closed, if the output outgrew memory. */
  finishFile(): string | undefined {
    if (this.fd === undefined) return undefined;
    closeSync(this.fd);
    this.fd = undefined;
    return this.spillPath;
  }

  /** The in-memory bytes (all of a short output). */
  get memory(): Buffer {
    return Buffer.concat(this.head, this.headBytes);
  }

  /** Whether the index tail shows the whole output unchanged. */
  get tailIsWhole(): boolean {
    return this.total === this.headBytes && sanitizeTail(this.memory) === this.memory.toString('utf8');
  }

  discardFile(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        /* already closed */
      }
      this.fd = undefined;
    }
    if (this.spillPath !== undefined) rmSync(this.spillPath, { force: true });
  }

  /** The short, printable tail that the index holds. */
  tail(): string {
    const text = sanitizeTail(this.tailRing);
    return this.total > this.tailRing.length && !text.startsWith('…') ? `…${text}` : text;
  }
}

/**
 * The end of some output as printable text: invalid UTF-8 and control
 * characters (NUL, escape sequences, ...) become U+FFFD, runs of them one
 * mark; at most TAIL_LINES lines and TAIL_CHARS characters.
 */
export function sanitizeTail(bytes: Uint8Array): string {
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  // eslint-disable-next-line no-control-regex
  text = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufffd]+/g, '\ufffd');
  let cut = false;
  const lines = text.split('\n');
  if (lines.length > TAIL_LINES + 1) {
    text = lines.slice(-TAIL_LINES - 1).join('\n');
    cut = true;
  }
  if (text.length > TAIL_CHARS) {
    text = text.slice(text.length - TAIL_CHARS);
    cut = true;
  }
  return cut ? `…${text}` : text;
}
