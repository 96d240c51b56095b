/** The `npm test` runner: finds test files by pattern, runs them in a pool, and refuses a run that executed nothing. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cpuSeconds } from './cpu-meter.js';
import { closingCounts, defaultJobs, fileProblem, startOrder, testEnvironment, findTestFiles, parseRunnerArgs, runPool, slowestFiles, summaryLines, type FileRun } from './run.js';
import { ROOT, runBin } from './helpers.js';

const RUNNER = join(ROOT, 'dist', 'test', 'run.js');

const counts = { tests: 3, pass: 3, fail: 0, skipped: 0, todo: 0 };
const run = (over: Partial<FileRun>): FileRun => ({ file: '/t/a.test.js', ms: 1000, exit: 0, signal: null, output: '', counts, ...over });

test('finds every compiled test file, including this one, and nothing from fixtures or the long campaigns', () => {
  const files = findTestFiles(join(ROOT, 'dist', 'test'));
  assert.ok(files.some((f) => f.endsWith('test-runner.test.js')));
  assert.ok(files.some((f) => f.endsWith('golden.test.js')));
  assert.ok(files.every((f) => f.endsWith('.test.js') && !f.includes('/fixtures/') && !f.includes('/long/')));
});

test('--long finds the long campaigns only', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runner-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const sub of ['long', 'long/deeper', 'fuzz', 'fixtures']) mkdirSync(join(dir, sub), { recursive: true });
  for (const f of ['long/a.test.js', 'long/deeper/b.test.js', 'fuzz/c.test.js', 'fixtures/d.test.js', 'e.test.js', 'long/helper.js']) writeFileSync(join(dir, f), '');
  assert.deepEqual(findTestFiles(dir, true).map((f) => f.slice(dir.length + 1)), ['long/a.test.js', 'long/deeper/b.test.js']);
  assert.deepEqual(findTestFiles(dir).map((f) => f.slice(dir.length + 1)), ['e.test.js', 'fuzz/c.test.js']);
});

test('reads the closing counts of the spec reporter', () => {
  const text = 'ok stuff\nℹ tests 12\nℹ suites 0\nℹ pass 11\nℹ fail 1\nℹ cancelled 0\nℹ skipped 2\nℹ todo 0\nℹ duration_ms 5\n';
  assert.deepEqual(closingCounts(text), { tests: 12, pass: 11, fail: 1, skipped: 2, todo: 0 });
  assert.deepEqual(closingCounts('ℹ tests 0\nℹ pass 0\n'), { tests: 0, pass: 0, fail: 0, skipped: 0, todo: 0 });
  assert.equal(closingCounts('nothing here\n'), undefined);
});

test('a file passes only when it ran tests, all passed, none skipped, and it exited 0', () => {
  assert.equal(fileProblem(run({})), undefined);
  assert.equal(fileProblem(run({ exit: 1 })), 'exit status 1');
  assert.equal(fileProblem(run({ exit: null, signal: 'SIGKILL' })), 'killed by SIGKILL');
  assert.equal(fileProblem(run({ counts: undefined })), 'no closing counts from the test reporter');
  assert.equal(fileProblem(run({ counts: { ...counts, tests: 0, pass: 0 } })), 'no test was executed');
  assert.match(fileProblem(run({ counts: { ...counts, skipped: 1 } }))!, /1 skipped/);
  assert.match(fileProblem(run({ counts: { ...counts, todo: 1 } }))!, /1 todo/);
  assert.equal(fileProblem(run({ counts: { ...counts, pass: 2, fail: 1 } })), '1 failed');
});

test('the pool runs at most `jobs` at once, reports each as it ends, and keeps the input order', async () => {
  let running = 0;
  let peak = 0;
  const ended: string[] = [];
  const delays: Record<string, number> = { a: 30, b: 5, c: 10, d: 1 };
  const results = await runPool(Object.keys(delays), 2, async (f) => {
    peak = Math.max(peak, ++running);
    await new Promise((r) => setTimeout(r, delays[f]));
    running--;
    return f.toUpperCase();
  }, (r) => ended.push(r));
  assert.deepEqual(results, ['A', 'B', 'C', 'D']);
  assert.equal(peak, 2);
  assert.deepEqual([...ended].sort(), ['A', 'B', 'C', 'D']);
  assert.notEqual(ended[0], 'A', 'the slow first file does not hold back the report of the others');
});

test('runs test files without NODE_EXTRA_CA_CERTS, and tells them where to report CPU time', () => {
  const env = testEnvironment({ NODE_EXTRA_CA_CERTS: '/etc/ca.pem', PATH: '/bin' });
  assert.deepEqual(env, { PATH: '/bin', TEST_CPU_FD: '3' });
});

test('starts the biggest files first, ties by name', () => {
  const sizes: Record<string, number> = { 'a.js': 10, 'b.js': 300, 'c.js': 10, 'd.js': 70 };
  assert.deepEqual(startOrder(Object.keys(sizes), (f) => sizes[f]!), ['b.js', 'd.js', 'a.js', 'c.js']);
});

test('prints the slowest files and summed counts', () => {
  const runs = [run({ file: '/t/x.test.js', ms: 2000 }), run({ file: '/t/y/z.test.js', ms: 12345 }), run({ file: '/t/w.test.js', ms: 10, exit: 1 })];
  assert.equal(slowestFiles(runs, '/t', 2), 'slowest 2 of 3 test files:\n    12.3 s  y/z.test.js\n     2.0 s  x.test.js');
  const summary = summaryLines(runs, 2, 4000);
  assert.match(summary, /^ℹ files 3 \(1 failed; 2 at once\)\nℹ tests 9\nℹ pass 9\n/);
  assert.deepEqual(closingCounts(summary), { tests: 9, pass: 9, fail: 0, skipped: 0, todo: 0 });
});

test('reads --long, --jobs and filters; refuses what it does not know', () => {
  assert.deepEqual(parseRunnerArgs(['--long', '--jobs', '3', 'fuzz'], {}), { long: true, jobs: 3, filters: ['fuzz'] });
  assert.equal((parseRunnerArgs([], { TEST_JOBS: '5' }) as { jobs: number }).jobs, 5);
  assert.match(parseRunnerArgs(['--jobs', '0'], {}) as string, /--jobs needs a positive integer/);
  assert.equal(defaultJobs({}, 2), 3, 'one more file than cores');
  assert.equal(defaultJobs({ TEST_JOBS: 'x' }, 4), 5);
  assert.match(parseRunnerArgs(['--bogus'], {}) as string, /unknown option "--bogus"/);
});

test('reads CPU time from /proc/self/stat: own and reaped children, command names with spaces included', () => {
  const stat = '4242 (node test (x)) S 1 2 3 4 5 6 7 8 9 10 150 50 300 25 20 0 1 0 100 200 300';
  assert.equal(cpuSeconds(stat), 5.25);
  assert.equal(cpuSeconds('garbage'), undefined);
});

test('a run that matches no test file fails with one line', async () => {
  const r = await runBin(RUNNER, ['no-such-test-file-name']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^test runner: no test files matched .*\n$/);
});

test('runs a file and heads its output with its duration, then lists the slowest files', async () => {
  const r = await runBin(RUNNER, ['--jobs', '1', 'bench-args']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const cpu = process.platform === 'linux' ? ' \\(\\d+\\.\\d s CPU\\)' : '';
  assert.match(r.stdout, new RegExp(`^── bench/bench-args\\.test\\.js: \\d+\\.\\d s${cpu}, (\\d+)/\\1 passed\\n`));
  assert.match(r.stdout, new RegExp(`slowest 1 of 1 test files:\\n +\\d+\\.\\d s {2}bench/bench-args\\.test\\.js${cpu}\\n`));
  assert.match(r.stdout, /ℹ files 1 \(0 failed; 1 at once(; \d+ s CPU)?\)\n/);
});
