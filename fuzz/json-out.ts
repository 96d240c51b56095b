/** Pretty JSON that writes bigints as exact integer literals (seeds exceed 2^53). */
import { randomBytes } from 'node:crypto';

const MARK = `__u64_${randomBytes(4).toString('hex')}__`;
const MARKED = new RegExp(`"${MARK}(-?\\d+)"`, 'g');

export function prettyJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${MARK}${v}` : v), 2).replace(MARKED, '$1') + '\n';
}
