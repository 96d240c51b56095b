/**
 * `--model both` on a stream runs the two models on two threads
 * (replay/models/parallel-both.ts). Its verdict must be the one BothChecker gives on
 * one thread, to the byte: ok stats, or the same failure (line, triage,
 * each model's verdict, message, progress), on passing, mutated, cut,
 * over-long and empty traces, with the chunk boundaries anywhere.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReplayFailure, type FailureReport, type ReplayStats } from '../../../replay/index.js';
import { verdictOf, type ModelEnd } from '../../../replay/models/parallel-both.js';
import { traceText } from '../../../tracegen/index.js';
import { bySize } from '../../helpers.js';
import { ONE_THREAD_MAX_BYTES, replayStream } from '../../../replay/models/run.js';
import { replayText } from '../../../replay/index.js';
import { chunked, CHUNK_SIZES, fixtureTraces, MUTATIONS, mutatedTraces, mutateLine, sameVerdict, settle } from './both-threads.js';

describe('both on two threads', () => {
  it('passes what one thread passes, with the Lean stats', async () => {
    for (const profile of ['lean-core', 'full'] as const) {
      const v = await sameVerdict(traceText({ seed: 3n, events: 300, profile }), profile);
      assert.equal(v.ok, true);
    }
  });

  // Every mutation of six traces at every chunk size: test/long/parallel-both.test.ts.
  it('fails where one thread fails, with the same triage, on mutated traces (each mutation, chunk sizes in turn)', async () => {
    const traces = mutatedTraces(2);
    assert.equal(traces.length, 2 * MUTATIONS.length);
    let failed = 0;
    for (const [i, m] of traces.entries()) {
      const v = await sameVerdict(m.text, m.what, undefined, [CHUNK_SIZES[i % CHUNK_SIZES.length]!]);
      if (!v.ok) failed++;
    }
    assert.ok(failed >= 10, `failures exercised (${failed})`);
  });

  it('triages divergence fixtures as one thread does (four of them, chunk sizes in turn)', async () => {
    const fixtures = fixtureTraces().filter((_f, i) => i % 6 === 0);
    assert.ok(fixtures.length >= 4);
    let seen = 0;
    for (const [i, f] of fixtures.entries()) {
      const v = await sameVerdict(f.text, f.what, undefined, [CHUNK_SIZES[i % CHUNK_SIZES.length]!]);
      if (!v.ok) seen++;
    }
    assert.ok(seen >= 2, `fixtures failing under both (${seen})`);
  });

  // Each case at one chunk size, in turn; at every size in test:long (full size).
  it('a cut last line, an over-long line, an empty input and garbage end as on one thread', async () => {
    const text = traceText({ seed: 9n, events: 30, profile: 'lean-core' });
    const lines = text.split('\n');
    const longest = Math.max(...lines.map((l) => l.length));
    // A failing line before an over-long one wins, as it does on one thread.
    const early = mutateLine(text, 2, (l) => l.replace('"kind":"step"', '"kind":"stp"'));
    const cases: [text: string, what: string, ok: boolean, maxLineBytes?: number][] = [
      [text.slice(0, text.length - 30), 'cut at the end', false],
      // A prefix without its summary line is a trace both models accept, unterminated last line included.
      [lines.slice(0, 5).join('\n'), 'no summary, unterminated', true],
      [text, 'over-long line', false, longest - 1],
      ['', 'empty', false],
      ['not json\n{}\n', 'garbage', false],
      [early, 'failure before an over-long line', false, longest - 1],
    ];
    for (const [i, [input, what, ok, maxLineBytes]] of cases.entries()) {
      assert.equal((await sameVerdict(input, what, maxLineBytes, bySize<readonly number[]>([CHUNK_SIZES[i % CHUNK_SIZES.length]!], CHUNK_SIZES))).ok, ok, what);
    }
  });
});

describe('both by input size', () => {
  // Under the limit the input is checked on one thread, over it the head read is handed on to two.
  it('gives the one-thread verdict whichever side of ONE_THREAD_MAX_BYTES the input ends', async () => {
    const small = traceText({ seed: 5n, events: 40, profile: 'full' });
    const big = traceText({ seed: 5n, events: 1100, profile: 'full' });
    assert.ok(Buffer.byteLength(small) < ONE_THREAD_MAX_BYTES && Buffer.byteLength(big) > ONE_THREAD_MAX_BYTES + 4096, `${Buffer.byteLength(big)} bytes`);
    const lines = big.split('\n');
    const stp = (l: string) => l.replace('"kind":"step"', '"kind":"stp"');
    const cases: [text: string, what: string, ok: boolean][] = [
      [small, 'small, passing', true],
      [mutateLine(small, 3, stp), 'small, failing', false],
      [big, 'big, passing', true],
      [mutateLine(big, lines.length - 4, stp), 'big, failing past the head', false],
    ];
    for (const [text, what, ok] of cases) {
      const one = settle(() => replayText(text, { model: 'both' }));
      assert.equal(one.ok, ok, what);
      assert.deepEqual(await settle(() => replayStream(chunked(text, 4096), { model: 'both' })), one, what);
    }
  });
});

describe('verdictOf', () => {
  const report = (line: number): FailureReport => ({ kind: 'mismatch', line, stage: 'after', message: `m${line}`, triage: 'reducer-disagreement', triageReason: '', diff: [] });
  const progress = { steps: 1, summaries: 0, notes: [] };
  const stats: ReplayStats = { steps: 2, summaries: 1, slowLines: 0, notes: {} } as ReplayStats;

  it('the earliest end decides; a model that stopped later counts as ok there', () => {
    const ends = new Map<'lean' | 'cpp', ModelEnd>([
      ['lean', { kind: 'clear', line: 7 }],
      ['cpp', { kind: 'failed', line: 7, report: report(7), progress }],
    ]);
    assert.throws(() => verdictOf(ends), (err: unknown) => err instanceof ReplayFailure && err.report.line === 7 && err.report.comparison?.class === 'lean-cpp-divergence');
  });

  it('an over-long line that comes first is malformed input, not a divergence', () => {
    const ends = new Map<'lean' | 'cpp', ModelEnd>([
      ['lean', { kind: 'too-long', line: 4, limit: 10 }],
      ['cpp', { kind: 'too-long', line: 4, limit: 10 }],
    ]);
    assert.throws(() => verdictOf(ends), (err: unknown) => err instanceof ReplayFailure && err.report.kind === 'malformed' && err.report.line === 4);
  });

  it('both passing gives the first model’s stats', () => {
    assert.deepEqual(
      verdictOf(
        new Map<'lean' | 'cpp', ModelEnd>([
          ['lean', { kind: 'passed', stats }],
          ['cpp', { kind: 'passed', stats: { ...stats, slowLines: 5 } }],
        ]),
      ),
      stats,
    );
  });
});
