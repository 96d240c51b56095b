/**
 * Conformance against upstream `cross_validate` output (test/fixtures/golden):
 * every manifest row through the real `cross-validate` bin (stdout sha256,
 * exit code, stderr), and every stored trace line by line in-process so a
 * failure names the first differing step.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { traceText, type Profile } from '../../tracegen/index.js';
import { CROSS_VALIDATE, readJson, requireGolden } from '../helpers.js';

const run = promisify(execFile);

interface ManifestRow {
  readonly profile: Profile;
  readonly seed: string;
  readonly events: number;
  readonly args: string[];
  readonly exit: number;
  readonly sha256: string;
  readonly lines: number;
  readonly bytes: number;
  readonly stderr: string;
}

const golden = requireGolden();
const manifest = readJson<ManifestRow[]>(join(golden, 'manifest.json'));

async function runCli(args: readonly string[]): Promise<{ stdout: Buffer; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CROSS_VALIDATE, ...args], {
      encoding: 'buffer',
      maxBuffer: 1 << 30,
    });
    return { stdout, stderr: stderr.toString(), code: 0 };
  } catch (err) {
    const e = err as { stdout: Buffer; stderr: Buffer; code: number };
    return { stdout: e.stdout, stderr: e.stderr.toString(), code: e.code };
  }
}

/** Runs `jobs` at a time, preserving result order. */
async function pool<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}

describe('golden manifest (cross-validate bin)', () => {
  it(`has the expected public rows`, () => {
    assert.equal(manifest.length, 165);
  });

  it('matches every row: stdout sha256, line count, exit code and stderr', async () => {
    const mismatches = await pool(manifest, 2, async (row) => {
      const got = await runCli(row.args);
      const sha = createHash('sha256').update(got.stdout).digest('hex');
      const lines = got.stdout.reduce((n, byte) => n + (byte === 10 ? 1 : 0), 0);
      const problems: string[] = [];
      if (sha !== row.sha256) problems.push(`stdout sha256 ${sha} != ${row.sha256}`);
      if (got.stdout.length !== row.bytes) problems.push(`bytes ${got.stdout.length} != ${row.bytes}`);
      if (lines !== row.lines) problems.push(`lines ${lines} != ${row.lines}`);
      if (got.code !== row.exit) problems.push(`exit ${got.code} != ${row.exit}`);
      if (got.stderr !== row.stderr) problems.push(`stderr ${JSON.stringify(got.stderr)}`);
      return problems.length === 0 ? undefined : `[${row.args.join(' ')}] ${problems.join('; ')}`;
    });
    const failed = mismatches.filter((m) => m !== undefined);
    assert.deepEqual(failed, [], `${failed.length}/${manifest.length} rows differ`);
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
