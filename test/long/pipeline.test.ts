/** The pipelined --jobs 2 and 3 against --jobs 1 on longer campaigns than npm test's. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { sameAcrossJobs, sameExploreFindings } from '../fuzz/cycle/findings.js';

it('lean-core with the invariant required, 30 cycles: the same passes, events and coverage under --jobs 1 and 2', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-long-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await sameAcrossJobs(dir, 30);
});

it('explore, 24 cycles: --jobs 2 and 3 find, triage and save exactly what --jobs 1 does', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-long-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await sameExploreFindings(dir, 24, [2, 3]);
});
