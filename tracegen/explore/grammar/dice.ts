/** The explore generator's only source of randomness: the seeded engine, passed explicitly. */
import { Mt19937 } from '../../rng/mt19937.js';
import { uniformInt } from '../../rng/uniform-int.js';
import type { Chooser, ValueDomain } from './chooser.js';

export class Dice implements Chooser {
  readonly rng: Mt19937;

  constructor(seed: bigint) {
    this.rng = new Mt19937(seed);
  }

  /** Uniform in [a, b]. */
  int(a: number, b: number): number {
    return uniformInt(this.rng, a, b);
  }

  /** True with probability 1/n. */
  oneIn(n: number): boolean {
    return uniformInt(this.rng, 0, n - 1) === 0;
  }

  /** True with probability p/100. */
  percent(p: number): boolean {
    return uniformInt(this.rng, 0, 99) < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[uniformInt(this.rng, 0, items.length - 1)] as T;
  }

  /** Fisher-Yates with this engine; returns a new array. */
  shuffled<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = uniformInt(this.rng, 0, i);
      const t = out[i] as T;
      out[i] = out[j] as T;
      out[j] = t;
    }
    return out;
  }

  /** A uniform draw in [a, b], mapped; the domain only matters to an enumerator. */
  value(_domain: ValueDomain, a: number, b: number, map?: (x: number) => number): number {
    const x = uniformInt(this.rng, a, b);
    return map === undefined ? x : map(x);
  }

  sub<C extends { readonly dice: Chooser }, A extends unknown[], T>(draw: (ctx: C, ...args: A) => T, ctx: C, ...args: A): T {
    return draw(ctx, ...args);
  }

  /** Index into `weights` drawn proportionally to the weights (all >= 0, some > 0). */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i]!;
    if (total <= 0) throw new RangeError('no positive weight');
    let x = uniformInt(this.rng, 0, total - 1);
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }
}
