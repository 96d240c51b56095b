/** Pretty report JSON, uint64 values as decimal strings (see replay/json-text.ts). */
import { reportJson } from '../replay/json-text.js';

export function prettyJson(value: unknown): string {
  return reportJson(value, 2) + '\n';
}
