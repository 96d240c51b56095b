/**
 * Argument helpers shared by the bins: option parsers that throw a
 * `UsageError` naming the option, and the mapping of commander's errors to
 * one line and an exit status.
 */
import { CommanderError } from 'commander';
import { parseU64Decimal } from '../../reducer/index.js';
import { clip } from '../../fuzz/store/store.js';
import { oneLineError } from './one-line.js';

export { oneLineError } from './one-line.js';

export class UsageError extends Error {}

/** A positive integer option, at most `max`; `why` explains the bound. */
export function positive(name: string, max = Number.MAX_SAFE_INTEGER, why = '') {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n <= 0 || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? 'a positive integer' : `an integer in 1..${max}${why}`;
      throw new UsageError(`${name} must be ${range}, got ${JSON.stringify(clip(text, 40))}`);
    }
    return n;
  };
}

/** A uint64 option, exact (a bigint). */
export function uint64(name: string) {
  return (text: string): bigint => {
    const v = parseU64Decimal(text.trim());
    if (v === undefined) throw new UsageError(`${name} must be an integer in 0..18446744073709551615, got ${JSON.stringify(clip(text, 40))}`);
    return BigInt(v);
  };
}

/** Runs `fn`, turning whatever it throws into a UsageError (command resolution, output paths). */
export function asUsage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Help and --version end with 0; any other commander error is a usage error, given in one line. */
export function commanderExit(err: CommanderError): { readonly code: 'ok' | 'usage'; readonly message?: string } {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') return { code: 'ok' };
  return { code: 'usage', message: oneLineError(err.message) };
}
