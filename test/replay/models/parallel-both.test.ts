/**
 * `--model both` on a stream runs the two models on two threads
 * (replay/models/parallel-both.ts). Its verdict must be the one BothChecker gives on
 * one thread, to the byte: ok stats, or the same failure (line, triage,
 * each model's verdict, message, progress), on passing, mutated, cut,
 * over-long and empty traces, with the chunk boundaries anywhere.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { ReplayFailure, replayText, type FailureReport, type ReplayStats } from '../../../replay/index.js';
import { replayStream } from '../../../replay/models/run.js';
import { verdictOf, type ModelEnd } from '../../../replay/models/parallel-both.js';
import { traceText } from '../../../tracegen/index.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture } from '../../helpers.js';

type Verdict = { ok: true; stats: ReplayStats } | { ok: false; report: unknown; progress: unknown; kind: string };

function settle(run: () => ReplayStats): Verdict;
function settle(run: () => Promise<ReplayStats>): Promise<Verdict>;
function settle(run: () => ReplayStats | Promise<ReplayStats>): Verdict | Promise<Verdict> {
  const fail = (err: unknown): Verdict => {
    if (!(err instanceof ReplayFailure)) throw err;
    return { ok: false, report: err.report, progress: err.progress, kind: err.report.kind };
  };
  try {
    const r = run();
    if (r instanceof Promise) return r.then((stats) => ({ ok: true, stats }) as Verdict, fail);
    return { ok: true, stats: r };
  } catch (err) {
    return fail(err);
  }
}

/** The text as a stream cut into `size`-byte chunks. */
function chunked(text: string, size: number): Readable {
  const bytes = Buffer.from(text);
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts, { objectMode: false });
}

async function sameVerdict(text: string, what: string, maxLineBytes?: number): Promise<Verdict> {
  const options = { model: 'both' as const, ...(maxLineBytes === undefined ? {} : { maxLineBytes }) };
  const one = settle(() => replayText(text, options));
  for (const size of [1 << 20, 4096, 97]) {
    const two = await settle(() => replayStream(chunked(text, size), options));
    assert.deepEqual(two, one, `${what} (chunks of ${size})`);
  }
  return one;
}

function mutateLine(text: string, index: number, mutate: (line: string) => string): string {
  const lines = text.split('\n');
  lines[index] = mutate(lines[index]!);
  return lines.join('\n');
}

describe('both on two threads', () => {
  it('passes what one thread passes, with the Lean stats', async () => {
    for (const profile of ['lean-core', 'full'] as const) {
      const v = await sameVerdict(traceText({ seed: 3n, events: 300, profile }), profile);
      assert.equal(v.ok, true);
    }
  });

  it('fails where one thread fails, with the same triage, on mutated traces', async () => {
    const mutations: ((line: string) => string)[] = [
      (l) => l.replace(/"committed_seq":(\d+)/, (_m, d: string) => `"committed_seq":${Number(d) + 1}`),
      (l) => l.replace('"image_invariant":true', '"image_invariant":false'),
      (l) => l.replace(/"peers_queried":\[(\d+),(\d+)\]/, '"peers_queried":[$2,$1]'),
      (l) => l.replace(/"epoch":(\d+)/, '"epoch":$1.0'),
      (l) => l.replace('"kind":"step"', '"kind":"stp"'),
      (l) => l.slice(0, 40),
      (l) => l.replace(/"acting":\{"osds":\[(\d+),(\d+)/, '"acting":{"osds":[$2,$1'),
    ];
    let failed = 0;
    for (let seed = 1n; seed <= 6n; seed++) {
      const text = traceText({ seed, events: 40, profile: seed % 2n === 0n ? 'full' : 'lean-core' });
      const steps = text.split('\n').length - 2;
      for (const [k, mutate] of mutations.entries()) {
        const index = Number((seed * 13n + BigInt(k)) % BigInt(steps));
        const v = await sameVerdict(mutateLine(text, index, mutate), `seed ${seed} mutation ${k} line ${index + 1}`);
        if (!v.ok) failed++;
      }
    }
    assert.ok(failed > 20, `failures exercised (${failed})`);
  });

  it('triages the divergence fixtures as one thread does', async () => {
    const root = fixture('divergences');
    let seen = 0;
    for (const name of readdirSync(root)) {
      for (const file of readdirSync(join(root, name)).filter((f) => f.endsWith('.jsonl'))) {
        const v = await sameVerdict(readFileSync(join(root, name, file), 'utf8'), `${name}/${file}`);
        if (!v.ok) seen++;
      }
    }
    assert.ok(seen >= 11, `fixtures failing under both (${seen})`);
  });

  it('a cut last line, an over-long line, an empty input and garbage end as on one thread', async () => {
    const text = traceText({ seed: 9n, events: 30, profile: 'lean-core' });
    const lines = text.split('\n');
    assert.equal((await sameVerdict(text.slice(0, text.length - 30), 'cut at the end')).ok, false);
    // A prefix without its summary line is a trace both models accept, unterminated last line included.
    assert.equal((await sameVerdict(lines.slice(0, 5).join('\n'), 'no summary, unterminated')).ok, true);
    const longest = Math.max(...lines.map((l) => l.length));
    const v = await sameVerdict(text, 'over-long line', longest - 1);
    assert.equal(v.ok, false);
    assert.equal((await sameVerdict('', 'empty')).ok, false);
    assert.equal((await sameVerdict('not json\n{}\n', 'garbage')).ok, false);
    // A failing line before an over-long one wins, as it does on one thread.
    const early = mutateLine(text, 2, (l) => l.replace('"kind":"step"', '"kind":"stp"'));
    assert.equal((await sameVerdict(early, 'failure before an over-long line', longest - 1)).ok, false);
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
