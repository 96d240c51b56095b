/**
 * Replay through the Lean mirror and the model interface: the golden
 * vectors and generated traces pass under every model; the Lean-model
 * renderer writes traces the Lean checker accepts; the streaming checker
 * (with its byte fast path) agrees with the whole-file reading of
 * Replay.lean on mutated traces; the CLI's --model flag.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { parseReplayLines, replayTrace } from '../../../lean/Replay.js';
import type { PeeringEvent } from '../../../lean/Types.js';
import { ReplayFailure, replayText } from '../../../replay/index.js';
import { createChecker } from '../../../replay/models/both-checker.js';
import { LineSplitter } from '../../../replay/input/line-reader.js';
import { MODEL_CHOICES, type ModelChoice } from '../../../replay/models/model.js';
import { leanEventsTraceText } from '../../../tracegen/lean-render/lean-trace.js';
import { traceText } from '../../../tracegen/index.js';
import { bySize, ROOT, requireGolden, runBin } from '../../helpers.js';

const CLI = join(ROOT, 'dist', 'scripts', 'peering-replay-ts.js');

function goldenTraces(): { name: string; text: string }[] {
  const dir = join(requireGolden(), 'traces');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl.gz') || f.endsWith('.jsonl'))
    .map((f) => {
      const raw = readFileSync(join(dir, f));
      return { name: f, text: (f.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8') };
    });
}

/** The streaming checker's verdict (with its slow-line count) for `text`. */
function verdict(text: string, model: ModelChoice): { ok: boolean; slowLines: number } {
  try {
    return { ok: true, slowLines: replayText(text, { model }).slowLines };
  } catch (err) {
    if (err instanceof ReplayFailure) return { ok: false, slowLines: -1 };
    throw err;
  }
}

function eventsOf(text: string): PeeringEvent[] {
  return parseReplayLines(text).flatMap((l) => (l.kind === 'step' ? [l.line.event] : []));
}

describe('replay models', () => {
  // Every third golden trace here, all of them at full size (test/long/full-size.test.ts).
  it('accept the golden traces under lean, cpp and both', () => {
    const all = goldenTraces();
    assert.ok(all.length >= 50, `${all.length} golden traces`);
    const traces = all.filter((_t, i) => bySize(i % 3 === 0, true));
    for (const { name, text } of traces) {
      for (const model of MODEL_CHOICES) assert.equal(verdict(text, model).ok, true, `${name} under ${model}`);
      assert.equal(replayTrace(text).ok, true, `${name} through replayTrace`);
    }
  });

  // Fewer, longer traces than the 1,000 short ones of test/long/generated-traces.test.ts.
  // 40 traces in npm test, 100 at full size (test:long).
  const perProfile = bySize(20n, 50n);
  it(`accept ${2n * perProfile} generated traces of 50-120 events, both profiles, under lean, cpp and both`, () => {
    let count = 0;
    for (const profile of ['lean-core', 'full'] as const) {
      for (let seed = 1n; seed <= perProfile; seed++) {
        const text = traceText({ seed: seed * 7919n, events: 120, profile });
        for (const model of MODEL_CHOICES) assert.equal(verdict(text, model).ok, true, `${profile} seed ${seed * 7919n} under ${model}`);
        count++;
      }
    }
    assert.equal(count, 2 * Number(perProfile));
  });

  it('take the byte fast path for every golden step under lean', () => {
    for (const { name, text } of goldenTraces()) assert.equal(verdict(text, 'lean').slowLines, 1, `${name}: only the summary line is slow`);
  });
});

describe('Lean-model renderer', () => {
  it('renders golden event lists into traces the Lean checker accepts, equal to upstream except for effect order', () => {
    for (const { name, text } of goldenTraces().slice(0, 20)) {
      const events = eventsOf(text);
      const ours = leanEventsTraceText(events, 0n);
      assert.equal(replayTrace(ours).ok, true, name);
      assert.equal(verdict(ours, 'lean').slowLines, 1, `${name}: rendered bytes are the fast path's bytes`);
      const a = text.split('\n');
      const b = ours.split('\n');
      for (let i = 0; i < events.length; i++) {
        const cut = (s: string) => s.slice(0, s.indexOf(',"effects":'));
        assert.equal(cut(b[i]!), cut(a[i]!), `${name} line ${i + 1} up to effects`);
      }
    }
  });
});

/** Applies `mutate` to one line and returns the new text. */
function mutateLine(text: string, index: number, mutate: (line: string) => string): string {
  const lines = text.split('\n');
  lines[index] = mutate(lines[index]!);
  return lines.join('\n');
}

describe('streaming lean checker against the whole-file Replay.lean reading', () => {
  it('gives the same verdict on mutated traces (fast path never accepts more)', () => {
    const mutations: ((line: string, k: number) => string)[] = [
      (l, k) => l.replace(/"committed_seq":(\d+)/g, (m, d: string, off: number) => (off % 7 === k % 7 ? `"committed_seq":${Number(d) + 1}` : m)),
      (l) => l.replace('"image_invariant":true', '"image_invariant":false'),
      (l) => l.replace(/"peers_queried":\[(\d+),(\d+)\]/, '"peers_queried":[$2,$1]'),
      (l) => l.replace(/\{"obj":0,"len":(\d+)\}/, '{"len":$1,"obj":0}'),
      (l) => l.replace('"sealed":false}', '"sealed":false,"final_len":null}'),
      (l) => l.replace(/"epoch":(\d+)/, '"epoch":$1.0'),
      (l) => l.replace(/"epoch":(\d+)/, '"epoch":$1e0'),
      (l) => l.replace(/"reason":"[^"]*"/, '"reason":"x"'),
      (l) => l.replace(/"acting":\{"osds":\[(\d+),(\d+)/, '"acting":{"osds":[$2,$1'),
      (l) => l.replace(/,\{"type":"UpdateHeartbeats"[^}]*\}/, ''),
      (l) => l.replace('"kind":"step"', '"kind":"step","kind":"step"'),
      (l) => l.replace('"before":', '"extra":[1,2],"before":'),
      (l) => l.replace(/"last_peering_reset":(\d+)\}/, '"last_peering_reset":$1,"recovery_targets":[99]}'),
    ];
    let accepted = 0;
    let rejected = 0;
    for (let seed = 1n; seed <= 12n; seed++) {
      const text = traceText({ seed, events: 15, profile: seed % 2n === 0n ? 'full' : 'lean-core' });
      const steps = text.split('\n').length - 2;
      mutations.forEach((mutate, k) => {
        const index = Number((seed * 31n + BigInt(k)) % BigInt(steps));
        const mutated = mutateLine(text, index, (l) => mutate(l, k));
        const reference = replayTrace(mutated).ok;
        assert.equal(verdict(mutated, 'lean').ok, reference, `seed ${seed} mutation ${k} line ${index + 1}`);
        if (reference) accepted++;
        else rejected++;
      });
    }
    assert.ok(accepted > 10 && rejected > 10, `both verdicts exercised (${accepted} accepted, ${rejected} rejected)`);
  });
});

describe('both', () => {
  it('reports per-model verdicts and a signature on a trace that differs from both', () => {
    const text = mutateLine(traceText({ seed: 3n, events: 10, profile: 'lean-core' }), 2, (l) => l.replace(/"after":\{"state":"\w+"/, '"after":{"state":"Deleting"'));
    const checker = createChecker('both');
    const splitter = new LineSplitter((b, n, t) => checker.feedLine(b, n, t));
    try {
      splitter.push(Buffer.from(text));
      splitter.end();
      checker.finish();
      assert.fail('expected a failure');
    } catch (err) {
      assert.ok(err instanceof ReplayFailure);
      const c = err.report.comparison;
      assert.ok(c !== undefined);
      assert.equal(c.class, 'producer-bug');
      assert.equal(c.verdicts.lean?.ok, false);
      assert.equal(c.verdicts.cpp?.ok, false);
      assert.equal(c.line, 3);
      assert.ok(c.paths.includes('after.state'), c.paths.join(' '));
      assert.match(c.signature, /^producer-bug\|\w+\|after\|/);
    }
  });
});

describe('peering-replay-ts --model', () => {
  const trace = traceText({ seed: 5n, events: 8, profile: 'lean-core' });

  it('defaults to lean and accepts lean, cpp and both', async () => {
    for (const args of [[], ['--model', 'lean'], ['--model', 'cpp'], ['--model', 'both']]) {
      const r = await runBin(CLI, [...args, '-'], trace);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, /^replay ok: steps=9 summaries=1\n$/);
    }
    const json = await runBin(CLI, ['--json', '-'], trace);
    assert.equal(JSON.parse(json.stdout).model, 'lean');
  });

  it('rejects an unknown model and --strict with lean as usage errors', async () => {
    assert.equal((await runBin(CLI, ['--model', 'idris', '-'], trace)).code, 2);
    assert.equal((await runBin(CLI, ['--strict', '-'], trace)).code, 2);
  });
});

describe('checker bugs fixed in every model', () => {
  const models: readonly ModelChoice[] = ['lean', 'cpp', 'both'];
  const base = traceText({ seed: 11n, events: 25, profile: 'lean-core' });

  it('accept image entries inside effects written with members in another order', () => {
    const swapped = base.replace(/("(?:authoritative_image|image)":\[)([^\]]*)\]/g, (_m, key: string, body: string) => `${key}${body.replace(/\{"obj":(\d+),"len":(\d+)\}/g, '{"len":$2,"obj":$1}')}]`);
    assert.notEqual(swapped, base);
    for (const model of models) assert.equal(verdict(swapped, model).ok, true, model);
  });

  it('accept extra members inside effects', () => {
    const extra = base.replace(/\{"type":"PublishStats","pgid":(\d+)/g, '{"type":"PublishStats","note":{"x":[1]},"pgid":$1').replace(/\{"obj":0,"len":(\d+)\}/g, '{"obj":0,"len":$1,"why":"extra"}');
    assert.notEqual(extra, base);
    for (const model of models) assert.equal(verdict(extra, model).ok, true, model);
  });

  it('read "final_len": null as absent', () => {
    const events: PeeringEvent[] = eventsOf(traceText({ seed: 2n, events: 3, profile: 'lean-core' })).slice(0, 1);
    const init = events[0]!;
    assert.equal(init.type, 'Initialize');
    if (init.type !== 'Initialize') return;
    const meta = { entries: [[0, { sealed: false, finalLen: null }] as const] };
    // As a replica (no primary self entry), both models agree on blob metadata.
    const withMeta: PeeringEvent[] = [{ ...init, whoami: 77, localInfo: { ...init.localInfo, blobMeta: meta } }];
    const text = leanEventsTraceText(withMeta, 2n);
    assert.ok(text.includes('"sealed":false}'));
    const nulled = text.replaceAll('"sealed":false}', '"sealed":false,"final_len":null}');
    for (const model of models) {
      assert.equal(verdict(text, model).ok, true, `${model} on the plain trace`);
      assert.equal(verdict(nulled, model).ok, true, `${model} with final_len null`);
    }
    assert.equal(replayTrace(nulled).ok, true);
  });
});

describe('--model in replay-fuzz and peering-trace-diff', () => {
  const FUZZ = join(ROOT, 'dist', 'bin', 'replay-fuzz.js');
  const DIFF = join(ROOT, 'dist', 'scripts', 'peering-trace-diff.js');

  it('replay-fuzz runs in-process with both models by default, and takes --model', async () => {
    for (const args of [[], ['--model', 'lean'], ['--model', 'cpp']]) {
      const dir = mkdtempSync(join(tmpdir(), 'lean-fuzz-'));
      try {
        const report = join(dir, 'r.json');
        const r = await runBin(FUZZ, ['--cycles', '3', '--event', '20', '--campaign-seed', '7', '--no-progress', '--report', report, ...args]);
        assert.equal(r.code, 0, r.stderr);
        const config = JSON.parse(readFileSync(report, 'utf8')).config as { model: string };
        assert.equal(config.model, args[1] ?? 'both');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    assert.equal((await runBin(FUZZ, ['--cycles', '1', '--model', 'lean', '--strict'])).code, 2);
    assert.equal((await runBin(FUZZ, ['--cycles', '1', '--model', 'idris'])).code, 2);
  });

  it('peering-trace-diff --model lean treats Lean-equal lines as equivalent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lean-diff-'));
    try {
      const a = traceText({ seed: 9n, events: 10, profile: 'lean-core' });
      // Member order inside effect image entries: equal to Lean, and to cpp since the fix.
      const b = a.replace(/\{"obj":(\d+),"len":(\d+)\}/g, '{"len":$2,"obj":$1}');
      const c = a.replace(/"epoch":(\d+)/, (_m, d: string) => `"epoch":${Number(d) + 1}`);
      writeFileSync(join(dir, 'a'), a);
      writeFileSync(join(dir, 'b'), b);
      writeFileSync(join(dir, 'c'), c);
      for (const model of ['lean', 'cpp']) {
        const same = await runBin(DIFF, ['--model', model, join(dir, 'a'), join(dir, 'b')]);
        assert.equal(same.code, 0, `${model}: ${same.stdout}${same.stderr}`);
        const differ = await runBin(DIFF, ['--model', model, join(dir, 'a'), join(dir, 'c')]);
        assert.equal(differ.code, 1, `${model}: ${differ.stdout}${differ.stderr}`);
      }
      assert.equal((await runBin(DIFF, ['--model', 'both', join(dir, 'a'), join(dir, 'b')])).code, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
