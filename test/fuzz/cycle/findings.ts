/**
 * What a campaign found, compared across --jobs: the report without what
 * differs by design, and the saved traces by digest. Shared by
 * test/fuzz/cycle/pipeline.test.ts and test/long/pipeline.test.ts.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fuzz } from '../fuzz-driver.js';

/**
 * The report without what differs by design between two runs: timing, argv,
 * jobs, paths and the order cycles finished in.
 */
export function findings(dir: string, name: string, saveDir: string): unknown {
  const r = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;
  for (const k of ['started_at', 'finished_at', 'duration_s', 'events_per_second', 'cycles_per_second', 'argv', 'config', 'meta']) delete r[k];
  const failures = r.failures as { config: { cycle: number } }[] | undefined;
  failures?.sort((a, b) => a.config.cycle - b.config.cycle);
  return JSON.parse(JSON.stringify(r).split(join(dir, saveDir)).join('<saved>'));
}

export function traceDigests(dir: string): Map<string, string> {
  return new Map(
    readdirSync(dir)
      .filter((n) => n.endsWith('.jsonl'))
      .map((n) => [n, createHash('sha256').update(readFileSync(join(dir, n))).digest('hex')]),
  );
}

/** A lean-core campaign of `cycles` cycles of up to 3000 events, invariant required, run with --jobs 1 and 2: the same findings. */
export async function sameAcrossJobs(dir: string, cycles: number): Promise<void> {
  // Up to 3000 events: several traces of 3-8 MB, so the producer waits on the window.
  const common = ['--profile', 'lean-core', '--campaign-seed', '5', '--cycles', String(cycles), '--event-range', '16', '3000', '--require-cpp-image-invariant', '--no-progress'];
  for (const jobs of [1, 2]) {
    const r = await fuzz([...common, '--jobs', String(jobs), '--report', `r${jobs}.json`], dir);
    assert.equal(r.code, 0, r.stderr);
  }
  const one = findings(dir, 'r1.json', 'none') as { cycles: { passed: number }; events: number };
  assert.equal(one.cycles.passed, cycles);
  assert.ok(one.events > 2 * 3000, `long traces among them (${one.events} events)`);
  assert.deepEqual(findings(dir, 'r2.json', 'none'), one);
}

/** An explore campaign of `cycles` cycles of 200 events under --jobs 1, then each of `others`: the same failures, triage, divergences and saved traces. */
export async function sameExploreFindings(dir: string, cycles: number, others: readonly number[]): Promise<void> {
  const common = ['--profile', 'explore', '--campaign-seed', '11', '--cycles', String(cycles), '--event', '200', '--no-progress'];
  for (const jobs of [1, ...others]) {
    const r = await fuzz([...common, '--jobs', String(jobs), '--report', `r${jobs}.json`, '--save-failure-traces', `f${jobs}`], dir);
    assert.equal(r.code, 1, `jobs ${jobs}: ${r.stderr}`);
  }
  const one = findings(dir, 'r1.json', 'f1') as { failures: unknown[]; divergences: unknown[] };
  assert.ok(one.failures.length > 0 && one.divergences.length > 0, 'the campaign should find divergences');
  for (const jobs of others) {
    assert.deepEqual(findings(dir, `r${jobs}.json`, `f${jobs}`), one, `--jobs ${jobs}`);
    assert.deepEqual(traceDigests(join(dir, `f${jobs}`)), traceDigests(join(dir, 'f1')), `--jobs ${jobs}`);
  }
}
