/**
 * `--jobs 2` under `--model both` shares each cycle between two threads
 * (fuzz/cycle/pipeline.ts). What a campaign finds must not depend on it: failures,
 * triage, divergences, coverage and saved traces are those of `--jobs 1`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { PIPELINE_MODELS } from '../../../fuzz/cycle/pipeline.js';
import { createSlots, Pipeline, PIPELINE_LANES, WorkerSlot } from '../../../fuzz/cycle/pool.js';
import { fuzz } from '../fuzz-driver.js';
import { sameAcrossJobs, sameExploreFindings } from './findings.js';

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('pipelined cycles', () => {
  it('the Lean mirror goes to the consumer; a single model keeps whole cycles', () => {
    assert.deepEqual(PIPELINE_MODELS, { producer: 'cpp', consumer: 'lean' });
    const kinds = (jobs: number, model: 'both' | 'cpp' | 'lean', inProcess = true) => createSlots(jobs, inProcess, model).map((s) => (s instanceof WorkerSlot ? 'whole' : 'lane'));
    assert.deepEqual(kinds(1, 'both'), ['whole']);
    const lanes = Array<string>(PIPELINE_LANES).fill('lane');
    assert.ok(PIPELINE_LANES >= 2, 'the producer must be able to start a cycle while the consumer finishes one');
    assert.deepEqual(kinds(2, 'both'), lanes);
    assert.deepEqual(kinds(3, 'both'), [...lanes, 'whole']);
    assert.deepEqual(kinds(4, 'both'), [...lanes, ...lanes]);
    assert.deepEqual(kinds(2, 'cpp'), ['whole', 'whole']);
    assert.deepEqual(kinds(2, 'lean'), ['whole', 'whole']);
    assert.deepEqual(kinds(2, 'both', false), ['whole', 'whole']);
    assert.equal(new Pipeline().lanes().length, PIPELINE_LANES);
  });

  // 12 cycles and --jobs 1 and 2 here; 24 cycles and --jobs 3 too in test/long/pipeline.test.ts.
  it('explore: --jobs 2 finds, triages and saves exactly what --jobs 1 does', async (t) => {
    await sameExploreFindings(tempDir(t), 12, [2]);
  });

  // 12 cycles here; the 30 of test/long/pipeline.test.ts.
  it('lean-core with the invariant required: the same passes, events and coverage, traces past the 2 MiB window included', async (t) => {
    await sameAcrossJobs(tempDir(t), 12);
  });

  it('--timeout stops a pipelined cycle, and the other lane still gets its own verdict', async (t) => {
    const dir = tempDir(t);
    // Seed 7 with 80000 events takes seconds to check: both cycles run out of time.
    const r = await fuzz(['--seed', '7', '--event', '80000', '--cycles', '2', '--jobs', '2', '--timeout', '1', '--report', 'r.json'], dir);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { cycles: { run: number; failed: number }; failures: { failure_reason: string | null }[] };
    assert.deepEqual([report.cycles.run, report.cycles.failed], [2, 2]);
    for (const f of report.failures) assert.match(f.failure_reason ?? '', /in-process cycle timed out after 1 s/);
  });
});
