/**
 * Tests of npm test that repeat a check over rounds or cases, rerun at full
 * size: their file run again with PEERING_TEST_FULL_SIZE=1 (see bySize in
 * test/helpers.ts), only the named tests.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { closingCounts } from '../run.js';
import { ROOT, runCommand } from '../helpers.js';

const FULL_SIZE: readonly { readonly file: string; readonly tests: readonly string[] }[] = [
  {
    file: 'fuzz/store/reliability.test.js',
    tests: ['of many processes taking over one stale lock at once, exactly one wins', 'loses nothing: every failure printed is in the index, every listed trace is whole and matches its sha256'],
  },
  { file: 'tracegen/explore.test.js', tests: ['writes traces the C++-port checker accepts, step for step'] },
  { file: 'fuzz/campaign/fuzz.test.js', tests: ['the same campaign seed finds the same failures with --jobs 1 and --jobs 2'] },
  { file: 'replay/models/parallel-both.test.js', tests: ['a cut last line, an over-long line, an empty input and garbage end as on one thread'] },
  { file: 'replay/check/lean-replay.test.js', tests: ['accept the golden traces under lean, cpp and both', 'accept 100 generated traces of 50-120 events, both profiles, under lean, cpp and both'] },
  { file: 'scripts/hostile-input.test.js', tests: ['peering-replay-ts keeps 1 / 3 / 0 with stdout (and stderr) closed'] },
  { file: 'fuzz/outputs/reports.test.js', tests: ['groups identical failures on the terminal: a count and one example with its reproduce command'] },
  { file: 'fuzz/catalogue/catalogue.test.js', tests: ['200 explore traces of --events 300 show at least 8 distinct first divergences under --model both'] },
];

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

for (const { file, tests } of FULL_SIZE) {
  it(`${file} at full size: ${tests.join('; ')}`, async () => {
    const pattern = `^(${tests.map(escape).join('|')})$`;
    const r = await runCommand(process.execPath, ['--test-reporter=spec', `--test-name-pattern=${pattern}`, join(ROOT, 'dist', 'test', file)], undefined, { ...process.env, PEERING_TEST_FULL_SIZE: '1' });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const counts = closingCounts(r.stdout);
    // Every named test ran and passed; the rest of the file was filtered out (skipped), not failed.
    assert.ok(counts !== undefined && counts.pass === tests.length && counts.fail === 0, r.stdout.slice(-2000));
  });
}
