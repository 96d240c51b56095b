/**
 * Every choice the explore grammar makes goes through a `Chooser`. The
 * profile's seeded `Dice` answers each one with a draw; exhaustive
 * exploration (fuzz/exhaust/) answers it with each option in turn. So the
 * grammar is written once and either sampled or enumerated.
 *
 * Two kinds of choice are told apart because a scope restricts only one:
 * alternatives (`int`, `weighted`, `pick`...: which branch, which peer,
 * which slot) are all taken, while free numbers (`value`: a length, an
 * epoch, a pool size) are taken only where the scope's domain allows.
 */

/** Which scope domain a free number belongs to. */
export type ValueDomain = 'length' | 'epoch' | 'pool-size' | 'min-size' | 'object';

export interface Chooser {
  /** One of the alternatives a..b. */
  int(a: number, b: number): number;
  /** True with probability 1/n. */
  oneIn(n: number): boolean;
  /** True with probability p/100. */
  percent(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** The items in some order; returns a new array. */
  shuffled<T>(items: readonly T[]): T[];
  /** An index into `weights`, drawn proportionally to them (all >= 0, some > 0). */
  weighted(weights: readonly number[]): number;
  /**
   * A free number of `domain`: `map(x)` for x in a..b (`map` defaults to
   * the identity). A sampler draws x uniformly; an enumerator returns each
   * distinct result its scope allows.
   */
  value(domain: ValueDomain, a: number, b: number, map?: (x: number) => number): number;
  /**
   * A part of a drawing that depends on nothing but `args` and the fixed
   * context: a sampler just calls `draw(ctx, ...args)`; an enumerator lists
   * the part's distinct results once per `args` and takes each in turn, so
   * the parts' own choices are not multiplied out inside every drawing.
   */
  sub<C extends { readonly dice: Chooser }, A extends unknown[], T>(draw: (ctx: C, ...args: A) => T, ctx: C, ...args: A): T;
}
