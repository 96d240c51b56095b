/**
 * A cycle that ended without a verdict (its in-process worker timed out or
 * crashed) is no finding: the recorder must not run it again to triage it,
 * on the driver's thread and with no deadline, which is what --timeout was
 * there to prevent. The cycle here would take hours to run, so the
 * recorder runs in a child process that gets 30 seconds.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../../helpers.js';

const module = (path: string): string => JSON.stringify(pathToFileURL(join(ROOT, 'dist', path)).href);

function recordLost(lost: 'timeout' | 'crash'): string {
  return `
    const { DivergenceRecorder } = await import(${module('fuzz/catalogue/catalogue-run.js')});
    const { loadCauseRegistry } = await import(${module('fuzz/catalogue/registry.js')});
    const outcome = {
      config: { cycle: 1, profile: 'lean-core', seed: 7n, events: 2000000000 },
      ok: false, events: 0, generatorExit: null, replayerExit: null, generatorStderr: '', replayerStderr: '',
      reason: 'in-process cycle lost', lost: ${JSON.stringify(lost)},
    };
    const filed = new DivergenceRecorder(loadCauseRegistry()).record({ outcome, reproduce: '-', tracePath: null, traceFile: undefined, eventsFile: undefined, regenerable: true });
    process.stdout.write(String(filed));`;
}

describe('a cycle lost to a timeout or a crash', () => {
  for (const lost of ['timeout', 'crash'] as const) {
    it(`(${lost}) is not run again to be triaged, and is filed as no divergence`, () => {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', recordLost(lost)], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.signal, null, 'the recorder ran the lost cycle again');
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, 'undefined');
    });
  }
});
