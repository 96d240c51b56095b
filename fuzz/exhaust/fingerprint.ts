/**
 * Fingerprints of explored states and the set of those already visited.
 *
 * A state is the pair (C++ snapshot, Lean cursor). Its fingerprint hashes
 * the byte encodings the trace encoders produce anyway (docs/exhaust.md
 * says why those encodings tell states apart), 64 bits from two 32-bit
 * murmur-style lanes with different seeds and rotations. With n states the
 * chance that two share a fingerprint is about n^2 / 2^65: 3e-8 for a
 * million.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const D1 = 0x85ebca6b;
const D2 = 0xc2b2ae35;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, D1);
  h ^= h >>> 13;
  h = Math.imul(h, D2);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Hashes byte ranges and small integers into 64 bits; reset() between fingerprints. */
export class Fingerprinter {
  private h1 = 0;
  private h2 = 0;
  private length = 0;

  reset(): void {
    this.h1 = 0x9747b28c;
    this.h2 = 0x5bd1e995;
    this.length = 0;
  }

  private word(k: number): void {
    let a = Math.imul(k, C1);
    a = (a << 15) | (a >>> 17);
    this.h1 ^= Math.imul(a, C2);
    this.h1 = (this.h1 << 13) | (this.h1 >>> 19);
    this.h1 = (Math.imul(this.h1, 5) + 0xe6546b64) | 0;
    let b = Math.imul(k, C2);
    b = (b << 17) | (b >>> 15);
    this.h2 ^= Math.imul(b, C1);
    this.h2 = (this.h2 << 11) | (this.h2 >>> 21);
    this.h2 = (Math.imul(this.h2, 9) + 0x52dce729) | 0;
  }

  bytes(b: Uint8Array, start = 0, end = b.length): void {
    let i = start;
    for (; i + 4 <= end; i += 4) this.word(b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24));
    let tail = 0;
    for (let shift = 0; i < end; i++, shift += 8) tail |= b[i]! << shift;
    this.word(tail ^ (end - start));
    this.length += end - start;
  }

  int(n: number): void {
    this.word(n | 0);
    this.length += 4;
  }

  get hi(): number {
    return fmix(this.h1 ^ this.length);
  }

  get lo(): number {
    return fmix(this.h2 ^ Math.imul(this.length, 31));
  }
}

/** The 64-bit fingerprint of a string's UTF-8 bytes, as 16 hex digits (stable across runs and machines). */
export function textFingerprint(text: string): string {
  const f = new Fingerprinter();
  f.reset();
  f.bytes(Buffer.from(text, 'utf8'));
  return f.hi.toString(16).padStart(8, '0') + f.lo.toString(16).padStart(8, '0');
}

/**
 * A set of 64-bit fingerprints (two uint32 halves), open addressing; (0, 0)
 * stands for (0, 1). Each fingerprint carries a stamp: `claim` keeps the
 * smallest stamp a fingerprint was claimed with, so an expander that sees
 * chunks out of order can still tell which sighting comes first.
 */
export class FingerprintSet {
  private keys: Uint32Array;
  private stamps: Uint32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1 << 12) {
    let n = 16;
    while (n < capacity * 2) n *= 2;
    this.keys = new Uint32Array(n * 2);
    this.stamps = new Uint32Array(n);
    this.mask = n - 1;
  }

  /** Adds the fingerprint; false when it was there already. */
  add(hi: number, lo: number): boolean {
    return this.claim(hi, lo, 0);
  }

  /** Adds the fingerprint with `stamp`, or lowers its stamp to `stamp`; false when it was there with a stamp <= `stamp`. */
  claim(hi: number, lo: number, stamp: number): boolean {
    if ((hi | lo) === 0) lo = 1;
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    const i = this.slot(hi >>> 0, lo >>> 0);
    if (this.keys[2 * i] === 0 && this.keys[2 * i + 1] === 0) {
      this.keys[2 * i] = hi;
      this.keys[2 * i + 1] = lo;
      this.stamps[i] = stamp;
      this.size++;
      return true;
    }
    if (this.stamps[i]! <= stamp) return false;
    this.stamps[i] = stamp;
    return true;
  }

  has(hi: number, lo: number): boolean {
    if ((hi | lo) === 0) lo = 1;
    const i = this.slot(hi >>> 0, lo >>> 0);
    return this.keys[2 * i] !== 0 || this.keys[2 * i + 1] !== 0;
  }

  /** The slot holding the fingerprint, or the empty slot where it would go. */
  private slot(hi: number, lo: number): number {
    const keys = this.keys;
    for (let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask; ; i = (i + 1) & this.mask) {
      const h = keys[2 * i]!;
      const l = keys[2 * i + 1]!;
      if ((h === 0 && l === 0) || (h === hi && l === lo)) return i;
    }
  }

  private grow(): void {
    const keys = this.keys;
    const stamps = this.stamps;
    const n = (this.mask + 1) * 2;
    this.keys = new Uint32Array(n * 2);
    this.stamps = new Uint32Array(n);
    this.mask = n - 1;
    this.size = 0;
    for (let i = 0; i < stamps.length; i++) if (keys[2 * i] !== 0 || keys[2 * i + 1] !== 0) this.claim(keys[2 * i]!, keys[2 * i + 1]!, stamps[i]!);
  }
}
