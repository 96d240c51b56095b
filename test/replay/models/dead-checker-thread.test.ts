/**
 * A checker thread that dies under `--model both` (here: out of memory, by
 * a heap limit) is an internal error of the checker, not an unreadable
 * file: its own error class, message and exit status (5).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { replayBothParallel } from '../../../replay/models/parallel-both.js';
import { CheckerCrash } from '../../../replay/verdict/failure.js';
import { REPLAY_EXIT } from '../../../replay/verdict/report.js';
import { traceText } from '../../../tracegen/index.js';
import { ROOT, runCommand } from '../../helpers.js';

const REPLAY = join(ROOT, 'dist', 'scripts', 'peering-replay-ts.js');
const trace = traceText({ seed: 2n, events: 3, profile: 'lean-core' });

/** A line the C++ reader rejects at once and the Lean reader builds whole: a few million empty arrays. */
function heavyTrace(): string {
  const lines = trace.split('\n');
  lines[1] = `{"x":1.5,"junk":[${'[],'.repeat(2_000_000)}[]],${lines[1]!.slice(1)}`;
  return lines.join('\n');
}

describe('--model both: a dead checker thread', () => {
  it('is a CheckerCrash naming the thread and why, not an I/O error', async () => {
    // A heap too small to start an isolate at all (1 MB) kills the whole process on Node 22,
    // so the limit lets the thread start and the input exhausts it.
    const err = await replayBothParallel(Readable.from([Buffer.from(heavyTrace())]), { leanHeapMb: 16 }).then(
      () => assert.fail('the replay passed with a dead thread'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof CheckerCrash, String(err));
    assert.match(err.message, /the Lean checker thread died: .*(memory|heap)/i);
  });

  it('exits 5 with an internal-error line, never "cannot read"', async () => {
    assert.equal(REPLAY_EXIT.internal, 5);
    // Only the Lean thread is limited: with one limit for the whole process, either thread could run out first.
    const r = await runCommand(process.execPath, [REPLAY, '--model', 'both', '-'], heavyTrace(), { ...process.env, PEERING_REPLAY_LEAN_HEAP_MB: '16' });
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /^peering-replay-ts: internal error: the Lean checker thread died: .*memory/im);
    assert.doesNotMatch(r.stderr, /cannot read/);
  });
});
