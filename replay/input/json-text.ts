/**
 * JSON text for the reports our tools write (the checker's and the diff's
 * `--json`, campaign reports, failure indexes, merged reports). A bigint is
 * written as a decimal string: seeds reach 2^64-1, and a bare number above
 * 2^53 is silently rounded by JSON.parse, jq and most dashboards. Readers
 * of our reports accept both that string and an older report's bare number.
 */
export function reportJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), indent);
}
