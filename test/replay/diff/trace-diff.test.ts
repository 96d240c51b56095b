/**
 * `diffTraces` and the `peering-trace-diff` bin: agreement, the first
 * divergence with a focused diff, lean versus strict equivalence, TS output
 * against stored upstream traces, and the bin's exit codes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { diffTraces, parseJson, ReplayFailure, stringifyJson, type JsonObject, type JsonValue } from '../../../replay/index.js';
import { sameJson } from '../../../replay/compare/project.js';
import { traceText, type Profile } from '../../../tracegen/index.js';
import { requireGolden, ROOT, runBin } from '../../helpers.js';

const DIFF_CLI = join(ROOT, 'dist', 'scripts', 'peering-trace-diff.js');
const runDiff = (args: readonly string[], input?: string) => runBin(DIFF_CLI, args, input);

const J = (v: JsonValue | undefined): JsonObject => v as JsonObject;
const A = (v: JsonValue | undefined): JsonValue[] => v as JsonValue[];
const stream = (text: string | Buffer): Readable => Readable.from([Buffer.from(text)]);
const lineCount = (text: string): number => text.split('\n').filter((l) => l !== '').length;

function editLine(text: string, index: number, change: (j: JsonObject) => void): string {
  const lines = text.split('\n');
  const j = J(parseJson(lines[index]!));
  change(j);
  lines[index] = stringifyJson(j);
  return lines.join('\n');
}

const T1 = traceText({ profile: 'lean-core', seed: 1n, events: 12 });
const T2 = traceText({ profile: 'lean-core', seed: 2n, events: 12 });

/** A step (0-based line index) with at least two effects of different types. */
function mixedEffectsLine(text: string): number {
  const i = text.split('\n').findIndex((l) => l.startsWith('{"kind":"step"') && new Set(A(J(parseJson(l)).effects).map((f) => J(f).type)).size >= 2);
  assert.ok(i >= 0, 'a step with two effect types');
  return i;
}

describe('diffTraces', () => {
  it('identical traces agree, with no equivalent-but-different lines', async () => {
    const r = await diffTraces(stream(T1), stream(T1));
    assert.equal(r.divergence, undefined);
    assert.equal(r.lines, lineCount(T1));
    assert.equal(r.equivalentLines, 0);
  });

  it('different seeds diverge at line 1, naming the differing event members', async () => {
    const r = await diffTraces(stream(T1), stream(T2));
    const d = r.divergence;
    assert.ok(d);
    assert.equal(r.lines, 1);
    assert.equal(d.lineA, 1);
    assert.equal(d.lineB, 1);
    assert.equal(d.step, 0);
    assert.equal(d.event, 'Initialize');
    assert.equal(d.message, 'traces diverge at trace line 1');
    const a = J(J(parseJson(T1.split('\n')[0]!)).event);
    const b = J(J(parseJson(T2.split('\n')[0]!)).event);
    const differing = Object.keys(a).filter((k) => !sameJson(a[k], b[k]));
    assert.ok(differing.length > 0);
    for (const k of differing) assert.ok(d.diff.some((e) => e.path === `event.${k}` || e.path.startsWith(`event.${k}.`) || e.path.startsWith(`event.${k}[`)), `no diff entry for event.${k}`);
    const entry = d.diff.find((e) => e.path.startsWith('event.'))!;
    assert.notEqual(entry.expected, entry.actual);
  });

  it('lean mode treats reversed effects as equivalent; strict mode does not', async () => {
    const k = mixedEffectsLine(T1);
    const reversed = editLine(T1, k, (j) => A(j.effects).reverse());
    const lean = await diffTraces(stream(T1), stream(reversed), 'lean');
    assert.equal(lean.divergence, undefined);
    assert.equal(lean.lines, lineCount(T1));
    assert.equal(lean.equivalentLines, 1);

    const strict = await diffTraces(stream(T1), stream(reversed), 'strict');
    assert.ok(strict.divergence);
    assert.equal(strict.divergence.lineA, k + 1);
    assert.equal(strict.divergence.step, k);
    assert.ok(strict.divergence.diff.length > 0 && strict.divergence.diff.every((e) => e.path.startsWith('effects')), JSON.stringify(strict.divergence.diff));
  });

  it('a changed member is reported with both values, in either mode', async () => {
    const k = 3;
    const was = J(J(parseJson(T1.split('\n')[k]!)).after).epoch as number;
    const changed = editLine(T1, k, (j) => (J(j.after).epoch = was + 100));
    for (const mode of ['lean', 'strict'] as const) {
      const r = await diffTraces(stream(T1), stream(changed), mode);
      assert.ok(r.divergence, mode);
      assert.equal(r.divergence.lineA, k + 1);
      assert.deepEqual(r.divergence.diff, [{ path: 'after.epoch', expected: String(was), actual: String(was + 100) }]);
    }
  });

  it('a trace that ends early diverges where the other continues', async () => {
    const lines = T1.split('\n');
    const prefix = lines.slice(0, 4).join('\n') + '\n';
    const r = await diffTraces(stream(prefix), stream(T1));
    assert.ok(r.divergence);
    assert.equal(r.lines, 4);
    assert.equal(r.divergence.lineA, 0);
    assert.equal(r.divergence.lineB, 5);
    assert.equal(r.divergence.message, 'trace A ends after 4 lines; the other continues at line 5');
  });

  it('reads traces as the replay checker does: CRLF, comments and blank lines do not count', async () => {
    const noisy = '# header\n\n' + T1.replace(/\n/g, '\r\n');
    const r = await diffTraces(stream(noisy), stream(T1));
    assert.equal(r.divergence, undefined);
    assert.equal(r.lines, lineCount(T1));
    assert.equal(r.equivalentLines, 0);
  });

  it('rejects a malformed line that differs, naming its side and physical line', async () => {
    const lines = T1.split('\n');
    lines[1] = lines[1]!.slice(0, 300);
    const broken = ['# comment', ...lines].join('\n');
    await assert.rejects(diffTraces(stream(T1), stream(broken)), (err: unknown) => {
      assert.ok(err instanceof ReplayFailure);
      assert.equal(err.report.kind, 'malformed');
      assert.equal(err.report.line, 3);
      assert.match(err.report.message, /^trace B: invalid JSON: /);
      return true;
    });
  });

  it('a TS trace and the matching stored upstream trace agree', async () => {
    const golden = join(requireGolden(), 'traces');
    for (const [profile, seed, events] of [
      ['lean-core', 3, 25],
      ['full', 17, 25],
      ['full', 0, 30],
      ['lean-core', 2, 200],
    ] as [Profile, number, number][]) {
      const upstream = gunzipSync(readFileSync(join(golden, `${profile}-seed${seed}-events${events}.jsonl.gz`)));
      const ours = traceText({ profile, seed: BigInt(seed), events });
      for (const mode of ['lean', 'strict'] as const) {
        const r = await diffTraces(stream(upstream), stream(ours), mode);
        assert.equal(r.divergence, undefined, `${profile} seed ${seed} events ${events} (${mode}): ${JSON.stringify(r.divergence)?.slice(0, 500)}`);
        assert.equal(r.lines, lineCount(ours));
        assert.equal(r.equivalentLines, 0);
      }
    }
  });
});


describe('peering-trace-diff bin', { concurrency: 3 }, () => {
  let dir = '';
  const path = (name: string) => join(dir, name);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'trace-diff-'));
    writeFileSync(path('t1.jsonl'), T1);
    writeFileSync(path('t1-copy.jsonl'), T1);
    writeFileSync(path('t2.jsonl'), T2);
    const lines = T1.split('\n');
    lines[2] = `${lines[2]!.slice(0, -1)},}`;
    writeFileSync(path('t1-bad.jsonl'), lines.join('\n'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 when the traces agree', async () => {
    const r = await runDiff([path('t1.jsonl'), path('t1-copy.jsonl')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `traces agree: ${lineCount(T1)} lines (0 equivalent but not byte-identical)\n`);
    assert.equal(r.stderr, '');
  });

  it('exits 1 at the first divergence, with the diff on stdout', async () => {
    const r = await runDiff([path('t1.jsonl'), path('t2.jsonl')]);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'traces diverge at trace line 1 (A line 1, B line 1, step 0, Initialize)');
    assert.ok(lines.length > 1);
    for (const l of lines.slice(1)) assert.match(l, /^ {2}\S+: A .+, B .+$/);
    assert.ok(lines.some((l) => l.startsWith('  event.')), r.stdout);
  });

  it('--json reports the divergence as one JSON object', async () => {
    const r = await runDiff(['--json', path('t1.jsonl'), path('t2.jsonl')]);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout) as { same: boolean; lines: number; divergence: { lineA: number; diff: unknown[] } };
    assert.equal(report.same, false);
    assert.equal(report.lines, 1);
    assert.equal(report.divergence.lineA, 1);
    assert.ok(report.divergence.diff.length > 0);
  });

  it('reads one side from stdin', async () => {
    const r = await runDiff(['-', path('t1.jsonl')], T1);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^traces agree: /);
  });

  it('exits 3 on a malformed line, naming it, as each model reads it (Lean by default)', async () => {
    const r = await runDiff(['--model', 'cpp', path('t1.jsonl'), path('t1-bad.jsonl')]);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^peering-trace-diff: line 3: trace B: invalid JSON: expected a key at column \d+\n$/);
    const lean = await runDiff([path('t1.jsonl'), path('t1-bad.jsonl')]);
    assert.equal(lean.code, 3);
    assert.match(lean.stderr, /^peering-trace-diff: line 3: trace B: rejected by the Lean parser: /);
  });

  it('exits 4 on a missing file', async () => {
    const r = await runDiff([path('t1.jsonl'), path('missing.jsonl')]);
    assert.equal(r.code, 4);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `peering-trace-diff: cannot read ${path('missing.jsonl')}: no such file\n`);
  });

  it('exits 2 on usage errors', async () => {
    for (const args of [[path('t1.jsonl')], ['-', '-'], ['--bogus', path('t1.jsonl'), path('t2.jsonl')]]) {
      const r = await runDiff(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^peering-trace-diff: .+\n$/);
    }
  });
});
