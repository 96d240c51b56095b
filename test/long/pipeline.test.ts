/** The pipelined --jobs 2 against --jobs 1 on a 30-cycle lean-core campaign (npm test runs 12 cycles). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { sameAcrossJobs } from '../fuzz/cycle/findings.js';

it('lean-core with the invariant required, 30 cycles: the same passes, events and coverage under --jobs 1 and 2', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-long-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await sameAcrossJobs(dir, 30);
});
