/**
 * Reports people read: JUnit XML (checked against the Ant JUnit schema's
 * rules), the GitHub step summary and annotations, failures grouped by
 * cause on the terminal, and `replay-fuzz rerun`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { junitSchemaProblems, parseXml } from './junit-schema.js';
import { bySize, fixture, ROOT } from '../../helpers.js';

const BIN = join(ROOT, 'dist', 'bin', 'replay-fuzz.js');
const stepLimit = (n: number): string[] => ['--replayer', join(fixture('fuzz'), 'step-limit-checker.js'), '--replayer-arg', String(n)];

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'reports-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function fuzz(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const clean = { ...process.env };
  delete clean.GITHUB_ACTIONS;
  delete clean.GITHUB_STEP_SUMMARY;
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...clean, TMPDIR: cwd, ...env }, timeout: 180_000 });
}

describe('the JUnit schema checker', () => {
  const good = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
  <testsuite name="s" package="p" id="0" timestamp="2026-01-02T03:04:05" hostname="h" tests="1" failures="1" errors="0" time="0.5">
    <properties><property name="a" value="1 &amp; 2"/></properties>
    <testcase name="c" classname="k" time="0.1"><failure type="t" message="m">x &lt; y</failure></testcase>
    <system-out/>
    <system-err/>
  </testsuite>
</testsuites>`;

  it('accepts a valid document', () => {
    assert.deepEqual(junitSchemaProblems(parseXml(good)), []);
  });

  for (const [what, from, to, expected] of [
    ['a missing hostname', ' hostname="h"', '', /missing required attribute hostname/],
    ['a timestamp with a zone', '03:04:05"', '03:04:05Z"', /timestamp=.* wrong type/],
    ['a missing system-err', '<system-err/>', '', /children must be properties, testcase\*, system-out, system-err/],
    ['a testcase without classname', ' classname="k"', '', /missing required attribute classname/],
    ['a failure without type', ' type="t"', '', /missing required attribute type/],
    ['a wrong failure count', 'failures="1"', 'failures="0"', /failures="0" but 1 failing/],
    ['an unknown attribute', '<testcase name="c"', '<testcase bogus="1" name="c"', /attribute bogus is not allowed/],
  ] as const) {
    it(`rejects ${what}`, () => {
      assert.match(junitSchemaProblems(parseXml(good.replace(from, to))).join('\n'), expected);
    });
  }

  it('rejects malformed XML', () => {
    assert.throws(() => parseXml('<testsuites><testsuite></testsuites>'), /XML: /);
    assert.throws(() => parseXml('<a>1 < 2</a>'), /XML: /);
  });
});

describe('replay-fuzz reports', () => {
  it('--junit: one testcase per cycle, failures with cause and reproduce command, valid against the schema', (t) => {
    const dir = tempDir(t);
    // Events 4..9 give 5..10 steps; the fake checker fails past 7.
    const r = fuzz([...stepLimit(7), '--cycles', '8', '--event-range', '4', '9', '--campaign-seed', '21', '--junit', 'j.xml', '--report', 'r.json'], dir);
    assert.equal(r.status, 1, r.stderr);
    const xml = readFileSync(join(dir, 'j.xml'), 'utf8');
    const doc = parseXml(xml);
    assert.deepEqual(junitSchemaProblems(doc), []);
    const suite = doc.children[0]!;
    const cases = suite.children.filter((c) => c.name === 'testcase');
    assert.equal(cases.length, 8);
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { cycles: { failed: number }; failures: { config: { cycle: number; seed: string } }[] };
    const failing = cases.filter((c) => c.children.length === 1);
    assert.ok(report.cycles.failed > 0 && report.cycles.failed < 8, 'some cycles pass, some fail');
    assert.equal(failing.length, report.cycles.failed);
    for (const f of report.failures) {
      const tc = cases.find((c) => c.attrs.get('name') === `cycle ${f.config.cycle}`)!;
      const failure = tc.children[0]!;
      assert.equal(failure.name, 'failure');
      assert.equal(failure.attrs.get('type'), 'checker exited 1: step-limit-checker: N steps, more than N');
      assert.match(failure.text, /^reproduce: .*cross-validate\.js --profile lean-core --seed \d+ --events \d+ \| .*step-limit-checker\.js 7 -$/m);
      assert.match(failure.text, new RegExp(`^seed: ${f.config.seed}, events: \\d+$`, 'm'));
    }
    assert.equal(suite.children[0]!.children.find((p) => p.attrs.get('name') === 'campaign_seed')?.attrs.get('value'), '21');
  });

  it('under GitHub Actions: a Markdown step summary is appended, and one ::error annotation per cause', (t) => {
    const dir = tempDir(t);
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const r = fuzz([...stepLimit(5), '--cycles', '3', '--event', '5', '--campaign-seed', '9'], dir, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    assert.equal(r.status, 1, r.stderr);
    const md = readFileSync(summary, 'utf8');
    assert.ok(md.startsWith('# earlier step\n### replay-fuzz lean-core, shard 1/1: 3 of 3 cycles failed\n'), md);
    assertMarkdownTables(md);
    assert.equal((md.match(/^```/gm) ?? []).length % 2, 0, 'code fences are balanced');
    assert.match(md, /^\| 3 \| checker exited 1: step-limit-checker: N steps, more than N \| cycle 1, seed `\d+` \|$/m);
    const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    assert.equal(annotations.length, 1, r.stdout);
    assert.match(annotations[0]!, /^::error title=replay-fuzz%3A 3 cycle\(s\)%3A checker exited 1%3A step-limit-checker%3A N steps%2C more than N::cycle 1 seed=\d+ event=5 profile=lean-core%0Areproduce: /);
  });

  it('without GitHub Actions: no annotations, no summary file', (t) => {
    const dir = tempDir(t);
    const r = fuzz([...stepLimit(5), '--cycles', '1', '--event', '5'], dir);
    assert.equal(r.status, 1, r.stderr);
    assert.ok(!r.stdout.includes('::error'));
  });

  it('groups identical failures on the terminal: a count and one example with its reproduce command', (t) => {
    const dir = tempDir(t);
    // Eight failures here, 28 at full size (test/long/full-size.test.ts): one example, five more listed, the rest counted.
    const n = bySize(8, 28);
    const r = fuzz([...stepLimit(5), '--cycles', String(n), '--event', '5', '--jobs', '2', '--campaign-seed', '4', '--save-failure-traces', 'out'], dir);
    assert.equal(r.status, 1, r.stderr);
    const listing = r.stdout.slice(r.stdout.indexOf('\nFailures: '), r.stdout.indexOf('failure summary: '));
    assert.match(listing, new RegExp(`^\\nFailures: ${n} cycle\\(s\\), 1 cause\\(s\\)\\n\\[1\\] ${n} x checker exited 1: step-limit-checker: N steps, more than N\\n {4}example: cycle=1 seed=\\d+ event=5 `));
    assert.equal((listing.match(/reproduce: /g) ?? []).length, 1);
    assert.equal((listing.match(/ also: cycle=/g) ?? []).length, 5);
    assert.match(listing, new RegExp(`\\.\\.\\. and ${n - 6} more with this cause \\(see failures\\.json\\)`));
    assert.ok(listing.split('\n').length < 30, listing);
  });
});

describe('replay-fuzz rerun', () => {
  it('reports which recorded failures still fail: exit 1 while one does, 0 once all pass', (t) => {
    const dir = tempDir(t);
    // Events 4..9 give 5..10 steps: past 6 fails now; after a "fix" to 8 some still fail; to 100 none does.
    const first = fuzz([...stepLimit(6), '--cycles', '8', '--event-range', '4', '9', '--campaign-seed', '5', '--save-failure-traces', 'out'], dir);
    assert.equal(first.status, 1, first.stderr);
    const recorded = (JSON.parse(readFileSync(join(dir, 'out', 'failures.json'), 'utf8')) as { config: { event: number } }[]).map((f) => f.config.event);
    assert.ok(recorded.some((e) => e + 1 > 8) && recorded.some((e) => e + 1 <= 8), `a mix of lengths: ${recorded.join(',')}`);

    const partly = fuzz(['rerun', 'out', ...stepLimit(8)], dir);
    assert.equal(partly.status, 1, partly.stderr);
    const still = recorded.filter((e) => e + 1 > 8).length;
    assert.equal((partly.stdout.match(/^still fails: /gm) ?? []).length, still);
    assert.equal((partly.stdout.match(/^fixed: /gm) ?? []).length, recorded.length - still);
    assert.ok(partly.stdout.endsWith(`\n${still} of ${recorded.length} recorded failure(s) still fail (${join(dir, 'out', 'failures.json')}).\n`), partly.stdout);

    const fixed = fuzz(['rerun', 'out', ...stepLimit(100)], dir);
    assert.equal(fixed.status, 0, fixed.stderr);
    assert.match(fixed.stdout, new RegExp(`\\n0 of ${recorded.length} recorded failure\\(s\\) still fail`));

    // Without an override, each record runs with the checker that judged it: the limit of 6 still fails them all.
    const faithful = fuzz(['rerun', 'out'], dir);
    assert.equal(faithful.status, 1, faithful.stdout + faithful.stderr);
    assert.match(faithful.stdout, new RegExp(`\\n${recorded.length} of ${recorded.length} recorded failure\\(s\\) still fail`));
    // Our own checker, in-process, accepts these traces.
    const ours = fuzz(['rerun', 'out', '--model', 'cpp'], dir);
    assert.equal(ours.status, 0, ours.stdout + ours.stderr);
  });

  it('a directory without failures.json is a usage error in one line', (t) => {
    const dir = tempDir(t);
    const r = fuzz(['rerun', 'nothing-here'], dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^replay-fuzz: [^\n]*failures\.json[^\n]*\n$/);
    assert.equal(r.stdout, '');
  });
});

/** Each Markdown table has a header and a separator row of the same width, and rows no wider. */
function assertMarkdownTables(md: string): void {
  const lines = md.split('\n');
  const cells = (l: string) => l.replace(/\\\|/g, '').split('|').length - 2;
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('|') || (i > 0 && lines[i - 1]!.startsWith('|'))) continue;
    const width = cells(lines[i]!);
    assert.match(lines[i + 1] ?? '', /^\|( *:?-+:? *\|)+$/, `separator after line ${i + 1}`);
    assert.equal(cells(lines[i + 1]!), width);
    for (let j = i + 2; j < lines.length && lines[j]!.startsWith('|'); j++) assert.equal(cells(lines[j]!), width, `row ${j + 1}: ${lines[j]}`);
  }
}
