/**
 * libstdc++ 14's `std::uniform_int_distribution<T>::operator()` driven by a
 * 32-bit engine (`max() - min() == 2^32 - 1`), for any integer `T`.
 *
 * The algorithm depends only on the width of `b - a`:
 *  - below 2^32 - 1: Lemire's nearly divisionless method with 64-bit products;
 *  - exactly 2^32 - 1: one raw engine output;
 *  - above: "upscaling", a recursive high part times 2^32 plus a raw low part,
 *    retried on overflow, in the wrap-around arithmetic of 64-bit unsigned.
 * Because the result is `a + offset` reduced to `T`, the same code serves
 * int, uint32 and uint64 ranges.
 */
import type { Mt19937 } from './mt19937.js';

const TWO_32 = 0x1_0000_0000;
const URNG_RANGE = 0xffff_ffff;

/** floor(x * y / 2^32) and (x * y) mod 2^32 for 32-bit unsigned x, y. */
function mulHigh32(x: number, y: number): number {
  const high = (x >>> 16) * y; // < 2^48, exact
  const low = (x & 0xffff) * y; // < 2^48, exact
  return Math.floor(high / 65536) + Math.floor(((high % 65536) * 65536 + low) / TWO_32);
}

/** Lemire downscaling: a value in [0, range) for 1 <= range <= 2^32 - 1. */
export function lemire32(rng: Mt19937, range: number): number {
  let g = rng.next();
  let low = Math.imul(g, range) >>> 0;
  if (low < range) {
    const threshold = (TWO_32 - range) % range;
    while (low < threshold) {
      g = rng.next();
      low = Math.imul(g, range) >>> 0;
    }
  }
  return mulHigh32(g, range);
}

/** Uniform integer in [a, b] for safe integers with a <= b. */
export function uniformInt(rng: Mt19937, a: number, b: number): number {
  const urange = b - a;
  if (!(urange >= 0) || !Number.isSafeInteger(a) || !Number.isSafeInteger(b)) {
    throw new RangeError(`uniformInt: bad range [${a}, ${b}]`);
  }
  if (urange < URNG_RANGE) return a + lemire32(rng, urange + 1);
  if (urange === URNG_RANGE) return a + rng.next();
  return Number(uniformBigInt(rng, BigInt(a), BigInt(b)));
}

const MASK_64 = (1n << 64n) - 1n;

/** Offset in [0, urange] for a 64-bit unsigned range width, as libstdc++ computes it. */
function offset64(rng: Mt19937, urange: bigint): bigint {
  if (urange < BigInt(URNG_RANGE)) return BigInt(lemire32(rng, Number(urange) + 1));
  if (urange === BigInt(URNG_RANGE)) return BigInt(rng.next());
  const uerngrange = BigInt(TWO_32);
  for (;;) {
    const tmp = (uerngrange * offset64(rng, urange / uerngrange)) & MASK_64;
    const ret = (tmp + BigInt(rng.next())) & MASK_64;
    if (!(ret > urange || ret < tmp)) return ret;
  }
}

/** Uniform integer in [a, b] for any 64-bit range (signed or unsigned bounds). */
export function uniformBigInt(rng: Mt19937, a: bigint, b: bigint): bigint {
  if (b < a || b - a > MASK_64) throw new RangeError(`uniformBigInt: bad range [${a}, ${b}]`);
  return a + offset64(rng, b - a);
}
