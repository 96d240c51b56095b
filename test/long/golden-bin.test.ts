/**
 * Every row of the golden manifest through the real `cross-validate` bin:
 * stdout sha256, size, line count, exit code and stderr (npm test runs
 * every row in-process and a spread of them through the bin).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { binMismatch, manifest, MANIFEST_ROWS, pool } from '../tracegen/golden-rows.js';

it('the cross-validate bin matches every golden row: stdout sha256, line count, exit code and stderr', async () => {
  const rows = manifest();
  assert.equal(rows.length, MANIFEST_ROWS);
  const failed = (await pool(rows, 2, binMismatch)).filter((m) => m !== undefined);
  assert.deepEqual(failed, [], `${failed.length}/${rows.length} rows differ`);
});
