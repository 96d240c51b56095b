/**
 * Campaign coverage and the HTML report: the byte-scanning collector agrees
 * with a full parse, coverages merge by summing, every campaign's report
 * carries coverage summing to its events, and --html writes a self-contained
 * page with the heatmap, divergences, failures and configuration.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CoverageCollector, coverageSummary, mergeCoverage, transitionTotal, type Coverage } from '../../../fuzz/cycle/coverage.js';
import { escapeHtml, renderHtmlReport } from '../../../fuzz/outputs/html.js';
import type { CampaignReport } from '../../../fuzz/outputs/report.js';
import { parseJsonWithFractions } from '../../../replay/index.js';
import { traceText, type Profile } from '../../../tracegen/index.js';
import { fixture, ROOT } from '../../helpers.js';

const BIN = join(ROOT, 'dist', 'bin', 'replay-fuzz.js');

function collect(text: string): Coverage {
  const c = new CoverageCollector();
  for (const line of text.split('\n')) if (line !== '') c.feedLine(Buffer.from(line));
  return c.result();
}

/** The same counts from a full JSON parse of every step line. */
function parsed(text: string): { transitions: Map<string, number>; effects: Map<string, number>; checks: Map<string, number>; features: Map<string, number> } {
  const out = { transitions: new Map<string, number>(), effects: new Map<string, number>(), checks: new Map<string, number>(), features: new Map<string, number>() };
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const line of text.split('\n')) {
    if (!line.startsWith('{"kind":"step"')) continue;
    const j = JSON.parse(line);
    bump(out.transitions, `${j.from_state}|${j.event.type}|${j.to_state}`);
    for (const e of j.effects) bump(out.effects, e.type);
    const c = j.after_checks;
    bump(out.checks, [c.have_enough_info, c.image_invariant, c.image_clean, c.image_recovering].map((b: boolean) => (b ? 1 : 0)).join(''));
    for (const f of j.event.explore_features ?? []) bump(out.features, f);
  }
  return out;
}

function asMaps(c: Coverage): ReturnType<typeof parsed> {
  return {
    transitions: new Map(c.transitions.map((t) => [`${t.from}|${t.event}|${t.to}`, t.count])),
    effects: new Map(c.effects.map((e) => [e.type, e.count])),
    checks: new Map(c.checks.map((k) => [[k.have_enough_info, k.image_invariant, k.image_clean, k.image_recovering].map((b) => (b ? 1 : 0)).join(''), k.count])),
    features: new Map(c.features.map((f) => [f.feature, f.traces])),
  };
}

describe('coverage collector', () => {
  for (const profile of ['lean-core', 'full', 'explore'] as Profile[]) {
    it(`${profile}: byte scanning counts what a full parse counts`, () => {
      for (const seed of [1n, 2n, 3n]) {
        const text = traceText({ seed, events: 200, profile });
        const c = mergeCoverage([collect(text)]);
        assert.deepEqual(asMaps(c), parsed(text));
        assert.equal(transitionTotal(c), text.split('\n').filter((l) => l.startsWith('{"kind":"step"')).length);
        assert.equal(c.explore_traces, profile === 'explore' ? 1 : 0);
      }
    });
  }

  for (const profile of ['lean-core', 'explore'] as Profile[]) {
    it(`${profile}: lines off upstream's layout (spaces, reordered checks) count the same as the exact ones`, () => {
      const text = traceText({ seed: 6n, events: 150, profile });
      const respaced = text
        .split('\n')
        .map((line) => line.replace(/":/g, '": ').replace(/,"/g, ', "'))
        .join('\n');
      const reordered = text.replace(
        /"after_checks":\{("have_enough_info":\w+),("image_invariant":\w+),("image_clean":\w+),("image_recovering":\w+)\}/g,
        '"after_checks":{$4,$3,$2,$1}',
      );
      assert.notEqual(respaced, text);
      assert.notEqual(reordered, text);
      const exact = mergeCoverage([collect(text)]);
      assert.deepEqual(mergeCoverage([collect(respaced)]), exact);
      assert.deepEqual(mergeCoverage([collect(reordered)]), exact);
      assert.deepEqual(asMaps(exact), parsed(text));
    });
  }

  it('a line that is not a step, or is cut inside its head, counts nothing', () => {
    const step = traceText({ seed: 7n, events: 3, profile: 'lean-core' }).split('\n')[1]!;
    assert.match(step, /^\{"kind":"step"/);
    for (const cut of [10, 25, 40, 60, 80]) assert.equal(transitionTotal(collect(step.slice(0, cut))), 0, `cut at ${cut}`);
    assert.equal(transitionTotal(collect('{"kind":"summary","steps":3}')), 0);
    assert.equal(transitionTotal(collect(step)), 1);
  });

  it('merging sums every count and keeps a stable order', () => {
    const a = collect(traceText({ seed: 4n, events: 100, profile: 'explore' }));
    const b = collect(traceText({ seed: 5n, events: 100, profile: 'explore' }));
    const ab = mergeCoverage([a, b]);
    assert.equal(transitionTotal(ab), transitionTotal(a) + transitionTotal(b));
    assert.equal(ab.explore_traces, 2);
    assert.deepEqual(mergeCoverage([b, a]), ab);
    const effects = (c: Coverage) => c.effects.reduce((n, e) => n + e.count, 0);
    assert.equal(effects(ab), effects(a) + effects(b));
    assert.match(coverageSummary(ab), /^coverage: \d+ steps, \d+ distinct \(from, event, to\) transitions, \d+\/12 states/);
    assert.match(coverageSummary(ab), /explore features \(traces with it on, of 2\)/);
  });
});

function fuzz(args: readonly string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args, '--no-progress'], { cwd, encoding: 'utf8', env: { ...process.env, TMPDIR: cwd } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function report(path: string): CampaignReport {
  return parseJsonWithFractions(readFileSync(path, 'utf8')) as unknown as CampaignReport;
}

describe('replay-fuzz coverage and --html', () => {
  it('in-process: the report carries coverage summing to its events, the terminal a summary, --html a self-contained page', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'coverage-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const r = fuzz(['--profile', 'full', '--campaign-seed', '9', '--cycles', '6', '--jobs', '2', '--event-range', '20', '80', '--report', 'r.json', '--html', 'r.html'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\ncoverage: \d+ steps, \d+ distinct/);
    const rep = report(join(dir, 'r.json'));
    assert.equal(transitionTotal(rep.coverage), Number(rep.events));
    assert.ok(rep.coverage.effects.length > 5);
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    assert.match(html, /^<!DOCTYPE html>/);
    assert.doesNotMatch(html, /\b(src|href)\s*=|https?:|@import|url\(|<script/i);
    assert.match(html, /<table class="heat">/);
    for (const tr of rep.coverage.transitions) assert.ok(html.includes(`<th>${tr.from}</th>`), tr.from);
    assert.ok(html.includes('9'), 'campaign seed shown');
    assert.match(html, /No divergence between the models|Divergences \(0\)/);
  });

  it('external checker: coverage counts every step the generator wrote, failing cycles included', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'coverage-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const r = fuzz(['--replayer', join(fixture('fuzz'), 'step-limit-checker.js'), '--replayer-arg', '30', '--campaign-seed', '3', '--cycles', '4', '--event-range', '10', '60', '--report', 'r.json', '--html', 'r.html'], dir);
    assert.equal(r.code, 1, r.stderr);
    const rep = report(join(dir, 'r.json'));
    assert.ok(Number(rep.cycles.failed) > 0);
    assert.equal(transitionTotal(rep.coverage), Number(rep.events));
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    assert.match(html, new RegExp(`<h2>Failures \\(${rep.failures.length}\\)</h2>`));
    for (const f of rep.failures) assert.ok(html.includes(escapeHtml(f.reproduce)));
  });

  it('merge adds up the coverage of the shards', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'coverage-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const base = ['--profile', 'explore', '--campaign-seed', '21', '--cycles', '6', '--event-range', '20', '60'];
    const shards = [1, 2].map((i) => fuzz([...base, '--shard', `${i}/2`, '--report', `s${i}.json`], dir));
    for (const s of shards) assert.notEqual(s.code, 2, s.stderr);
    const m = spawnSync(process.execPath, [BIN, 'merge', 's1.json', 's2.json', '--output', 'all.json', '--html', 'all.html'], { cwd: dir, encoding: 'utf8' });
    assert.notEqual(m.status, 2, m.stderr);
    const [a, b, all] = ['s1.json', 's2.json', 'all.json'].map((f) => report(join(dir, f))) as [CampaignReport, CampaignReport, CampaignReport];
    assert.equal(transitionTotal(all.coverage), transitionTotal(a.coverage) + transitionTotal(b.coverage));
    assert.equal(transitionTotal(all.coverage), Number(all.events));
    assert.equal(all.coverage.explore_traces, 6);
    assert.match(readFileSync(join(dir, 'all.html'), 'utf8'), /<table class="heat">/);
  });
});

describe('HTML report', () => {
  it('escapes everything it shows and lists each divergence with its reproduce command', () => {
    const rep = {
      tool: 'replay-fuzz',
      format: 1,
      config: { profile: 'explore', cycles: 2, campaign_seed: 18446744073709551615n, shard: '1/1' },
      argv: ['--html', '<x>'],
      started_at: 's',
      finished_at: 'f',
      duration_s: 1,
      interrupted: false,
      cycles: { planned: 2, run: 2, passed: 1, failed: 1 },
      events: 3,
      events_per_second: 3,
      cycles_per_second: 2,
      failures: [],
      coverage: mergeCoverage([collect(traceText({ seed: 1n, events: 3, profile: 'lean-core' }))]),
      divergences: [
        {
          signature: 'lean-disagrees | <script>alert(1)</script> | after | peer_info',
          count: 4,
          class: 'cpp-lean-divergence',
          event: 'PeerInfoReceived',
          stage: 'after',
          fields: ['peer_info'],
          ill_formed: [],
          example: { cycle: 1, seed: 12345678901234567890n, events: 2, original_events: 9, reproduce: 'a | b "c"', trace: null, trace_path: null, minimized: true },
        },
      ],
    } as unknown as CampaignReport;
    const html = renderHtmlReport(rep);
    assert.doesNotMatch(html, /<script/i);
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(html.includes('12345678901234567890'));
    assert.ok(html.includes('18446744073709551615'));
    assert.ok(html.includes('a | b &quot;c&quot;'));
    assert.match(html, /<h2>Divergences \(1\)<\/h2>/);
  });
});
