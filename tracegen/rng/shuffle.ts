/**
 * libstdc++'s `std::shuffle` (which `std::ranges::shuffle` forwards to) with a
 * 32-bit engine. For short ranges it draws two swap positions per engine call
 * from one `uniform_int_distribution` over a product range, so both the
 * pairing and the odd first swap matter for exact reproduction.
 */
import type { Mt19937 } from './mt19937.js';
import { uniformInt } from './uniform-int.js';

const URNG_RANGE = 0xffff_ffff;

function swap<T>(items: T[], i: number, j: number): void {
  const t = items[i] as T;
  items[i] = items[j] as T;
  items[j] = t;
}

export function shuffleInPlace<T>(items: T[], rng: Mt19937): void {
  const n = items.length;
  if (n === 0) return;

  if (Math.floor(URNG_RANGE / n) >= n) {
    let i = 1;
    if (n % 2 === 0) {
      swap(items, i, uniformInt(rng, 0, 1));
      i++;
    }
    while (i !== n) {
      const b0 = i + 1;
      const b1 = b0 + 1;
      const x = uniformInt(rng, 0, b0 * b1 - 1);
      swap(items, i, Math.floor(x / b1));
      i++;
      swap(items, i, x % b1);
      i++;
    }
    return;
  }

  for (let i = 1; i < n; i++) swap(items, i, uniformInt(rng, 0, i));
}
