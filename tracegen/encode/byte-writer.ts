/**
 * An append-only byte buffer for building JSON Lines without intermediate
 * strings: constant tokens are encoded once and copied as bytes, integers
 * are written as digits directly. Output is handed to `onFull` in chunks, or
 * grown in memory when there is no consumer. `onFull` must consume the chunk
 * before returning: the buffer is reused afterwards.
 */
import type { U64 } from '../../reducer/index.js';

const encoder = new TextEncoder();

/**
 * Encoded bytes of every token written so far. Tokens are source constants
 * (keys, punctuation, state and type names), so this stays small. A lookup
 * and one bulk copy cost less overall than a per-character loop, by far so
 * before the JIT has optimised that loop, which is much of a short run.
 */
const tokenBytes = new Map<string, Uint8Array>();

function encodeToken(text: string): Uint8Array {
  const bytes = encoder.encode(text);
  tokenBytes.set(text, bytes);
  return bytes;
}

export class ByteWriter {
  private buf: Uint8Array;
  private pos = 0;

  constructor(
    capacity = 1 << 16,
    private readonly onFull?: (chunk: Uint8Array) => void,
  ) {
    this.buf = new Uint8Array(capacity);
  }

  get length(): number {
    return this.pos;
  }

  /**
   * Makes room for `n` more bytes. Callers test `pos + n > buf.length`
   * themselves first, so the common case costs no call before the JIT
   * inlines this.
   */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.onFull !== undefined && this.pos > 0) this.flush();
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Hands everything written so far to the consumer and starts a new buffer. */
  flush(): void {
    if (this.pos === 0 || this.onFull === undefined) return;
    const chunk = this.buf.subarray(0, this.pos);
    this.pos = 0;
    this.onFull(chunk);
  }

  /**
   * A constant 7-bit ASCII string from a small fixed set (keys, punctuation,
   * state and type names); its bytes are cached. Use `ascii` for other text.
   */
  token(text: string): void {
    const bytes = tokenBytes.get(text) ?? encodeToken(text);
    const n = bytes.length;
    if (this.pos + n > this.buf.length) this.room(n);
    this.buf.set(bytes, this.pos);
    this.pos += n;
  }

  /** A string known to be 7-bit ASCII. */
  ascii(text: string): void {
    const n = text.length;
    if (this.pos + n > this.buf.length) this.room(n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = text.charCodeAt(i);
    this.pos = p;
  }

  /** Any string, UTF-8 encoded. */
  utf8(text: string): void {
    this.bytes(encoder.encode(text));
  }

  byte(code: number): void {
    if (this.pos >= this.buf.length) this.room(1);
    this.buf[this.pos++] = code;
  }

  bytes(data: Uint8Array): void {
    if (this.pos + data.length > this.buf.length) this.room(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** A non-negative safe integer in decimal. */
  uint(value: number): void {
    if (value < 10) {
      if (this.pos >= this.buf.length) this.room(1);
      this.buf[this.pos++] = 48 + value;
      return;
    }
    if (value > 0x7fff_ffff) {
      this.ascii(String(value));
      return;
    }
    let digits = 1;
    for (let v = value; v >= 10; v = (v / 10) | 0) digits++;
    if (this.pos + digits > this.buf.length) this.room(digits);
    const buf = this.buf;
    let p = this.pos + digits;
    this.pos = p;
    for (let v = value; ; ) {
      const q = (v / 10) | 0;
      buf[--p] = 48 + (v - q * 10);
      if (q === 0) break;
      v = q;
    }
  }

  int(value: number): void {
    if (value < 0) {
      this.byte(45);
      this.uint(-value);
    } else {
      this.uint(value);
    }
  }

  u64(value: U64): void {
    if (typeof value === 'number') this.uint(value);
    else this.ascii(value.toString());
  }

  bool(value: boolean): void {
    this.token(value ? 'true' : 'false');
  }

  /** Appends everything written here to `target`. */
  appendTo(target: ByteWriter): void {
    target.room(this.pos);
    target.buf.set(this.pos === this.buf.length ? this.buf : this.buf.subarray(0, this.pos), target.pos);
    target.pos += this.pos;
  }

  /** Appends bytes [start, end) of this writer to `target`. */
  copyRangeTo(target: ByteWriter, start: number, end: number): void {
    const n = end - start;
    target.room(n);
    target.buf.set(this.buf.subarray(start, end), target.pos);
    target.pos += n;
  }

  /** The bytes written so far, without copying; valid until the next write. */
  view(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** Drops everything written (keeps the buffer). */
  reset(): void {
    this.pos = 0;
  }

  /** Everything written so far, decoded (only for writers without a consumer). */
  text(): string {
    return Buffer.from(this.buf.buffer, this.buf.byteOffset, this.pos).toString('utf8');
  }
}
