/**
 * peering-trace-diff on every odd line with every pairing of good and bad
 * traces, in both modes (npm test runs one pairing per mode, in turn).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { traceText } from '../../tracegen/index.js';
import { checkOddLine, oddLines, PAIRS } from '../scripts/odd-lines.js';

describe('peering-trace-diff validates every odd line as the checker does, every pairing', () => {
  // The trace hostile-input.test.ts takes from the bin: seed 7, 8 events, the full profile.
  const { good, odd } = oddLines(traceText({ seed: 7n, events: 8, profile: 'full' }));
  for (const [name, line] of odd) {
    it(`${name}: exit 3 on either side or both exactly when the checker rejects the line, never a TypeError`, async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'odd-lines-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      await checkOddLine(dir, good, line, () => PAIRS);
    });
  }
});
