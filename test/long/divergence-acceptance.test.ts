/**
 * The acceptance campaigns of divergence verdicts (run by `npm run
 * test:long`, not `npm test`): four explore campaigns under --model both
 * with --minimize (campaign seeds 11 to 14, 150 cycles of 32 to 400
 * events) name a known cause for every finding, 9 to 14 causes in all,
 * support order among them, and pass --allow-known; their records all
 * still fail when rerun as they were judged.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CampaignReport } from '../../fuzz/outputs/report.js';
import { parseJsonWithFractions } from '../../replay/index.js';
import { ROOT } from '../helpers.js';

const BIN = join(ROOT, 'dist', 'bin', 'replay-fuzz.js');
const fuzz = (args: readonly string[], cwd: string) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, TMPDIR: cwd }, maxBuffer: 1 << 28 });

describe('four explore campaigns under --model both --minimize --allow-known', () => {
  it('every finding has a known cause; 9-14 causes including support-order; exit 0; rerun says they still fail', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'acceptance-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const causes = new Map<string, number>();
    let findings = 0;
    for (const seed of [11, 12, 13, 14]) {
      const args = ['--profile', 'explore', '--model', 'both', '--minimize', '--campaign-seed', String(seed), '--cycles', '150', '--event-range', '32', '400'];
      const run = fuzz([...args, '--allow-known', '--no-progress', '--report', `r${seed}.json`, '--save-failure-traces', `f${seed}`], dir);
      assert.equal(run.status, 0, `campaign ${seed}: ${run.stdout.slice(-2000)}${run.stderr}`);
      const r = parseJsonWithFractions(readFileSync(join(dir, `r${seed}.json`), 'utf8')) as unknown as CampaignReport;
      assert.equal(Number(r.new_causes), 0);
      assert.equal(r.failures.length, Number(r.cycles.failed));
      for (const f of r.failures) {
        assert.equal(f.divergence?.known, true, `campaign ${seed} cycle ${f.config.cycle}: ${JSON.stringify(f.divergence)}`);
        causes.set(f.divergence!.cause, (causes.get(f.divergence!.cause) ?? 0) + 1);
        findings++;
      }
    }
    assert.ok(findings > 400, `${findings} findings`);
    assert.ok(causes.size >= 9 && causes.size <= 14, `${causes.size} causes: ${[...causes].join(', ')}`);
    assert.ok(causes.has('support-order'), [...causes.keys()].join(', '));

    const rerun = fuzz(['rerun', 'f11'], dir);
    assert.equal(rerun.status, 1, rerun.stderr);
    assert.doesNotMatch(rerun.stdout, /^(fixed|cannot rerun):/m);
  });
});
