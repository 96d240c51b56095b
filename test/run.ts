/**
 * `npm test`'s runner: every `*.test.js` under dist/test, found by pattern
 * (Node 21+ treats a folder given to `--test` as a module, and Node 20 does
 * not expand globs), run by Node's own test runner. A run that executes no
 * test fails: a green run must mean tests passed.
 *
 * Arguments, when given, narrow the run to test files whose path contains
 * one of them (`npm test -- golden fuzz`). `--long` runs the long runs of
 * test/long/ instead, which the default run leaves out (`npm run test:long`).
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const TEST_DIR = dirname(fileURLToPath(import.meta.url));

/** The folder of long runs: only `--long` runs it. */
export const LONG_DIR = 'long';

/** Test files under `dir`: the long runs only when `long`, and then only those. */
export function findTestFiles(dir: string, long = false): string[] {
  return walk(dir).filter((f) => (relative(dir, f).split(/[\\/]/)[0] === LONG_DIR) === long);
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'fixtures') out.push(...walk(path));
    else if (entry.isFile() && entry.name.endsWith('.test.js')) out.push(path);
  }
  return out.sort();
}

/** The counts from the spec reporter's closing lines (`ℹ tests 12`, `ℹ pass 12`). */
export function closingCounts(output: string): { tests: number; pass: number } | undefined {
  const count = (name: string) => {
    const all = [...output.matchAll(new RegExp(`^\\S* ?${name} (\\d+)\\s*$`, 'gm'))];
    return all.length === 0 ? undefined : Number(all.at(-1)![1]);
  };
  const tests = count('tests');
  const pass = count('pass');
  return tests === undefined || pass === undefined ? undefined : { tests, pass };
}

function main(args: readonly string[]): Promise<number> {
  const filters = args.filter((a) => a !== '--long');
  const all = findTestFiles(TEST_DIR, args.includes('--long'));
  const files = filters.length === 0 ? all : all.filter((f) => filters.some((w) => relative(TEST_DIR, f).includes(w)));
  if (files.length === 0) {
    process.stderr.write(`test runner: no test files matched under ${TEST_DIR}${filters.length ? ` (filter: ${filters.join(' ')})` : ''}\n`);
    return Promise.resolve(1);
  }
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--test', '--test-reporter=spec', ...files], { stdio: ['ignore', 'pipe', 'inherit'] });
    // Keep only the tail: the closing counts are the last lines.
    let tail = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      process.stdout.write(chunk);
      tail = (tail + chunk).slice(-4096);
    });
    child.on('close', (code, signal) => {
      const counts = closingCounts(tail);
      if (code !== 0 || signal !== null) return resolve(code === null || code === 0 ? 1 : code);
      if (counts === undefined || counts.tests === 0 || counts.pass === 0) {
        process.stderr.write('test runner: no test was executed; failing the run\n');
        return resolve(1);
      }
      resolve(0);
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
