/**
 * Lean's `JsonNumber` (Lean.Data.Json.Basic): `mantissa * 10^-exponent`,
 * with the two shifts the parser applies to a number's exponent part.
 *
 * Lean builds `mantissa * 10^s` as soon as it reads `e+s`; a trace can ask
 * for millions of places in a few bytes. Here a shift of more than a few
 * places is kept as a `ShiftedNumber` (mantissa and places) and built only
 * where the model reads the value as a natural or integer, so what Lean
 * accepts or rejects is decided by arithmetic on the exponents alone:
 *
 * - `shiftl` computes `10 ^ (s - e)` with `Nat.pow`, whose runtime
 *   (`lean_nat_pow`) aborts the process for a power above 2^32 - 1, zero
 *   mantissa or not: such a number is a rejection (`NatPowPanic`);
 * - `shiftr` only adds to the exponent and has no bound.
 */

/** `lean_nat_pow` panics for a larger power (`UINT_MAX`). */
export const NAT_POW_MAX = 0xffffffffn;
/** Shifts of at most this many places are built at once: cheap, and the common case. */
const EAGER_SHIFT = 64n;
/** The most places this checker builds (10^1000000 takes about 0.1 s); Lean builds any up to NAT_POW_MAX. */
export const MAX_BUILT_SHIFT = 1000000n;

/** A number with a fraction Lean keeps (`exponent` > 0): never a natural or an integer. */
export class LeanNumber {
  constructor(
    /** A number while it is a safe integer, else a bigint. */
    readonly mantissa: number | bigint,
    readonly exponent: bigint,
  ) {}
}

/** The integer `mantissa * 10^shift` that Lean's `shiftl` built and this checker has not (yet). */
export class ShiftedNumber {
  constructor(
    readonly mantissa: bigint,
    readonly shift: bigint,
  ) {}

  /** A short form for messages, never the digits. */
  toString(): string {
    return `${this.mantissa}e${this.shift}`;
  }
}

/** What the parser makes of a number: an integer (exponent 0) is a JS number while safe, else a bigint. */
export type JsonNumberValue = number | bigint | LeanNumber | ShiftedNumber;

/** `lean_internal_panic("Nat.pow exponent is too big")`: Lean's process ends; a rejection. */
export class NatPowPanic extends Error {}

/** `⟨m, e⟩`, as a canonical value. */
export function mkJsonNumber(mantissa: bigint, exponent: bigint): JsonNumberValue {
  const m = mantissa >= -9007199254740991n && mantissa <= 9007199254740991n ? Number(mantissa) : mantissa;
  return exponent === 0n ? m : new LeanNumber(m, exponent);
}

/** `JsonNumber.shiftl`: `⟨m * 10^(s - e), e - s⟩` in natural subtraction. */
export function shiftl(mantissa: bigint, exponent: bigint, s: bigint): JsonNumberValue {
  const places = s > exponent ? s - exponent : 0n;
  if (places > NAT_POW_MAX) throw new NatPowPanic(`Nat.pow exponent is too big (10^${places}): Lean's runtime aborts`);
  const rest = exponent > s ? exponent - s : 0n;
  if (mantissa === 0n || places === 0n) return mkJsonNumber(mantissa, rest);
  // places > 0 means s > e, so rest is 0: the result is an integer.
  return places <= EAGER_SHIFT ? mkJsonNumber(mantissa * 10n ** places, 0n) : new ShiftedNumber(mantissa, places);
}

/** `JsonNumber.shiftr`: `⟨m, e + s⟩`. */
export function shiftr(mantissa: bigint, exponent: bigint, s: bigint): JsonNumberValue {
  return mkJsonNumber(mantissa, exponent + s);
}

/** The last power of ten built, for traces that repeat one large number. */
const lastPower = { places: -1n, value: 1n };

function powerOfTen(places: bigint): bigint {
  if (lastPower.places !== places) {
    lastPower.value = 10n ** places;
    lastPower.places = places;
  }
  return lastPower.value;
}

/** The integer a `ShiftedNumber` stands for, or undefined past `MAX_BUILT_SHIFT`. */
export function buildShifted(n: ShiftedNumber): bigint | undefined {
  if (n.shift > MAX_BUILT_SHIFT) return undefined;
  const power = powerOfTen(n.shift);
  return n.mantissa === 1n ? power : n.mantissa * power;
}
