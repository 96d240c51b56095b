/** The `npm test` runner: finds test files by pattern and refuses a run that executed nothing. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { closingCounts, findTestFiles } from './run.js';
import { ROOT, runBin } from './helpers.js';

const RUNNER = join(ROOT, 'dist', 'test', 'run.js');

test('finds every compiled test file, including this one, and nothing from fixtures', () => {
  const files = findTestFiles(join(ROOT, 'dist', 'test'));
  assert.ok(files.some((f) => f.endsWith('test-runner.test.js')));
  assert.ok(files.some((f) => f.endsWith('golden.test.js')));
  assert.ok(files.every((f) => f.endsWith('.test.js') && !f.includes('/fixtures/')));
});

test('reads the closing counts of the spec reporter', () => {
  const text = 'ok stuff\nℹ tests 12\nℹ suites 0\nℹ pass 11\nℹ fail 1\nℹ duration_ms 5\n';
  assert.deepEqual(closingCounts(text), { tests: 12, pass: 11 });
  assert.deepEqual(closingCounts('ℹ tests 0\nℹ pass 0\n'), { tests: 0, pass: 0 });
  assert.equal(closingCounts('nothing here\n'), undefined);
});

test('a run that matches no test file fails with one line', async () => {
  const r = await runBin(RUNNER, ['no-such-test-file-name']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^test runner: no test files matched .*\n$/);
});
