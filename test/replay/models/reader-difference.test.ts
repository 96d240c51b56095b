/**
 * Under `--model both`, a line only one model's reader rejects (a number
 * the C++ reader refuses, nesting it does not allow) is a difference in
 * reading, not a divergence of the models: its own class, outside the
 * classes the divergence catalogue files, on one thread and on two.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { ReplayFailure, replayText } from '../../../replay/index.js';
import { replayStream } from '../../../replay/models/run.js';
import { DIVERGENCE_CLASSES } from '../../../replay/verdict/failure.js';
import { traceText } from '../../../tracegen/index.js';
import { ROOT, runBin } from '../../helpers.js';

const REPLAY = join(ROOT, 'dist', 'scripts', 'peering-replay-ts.js');
const trace = traceText({ seed: 7n, events: 5, profile: 'lean-core' });

function withUnknown(index: number, value: string): string {
  const lines = trace.split('\n');
  lines[index] = `{"extra":${value},${lines[index]!.slice(1)}`;
  return lines.join('\n');
}

function failureOf(run: () => unknown): ReplayFailure {
  try {
    run();
  } catch (err) {
    if (err instanceof ReplayFailure) return err;
    throw err;
  }
  assert.fail('the trace was accepted');
}

describe('--model both: a difference in reading', () => {
  for (const value of ['269e0', '0e0', '1.5', `${'['.repeat(300)}${']'.repeat(300)}`]) {
    it(`${value.slice(0, 12)} in an unknown member: reader-difference, not a divergence`, async () => {
      const text = withUnknown(2, value);
      assert.doesNotThrow(() => replayText(text, { model: 'lean' }));
      const one = failureOf(() => replayText(text, { model: 'both' }));
      const c = one.report.comparison!;
      assert.equal(c.class, 'reader-difference');
      assert.equal(c.line, 3);
      assert.equal(one.report.triage, 'parse');
      assert.equal(c.verdicts.lean!.ok, true);
      assert.equal(c.verdicts.cpp!.kind, 'malformed');
      assert.ok(!DIVERGENCE_CLASSES.includes(c.class));
      const two = await replayStream(Readable.from([Buffer.from(text)]), { model: 'both', oneThreadMaxBytes: 0 }).then(
        () => assert.fail('accepted on two threads'),
        (err: unknown) => err as ReplayFailure,
      );
      assert.deepEqual(two.report, one.report);
    });
  }

  it('a model divergence keeps its class', () => {
    // The Lean reader rejects a fraction where it reads a natural; the C++ reader too: both fail.
    const text = trace.replace(/"pool_size":\d+/, '"pool_size":2.5');
    assert.equal(failureOf(() => replayText(text, { model: 'both' })).report.comparison!.class, 'producer-bug');
    assert.deepEqual([...DIVERGENCE_CLASSES].sort(), ['cpp-lean-divergence', 'lean-cpp-divergence', 'producer-bug']);
  });

  it('the CLI names the class and the triage alike', async () => {
    const r = await runBin(REPLAY, ['--model', 'both', '-'], withUnknown(1, '269e0'));
    assert.equal(r.code, 1);
    assert.match(r.stdout + r.stderr, /class reader-difference/);
    assert.match(r.stdout + r.stderr, /triage: parse/);
    assert.doesNotMatch(r.stdout + r.stderr, /divergence/);
  });
});
