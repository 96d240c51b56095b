/**
 * A `Chooser` that answers every choice of the explore grammar with each
 * of its options in turn. A drawing function is run once per combination:
 * the choices of one run are recorded (option taken, options there were),
 * and the next run replays them up to the last one with an option left,
 * which it advances, like an odometer. A free number outside the scope's
 * domain cuts the run short (the event is not in scope).
 */
import type { Chooser, ValueDomain } from '../../tracegen/index.js';
import type { ScopeDomains } from './scope.js';

/** Distinct results of the grammar's parts (`Chooser.sub`), per part and arguments, shared by an alphabet's enumerators. */
export type PartResults = Map<unknown, Map<string, readonly unknown[]>>;

/** A value's key: its JSON (bigints as strings), so equal results count once. */
export function keyOf(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? 'undefined';
}

/** Keys of argument objects, by identity: the same image is passed to many drawings. */
const argKeys = new WeakMap<object, string>();

function argsKey(args: readonly unknown[]): string {
  let key = '';
  for (const a of args) {
    if (typeof a !== 'object' || a === null) {
      key += `${typeof a}:${String(a)}\u0001`;
      continue;
    }
    let k = argKeys.get(a);
    if (k === undefined) argKeys.set(a, (k = keyOf(a)));
    key += `${k}\u0001`;
  }
  return key;
}

/** Thrown inside a drawing function when a free number has no value in scope. */
const OUT_OF_SCOPE: unique symbol = Symbol('out of scope');

/** Runs of one drawing function past which a scope counts as too large to walk. */
export const MAX_DRAWS = Number(process.env.EXHAUST_MAX_DRAWS ?? 1_000_000);

export class EnumeratingChooser implements Chooser {
  /** Option taken at each choice point of the current run. */
  private readonly taken: number[] = [];
  /** Options at each choice point, as the run that first reached it counted them. */
  private readonly counts: number[] = [];
  private at = 0;
  private readonly sets: Readonly<Record<ValueDomain, ReadonlySet<number>>>;

  constructor(
    private readonly domains: ScopeDomains,
    private readonly parts: PartResults = new Map(),
  ) {
    this.sets = Object.fromEntries(Object.entries(domains).map(([k, v]) => [k, new Set(v)])) as unknown as Record<ValueDomain, ReadonlySet<number>>;
  }

  /**
   * Calls `draw` once per combination of choices and hands each result
   * that stays in scope to `visit`; returns how many runs it took.
   */
  enumerate<T>(draw: () => T, visit: (result: T) => void, what: string): number {
    this.taken.length = 0;
    this.counts.length = 0;
    let runs = 0;
    do {
      if (++runs > MAX_DRAWS) throw new Error(`the scope is too large: more than ${MAX_DRAWS} ways to draw ${what}`);
      this.at = 0;
      let result: T;
      try {
        result = draw();
      } catch (err) {
        if (err !== OUT_OF_SCOPE) throw err;
        continue;
      }
      visit(result);
    } while (this.advance());
    return runs;
  }

  /** Moves to the next combination; false when every one has been run. */
  private advance(): boolean {
    this.taken.length = this.at;
    this.counts.length = this.at;
    for (let i = this.at - 1; i >= 0; i--) {
      if (this.taken[i]! + 1 < this.counts[i]!) {
        this.taken[i]!++;
        this.taken.length = i + 1;
        this.counts.length = i + 1;
        return true;
      }
    }
    return false;
  }

  /** The option to take at the next choice point, which has `n` (> 0) options. */
  private choose(n: number): number {
    const i = this.at++;
    if (i < this.taken.length) return this.taken[i]!;
    this.taken.push(0);
    this.counts.push(n);
    return 0;
  }

  int(a: number, b: number): number {
    if (!(b >= a)) throw new RangeError(`int: bad range [${a}, ${b}]`);
    return a + this.choose(b - a + 1);
  }

  oneIn(n: number): boolean {
    return n <= 1 ? true : this.choose(2) === 0;
  }

  percent(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 100) return true;
    return this.choose(2) === 0;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.choose(items.length)] as T;
  }

  /** Every order, by the same swaps the dice make. */
  shuffled<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.choose(i + 1);
      const t = out[i] as T;
      out[i] = out[j] as T;
      out[j] = t;
    }
    return out;
  }

  weighted(weights: readonly number[]): number {
    const positive: number[] = [];
    for (let i = 0; i < weights.length; i++) if (weights[i]! > 0) positive.push(i);
    if (positive.length === 0) throw new RangeError('no positive weight');
    return positive[this.choose(positive.length)]!;
  }

  /** The part's distinct results for these arguments (enumerated once), each in turn. */
  sub<C extends { readonly dice: Chooser }, A extends unknown[], T>(draw: (ctx: C, ...args: A) => T, ctx: C, ...args: A): T {
    let byArgs = this.parts.get(draw);
    if (byArgs === undefined) this.parts.set(draw, (byArgs = new Map()));
    const key = argsKey(args);
    let results = byArgs.get(key) as readonly T[] | undefined;
    if (results === undefined) {
      const child = new EnumeratingChooser(this.domains, this.parts);
      const inner = { ...ctx, dice: child };
      const distinct = new Map<string, T>();
      child.enumerate(() => draw(inner, ...args), (r) => void (distinct.has(keyOf(r)) || distinct.set(keyOf(r), r)), `a part of an event (${draw.name})`);
      results = [...distinct.values()];
      byArgs.set(key, results);
    }
    if (results.length === 0) throw OUT_OF_SCOPE;
    return results[this.choose(results.length)]!;
  }

  value(domain: ValueDomain, a: number, b: number, map?: (x: number) => number): number {
    const options: number[] = [];
    if (map === undefined) {
      for (const v of this.domains[domain]) if (v >= a && v <= b) options.push(v);
    } else {
      const allowed = this.sets[domain];
      for (let x = a; x <= b; x++) {
        const v = map(x);
        if (allowed.has(v) && !options.includes(v)) options.push(v);
      }
    }
    if (options.length === 0) throw OUT_OF_SCOPE;
    return options[this.choose(options.length)]!;
  }
}
