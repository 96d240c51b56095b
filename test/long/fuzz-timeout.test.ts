/**
 * `--timeout` on a cycle too big to finish: a 220 MB in-process trace (npm
 * test covers the timeout on small cycles: hanging tools, pipelined lanes).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { fuzz } from '../fuzz/fuzz-driver.js';
import { assertRecordedTrace, assertWholeTrace, readRecords } from '../fuzz/trace-records.js';

it('--timeout stops a long in-process cycle, and a trace it keeps is whole, not cut where the worker was stopped', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-timeout-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // Seed 7 with at most 80000 events: a 78261-step, 220 MB trace; checking
  // it takes several seconds, and so does writing it out again, so the
  // one-second limit stops both.
  const r = await fuzz(['--seed', '7', '--event', '80000', '--cycles', '1', '--timeout', '1', '--save-failure-traces', 'out'], dir);
  assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
  const [record, ...more] = readRecords(join(dir, 'out'));
  assert.ok(record !== undefined && more.length === 0);
  assert.match(record.failure_reason ?? '', /in-process cycle timed out after 1 s/);
  if (record.trace_path !== null) {
    assertRecordedTrace(record);
    assertWholeTrace(record.trace_path);
  }
  for (const name of readdirSync(join(dir, 'out'))) {
    if (name.endsWith('.jsonl') && !name.startsWith('.tmp-')) assertWholeTrace(join(dir, 'out', name));
  }
});
