/**
 * Text in reports and on the terminal, the same on every machine.
 * `localeCompare` and `toLocaleString` follow the process's locale and ICU
 * data, so a report's order could change with LANG or the Node build, and
 * their first use costs each process several milliseconds of ICU set-up.
 */

/** Orders strings by UTF-16 code units: fixed, whatever the locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A whole number with its thousands grouped by commas (`1,234,567`), as en-US writes it. */
export function withThousands(n: number): string {
  const digits = Math.abs(Math.round(n)).toString();
  if (!/^\d+$/.test(digits)) return String(Math.round(n)); // Infinity, NaN
  const grouped = digits.replace(/\B(?=(\d{3})+$)/g, ',');
  return n < 0 && grouped !== '0' ? `-${grouped}` : grouped;
}
