/**
 * Conformance against upstream `cross_validate` output (test/fixtures/golden):
 * every manifest row rendered in-process through the bin's own parse and
 * render calls (stdout sha256, size, lines, the stderr banner), a spread of
 * rows through the real `cross-validate` bin (every row: npm run test:long),
 * and every stored trace line by line in-process so a failure names the
 * first differing step.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { traceText, type Profile } from '../../tracegen/index.js';
import { requireGolden } from '../helpers.js';
import { binMismatch, inProcessMismatch, manifest as readManifest, MANIFEST_ROWS, pool } from './golden-rows.js';

const golden = requireGolden();
const manifest = readManifest();

/** Rows run through the bin here: both profiles, both event counts, the default seed and the no-argument row. */
const binSample = manifest.filter((row, i) => i % 16 === 0 || i % 16 === 7 || row.events === 30);

describe('golden manifest', () => {
  it(`has the expected public rows`, () => {
    assert.equal(manifest.length, MANIFEST_ROWS);
  });

  it('matches every row in-process: stdout sha256, size, line count and the stderr banner', () => {
    const failed = manifest.map(inProcessMismatch).filter((m) => m !== undefined);
    assert.deepEqual(failed, [], `${failed.length}/${manifest.length} rows differ`);
  });

  it(`matches ${binSample.length} rows through the cross-validate bin: stdout sha256, line count, exit code and stderr`, async () => {
    assert.ok(new Set(binSample.map((r) => `${r.profile} ${r.events}`)).size >= 4, 'both profiles, both event counts');
    const failed = (await pool(binSample, 2, binMismatch)).filter((m) => m !== undefined);
    assert.deepEqual(failed, [], `${failed.length}/${binSample.length} rows differ`);
  });
});

describe('golden traces (step by step)', () => {
  const dir = join(golden, 'traces');
  const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl.gz'));

  it('has the stored traces', () => {
    assert.equal(files.length, 94);
  });

  for (const file of files) {
    const match = /^(lean-core|full)-seed(\d+)-events(\d+)\.jsonl\.gz$/.exec(file);
    it(file, () => {
      assert.ok(match, `unexpected trace name ${file}`);
      const expected = gunzipSync(readFileSync(join(dir, file))).toString('utf8').split('\n');
      const actual = traceText({ profile: match[1] as Profile, seed: BigInt(match[2]!), events: Number(match[3]) }).split('\n');
      const limit = Math.max(expected.length, actual.length);
      for (let i = 0; i < limit; i++) {
        if (expected[i] !== actual[i]) {
          assert.fail(`first difference at line ${i + 1}\nexpected: ${expected[i]?.slice(0, 400)}\nactual:   ${actual[i]?.slice(0, 400)}`);
        }
      }
    });
  }
});
