/**
 * Unsigned 64-bit values (pg ids, object ids, journal sequences, lengths).
 *
 * A `U64` is canonical: a plain `number` when it is a safe integer and a
 * `bigint` only above 2^53 - 1. Because every producer keeps that form, `===`
 * is exact equality and `<`/`>` compare correctly across the two kinds, so the
 * reducer never needs arithmetic on these values, only ordering.
 */
export type U64 = number | bigint;

export const U64_MAX = 0xffff_ffff_ffff_ffffn;

/** Brings a non-negative integer into canonical form; throws outside uint64. */
export function u64(value: number | bigint): U64 {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`not a uint64: ${value}`);
    }
    return value;
  }
  if (value < 0n || value > U64_MAX) throw new RangeError(`not a uint64: ${value}`);
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** Parses a decimal string of digits exactly into a canonical U64, or undefined. */
export function parseU64Decimal(text: string): U64 | undefined {
  if (!/^[0-9]+$/.test(text)) return undefined;
  if (text.length <= 15) return Number(text);
  const big = BigInt(text);
  if (big > U64_MAX) return undefined;
  return u64(big);
}
