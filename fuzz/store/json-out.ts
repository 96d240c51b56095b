/** Pretty report JSON, uint64 values as decimal strings (see replay/input/json-text.ts). */
import { reportJson } from '../../replay/input/json-text.js';

export function prettyJson(value: unknown): string {
  return reportJson(value, 2) + '\n';
}
