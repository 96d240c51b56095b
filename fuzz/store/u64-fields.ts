/**
 * A uint64 member of our reports and failure indexes, read back exactly.
 * Current files hold them as decimal strings; reports written before that
 * hold bare numbers, which the lossless parser returns as a number when safe
 * and as a bigint above 2^53. All three forms are accepted.
 */
const U64_MAX = (1n << 64n) - 1n;

export function readU64(value: unknown, where: string): bigint {
  let v: bigint | undefined;
  if (typeof value === 'bigint') v = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) v = BigInt(value);
  else if (typeof value === 'string' && /^(0|[1-9]\d{0,19})$/.test(value)) v = BigInt(value);
  if (v === undefined || v < 0n || v > U64_MAX) throw new Error(`${where}: not a uint64 (expected a decimal string), got ${JSON.stringify(String(value))}`);
  return v;
}
