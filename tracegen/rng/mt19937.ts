/**
 * `std::mt19937`: the 32-bit Mersenne Twister with the standard parameters.
 *
 * The engine's seed type is `uint_fast32_t`, 64 bits wide on LP64 glibc, but
 * seeding keeps only the low 32 bits; callers may pass any uint64 seed.
 */
const N = 624;
const M = 397;
const UPPER_MASK = 0x8000_0000;
const LOWER_MASK = 0x7fff_ffff;
const MATRIX_A = 0x9908_b0df;

export class Mt19937 {
  private readonly state = new Uint32Array(N);
  private index = N;

  constructor(seed: bigint | number) {
    const s = this.state;
    s[0] = Number(BigInt.asUintN(32, BigInt(seed)));
    for (let i = 1; i < N; i++) {
      const prev = s[i - 1] as number;
      s[i] = (Math.imul(1_812_433_253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
  }

  /** Next 32-bit output in [0, 2^32 - 1]. */
  next(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++] as number;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c_5680;
    y ^= (y << 15) & 0xefc6_0000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Advances by `count` outputs (libstdc++'s `discard`). */
  discard(count: number): void {
    for (let i = 0; i < count; i++) this.next();
  }

  private twist(): void {
    const s = this.state;
    for (let k = 0; k < N; k++) {
      const y = ((s[k] as number) & UPPER_MASK) | ((s[(k + 1) % N] as number) & LOWER_MASK);
      s[k] = (s[(k + M) % N] as number) ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.index = 0;
  }
}
