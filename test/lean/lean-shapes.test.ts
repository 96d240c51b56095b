/**
 * The Lean mirror builds every Snapshot, PGInfo and PeerInfo with one object
 * literal each (`withSnapshot`, `withPGInfo`, `withPeerInfo`) and its lists
 * as packed arrays (`listMap`). Spread copies and `Array.prototype.map` had
 * given the hot functions dozens of hidden classes to deoptimize on
 * (docs/performance.md). V8 tells, under --allow-natives-syntax.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, runCommand } from '../helpers.js';

const PROBE = join(ROOT, 'dist', 'test', 'lean', 'lean-shapes-probe.js');

describe('Lean mirror object shapes', () => {
  for (const [profile, seeds] of [
    ['lean-core', 20],
    ['explore', 20],
  ] as const) {
    it(`${profile}: one hidden class per structure, no holey list, over ${seeds} traces`, async () => {
      const r = await runCommand(process.execPath, ['--allow-natives-syntax', PROBE, profile, String(seeds), '300']);
      assert.equal(r.code, 0, r.stderr);
      const seen = JSON.parse(r.stdout) as Record<string, number>;
      assert.ok(seen.steps! > 1000, `too few steps to tell: ${r.stdout}`);
      assert.deepEqual({ ...seen, steps: 0 }, { steps: 0, snapshots: 1, pgInfos: 1, peerInfos: 1, holeyLists: 0 });
    });
  }
});
