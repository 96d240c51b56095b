/**
 * The rows of the golden manifest (upstream `cross_validate` output, built
 * with GCC 14) and the two ways of checking one: through the real
 * `cross-validate` bin as a process, or through the same parse and render
 * calls in this process. Shared by test/tracegen/golden.test.ts (every row
 * in-process, a spread of rows through the bin) and
 * test/long/golden-bin.test.ts (every row through the bin).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ByteWriter, renderTrace, type Profile } from '../../tracegen/index.js';
import { doneBanner, parseCliArgs, startBanner } from '../../tracegen/cli/cli-args.js';
import { CROSS_VALIDATE, readJson, requireGolden } from '../helpers.js';

const run = promisify(execFile);

export interface ManifestRow {
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

export const MANIFEST_ROWS = 165;

export function manifest(): ManifestRow[] {
  return readJson<ManifestRow[]>(join(requireGolden(), 'manifest.json'));
}

interface Output {
  readonly stdout: Uint8Array;
  readonly stderr: string;
  readonly code: number;
}

async function throughBin(args: readonly string[]): Promise<Output> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CROSS_VALIDATE, ...args], { encoding: 'buffer', maxBuffer: 1 << 30 });
    return { stdout, stderr: stderr.toString(), code: 0 };
  } catch (err) {
    const e = err as { stdout: Buffer; stderr: Buffer; code: number };
    return { stdout: e.stdout, stderr: e.stderr.toString(), code: e.code };
  }
}

/** What scripts/cross-validate.ts does for a run, without the process: parse, banner, render, banner. */
function inProcess(args: readonly string[]): Output {
  const parsed = parseCliArgs(args);
  if (parsed.kind !== 'run') throw new Error(`golden argv ${args.join(' ')} does not parse as a run (${parsed.kind})`);
  const w = new ByteWriter(1 << 20);
  const total = renderTrace(parsed.options, parsed.options.format, w);
  return { stdout: w.view().slice(), stderr: startBanner(parsed.options) + doneBanner(total), code: 0 };
}

function problems(row: ManifestRow, got: Output): string | undefined {
  const sha = createHash('sha256').update(got.stdout).digest('hex');
  const lines = got.stdout.reduce((n, byte) => n + (byte === 10 ? 1 : 0), 0);
  const found: string[] = [];
  if (sha !== row.sha256) found.push(`stdout sha256 ${sha} != ${row.sha256}`);
  if (got.stdout.length !== row.bytes) found.push(`bytes ${got.stdout.length} != ${row.bytes}`);
  if (lines !== row.lines) found.push(`lines ${lines} != ${row.lines}`);
  if (got.code !== row.exit) found.push(`exit ${got.code} != ${row.exit}`);
  if (got.stderr !== row.stderr) found.push(`stderr ${JSON.stringify(got.stderr)}`);
  return found.length === 0 ? undefined : `[${row.args.join(' ')}] ${found.join('; ')}`;
}

/** What differs between `row` and the bin's output for its argv (undefined: nothing). */
export async function binMismatch(row: ManifestRow): Promise<string | undefined> {
  return problems(row, await throughBin(row.args));
}

/** What differs between `row` and the in-process rendering of its argv. */
export function inProcessMismatch(row: ManifestRow): string | undefined {
  return problems(row, inProcess(row.args));
}

/** Runs `width` at a time, preserving result order. */
export async function pool<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
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
