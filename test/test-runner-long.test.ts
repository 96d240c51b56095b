/** The runner leaves test/long/ to `--long` (`npm run test:long`), and `--long` runs nothing else. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { findTestFiles } from './run.js';
import { ROOT } from './helpers.js';

test('long runs only with --long, and --long only long runs', () => {
  const dir = join(ROOT, 'dist', 'test');
  const normal = findTestFiles(dir);
  const long = findTestFiles(dir, true);
  assert.ok(long.length > 0 && long.every((f) => f.startsWith(join(dir, 'long'))));
  assert.ok(normal.some((f) => f.endsWith('test-runner-long.test.js')));
  assert.ok(normal.every((f) => !f.startsWith(join(dir, 'long'))));
});
