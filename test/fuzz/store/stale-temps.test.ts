/**
 * Temporaries of every kind a run writes carry names the cleanup knows:
 * an `--impl` cycle's event stream and implementation stderr, and the
 * minimized event stream, as well as traces and the index. A killed
 * `--impl` run's scratch directory is therefore reaped like any other.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { eventsTemp } from '../../../fuzz/cycle/impl.js';
import { stderrTemp } from '../../../fuzz/cycle/external.js';
import { isOwnTemp, removeStaleTemps, tempPathIn } from '../../../fuzz/store/durable.js';
import { removeStaleScratch } from '../../../fuzz/store/scratch.js';

const trace = tempPathIn('/x', 'failure-cycle-3-seed-18446744073709551615.jsonl').slice(3);
const implStderr = trace.replace(/\.jsonl$/, '.implementation-stderr.txt');

describe('stale temporaries', () => {
  it('every temporary name a cycle or a record writes is ours', () => {
    for (const name of [
      trace,
      eventsTemp(trace),
      implStderr,
      stderrTemp(trace, 'replayer'),
      stderrTemp(trace, 'cross-validate'),
      tempPathIn('/x', 'failure-cycle-3-seed-7-2.min.jsonl').slice(3),
      tempPathIn('/x', 'failure-cycle-3-seed-7-2.min.events.jsonl').slice(3),
      tempPathIn('/x', 'failure-cycle-3-seed-7.events.jsonl').slice(3),
      tempPathIn('/x', 'failure-cycle-3-seed-7.implementation-stderr.txt').slice(3),
      tempPathIn('/x', 'failures.json').slice(3),
    ]) {
      assert.ok(isOwnTemp(name), name);
    }
    for (const name of ['.tmp-0123456789ab-notes.txt', '.tmp-xyz-failures.json', 'failure-cycle-3-seed-7.events.jsonl', '.tmp-0123456789ab-failure-cycle-3-seed-7.events.jsonl.bak']) {
      assert.ok(!isOwnTemp(name), name);
    }
  });

  it('a failure directory loses its stale event and implementation temporaries', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'stale-temps-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, eventsTemp(trace)), '{}\n');
    writeFileSync(join(dir, implStderr), 'x\n');
    writeFileSync(join(dir, 'keep.txt'), 'x\n');
    assert.equal(removeStaleTemps(dir), 2);
    assert.deepEqual(readdirSync(dir), ['keep.txt']);
  });

  it("a killed --impl run's scratch directory is reaped", (t) => {
    const base = mkdtempSync(join(tmpdir(), 'stale-scratch-'));
    t.after(() => rmSync(base, { recursive: true, force: true }));
    const scratch = join(base, 'replay-fuzz-Zz9Yy8');
    mkdirSync(scratch);
    const gone = spawnSync('true').pid!;
    writeFileSync(join(scratch, '.owner'), JSON.stringify({ tool: 'replay-fuzz', pid: gone, start: '1', host: hostname(), nonce: '01' }));
    for (const name of [trace, eventsTemp(trace), implStderr, stderrTemp(trace, 'replayer')]) writeFileSync(join(scratch, name), 'x');
    assert.equal(removeStaleScratch(base), 1);
    assert.equal(existsSync(scratch), false);
  });
});
