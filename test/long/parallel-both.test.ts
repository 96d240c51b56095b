/**
 * `--model both` on two threads against one thread, in full: every
 * mutation of six traces and every divergence fixture, each at every
 * chunk size (npm test runs a sample, chunk sizes in turn).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fixtureTraces, MUTATIONS, mutatedTraces, sameVerdict } from '../replay/models/both-threads.js';

it('fails where one thread fails, with the same triage, on every mutated trace at every chunk size', async () => {
  const traces = mutatedTraces(6);
  assert.equal(traces.length, 6 * MUTATIONS.length);
  let failed = 0;
  for (const m of traces) if (!(await sameVerdict(m.text, m.what)).ok) failed++;
  assert.ok(failed > 20, `failures exercised (${failed})`);
});

it('triages every divergence fixture as one thread does, at every chunk size', async () => {
  let seen = 0;
  for (const f of fixtureTraces()) if (!(await sameVerdict(f.text, f.what)).ok) seen++;
  assert.ok(seen >= 11, `fixtures failing under both (${seen})`);
});
