/**
 * `npm test`'s runner: every `*.test.js` under dist/test, found by pattern
 * (Node 21+ treats a folder given to `--test` as a module, and Node 20 does
 * not expand globs), each run by Node's own test runner in a process of its
 * own, several files at once. Each file's spec output is printed whole when
 * the file ends, headed by its duration; the run ends with the slowest files
 * and the summed counts. A run that executes no test, a file that runs none,
 * and a skipped or todo test all fail the run: green must mean tests passed.
 *
 * Usage: run.js [--long] [--jobs N] [FILTER...]
 *   --long   run the long campaigns (test/long/) instead of the rest;
 *            `npm run test:long`
 *   --jobs   files run at once (default: TEST_JOBS, else one more than the
 *            machine's available parallelism)
 *   FILTER   only files whose path contains one of them (`npm test -- golden fuzz`)
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const TEST_DIR = dirname(fileURLToPath(import.meta.url));
/** Reports each file's CPU time to the runner (test/cpu-meter.ts). */
const CPU_METER = pathToFileURL(join(TEST_DIR, 'cpu-meter.js')).href;

/** The folder of long campaigns: only `--long` runs it. */
export const LONG_DIR = 'long';

/** Test files under `dir`; the long campaigns only when `long`, and then only those. */
export function findTestFiles(dir: string, long = false): string[] {
  const all = walk(dir, dir);
  return all.filter((f) => isLong(relative(dir, f)) === long);
}

function isLong(rel: string): boolean {
  return rel.split(/[\\/]/)[0] === LONG_DIR;
}

function walk(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'fixtures') out.push(...walk(root, path));
    else if (entry.isFile() && entry.name.endsWith('.test.js')) out.push(path);
  }
  return out.sort();
}

export interface Counts {
  readonly tests: number;
  readonly pass: number;
  readonly fail: number;
  readonly skipped: number;
  readonly todo: number;
}

/** The counts from the spec reporter's closing lines (`ℹ tests 12`, `ℹ pass 12`, ...). */
export function closingCounts(output: string): Counts | undefined {
  const count = (name: string) => {
    const all = [...output.matchAll(new RegExp(`^\\S* ?${name} (\\d+)\\s*$`, 'gm'))];
    return all.length === 0 ? undefined : Number(all.at(-1)![1]);
  };
  const tests = count('tests');
  const pass = count('pass');
  if (tests === undefined || pass === undefined) return undefined;
  return { tests, pass, fail: count('fail') ?? 0, skipped: count('skipped') ?? 0, todo: count('todo') ?? 0 };
}

/** One test file's run. */
export interface FileRun {
  readonly file: string;
  readonly ms: number;
  /** CPU seconds of the file's process and the processes it started, where the platform tells. */
  readonly cpu?: number;
  readonly exit: number | null;
  readonly signal: string | null;
  readonly output: string;
  readonly counts: Counts | undefined;
}

/** Why a file's run is not a pass, or undefined when it is one. */
export function fileProblem(run: FileRun): string | undefined {
  if (run.signal !== null) return `killed by ${run.signal}`;
  if (run.exit !== 0) return `exit status ${run.exit}`;
  const c = run.counts;
  if (c === undefined) return 'no closing counts from the test reporter';
  if (c.tests === 0) return 'no test was executed';
  if (c.skipped > 0 || c.todo > 0) return `${c.skipped} skipped and ${c.todo} todo tests (none are allowed)`;
  if (c.fail > 0 || c.pass !== c.tests) return `${c.fail} failed`;
  return undefined;
}

/**
 * The environment of a test file's process. NODE_EXTRA_CA_CERTS is left
 * out: Node 20 reads every certificate it names at each start (a third of
 * a start's CPU; docs/performance.md), the tests start hundreds of node
 * processes, and none opens a TLS connection. The tests of the launchers,
 * which keep that variable from node, set it themselves.
 */
export function testEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, TEST_CPU_FD: '3' };
  delete out.NODE_EXTRA_CA_CERTS;
  return out;
}

function runFile(file: string): Promise<FileRun> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', CPU_METER, '--test-reporter=spec', file], {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      env: testEnvironment(),
    });
    let output = '';
    let meter = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    (child.stdio[3] as NodeJS.ReadableStream).setEncoding('utf8').on('data', (chunk: string) => (meter += chunk));
    child.on('close', (exit, signal) => {
      const cpu = Number.parseFloat(meter.trim().split('\n').at(-1) ?? '');
      resolve({ file, ms: performance.now() - started, ...(Number.isFinite(cpu) ? { cpu } : {}), exit, signal, output, counts: closingCounts(output) });
    });
  });
}

/**
 * The order to start files in: the biggest first, as the likeliest to be the
 * slowest, so the pool does not end on one long file while the other lanes
 * sit idle.
 */
export function startOrder(files: readonly string[], size: (file: string) => number = (f) => statSync(f).size): string[] {
  return [...files].sort((a, b) => size(b) - size(a) || a.localeCompare(b));
}

/** Runs `files` through `run`, at most `jobs` at once, reporting each as it ends; results in `files` order. */
export async function runPool<T>(files: readonly string[], jobs: number, run: (file: string) => Promise<T>, done: (result: T) => void): Promise<T[]> {
  const results: T[] = new Array(files.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < files.length) {
      const index = next++;
      const result = await run(files[index]!);
      results[index] = result;
      done(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, files.length)) }, lane));
  return results;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const cpuNote = (run: FileRun): string => (run.cpu === undefined ? '' : ` (${run.cpu.toFixed(1)} s CPU)`);

/** The heading printed above a file's output. */
export function fileHeading(run: FileRun, root: string): string {
  const c = run.counts;
  const tally = c === undefined ? 'no counts' : `${c.pass}/${c.tests} passed`;
  const problem = fileProblem(run);
  return `── ${relative(root, run.file)}: ${seconds(run.ms)}${cpuNote(run)}, ${tally}${problem === undefined ? '' : `, FAILED: ${problem}`}`;
}

/** The `n` slowest files, one line each. */
export function slowestFiles(runs: readonly FileRun[], root: string, n = 10): string {
  const top = [...runs].sort((a, b) => b.ms - a.ms).slice(0, n);
  return [`slowest ${top.length} of ${runs.length} test files:`, ...top.map((r) => `  ${seconds(r.ms).padStart(8)}  ${relative(root, r.file)}${cpuNote(r)}`)].join('\n');
}

/** The closing lines: summed counts, in the spec reporter's own form. */
export function summaryLines(runs: readonly FileRun[], jobs: number, ms: number): string {
  const sum = (key: keyof Counts) => runs.reduce((n, r) => n + (r.counts?.[key] ?? 0), 0);
  const failedFiles = runs.filter((r) => fileProblem(r) !== undefined).length;
  const cpu = runs.every((r) => r.cpu !== undefined) ? `; ${runs.reduce((n, r) => n + r.cpu!, 0).toFixed(0)} s CPU` : '';
  return [
    `ℹ files ${runs.length} (${failedFiles} failed; ${jobs} at once${cpu})`,
    `ℹ tests ${sum('tests')}`,
    `ℹ pass ${sum('pass')}`,
    `ℹ fail ${sum('fail')}`,
    `ℹ skipped ${sum('skipped')}`,
    `ℹ todo ${sum('todo')}`,
    `ℹ duration_ms ${Math.round(ms)}`,
  ].join('\n');
}

interface RunnerArgs {
  readonly long: boolean;
  readonly jobs: number;
  readonly filters: readonly string[];
}

/**
 * One file more than there are cores: many tests wait on processes they
 * started (a timeout, a slow generator), and the extra file uses the CPU
 * they leave idle.
 */
export function defaultJobs(env: NodeJS.ProcessEnv = process.env, cores: number = availableParallelism()): number {
  const fromEnv = Number(env.TEST_JOBS);
  return Number.isSafeInteger(fromEnv) && fromEnv > 0 ? fromEnv : cores + 1;
}

export function parseRunnerArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): RunnerArgs | string {
  let long = false;
  let jobs = defaultJobs(env);
  const filters: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--long') long = true;
    else if (arg === '--jobs') {
      const n = Number(argv[++i]);
      if (!Number.isSafeInteger(n) || n <= 0) return `--jobs needs a positive integer, got ${JSON.stringify(argv[i] ?? '')}`;
      jobs = n;
    } else if (arg.startsWith('--')) return `unknown option ${JSON.stringify(arg)} (usage: run.js [--long] [--jobs N] [FILTER...])`;
    else filters.push(arg);
  }
  return { long, jobs, filters };
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseRunnerArgs(argv);
  if (typeof args === 'string') {
    process.stderr.write(`test runner: ${args}\n`);
    return 2;
  }
  const all = findTestFiles(TEST_DIR, args.long);
  const files = args.filters.length === 0 ? all : all.filter((f) => args.filters.some((w) => relative(TEST_DIR, f).includes(w)));
  if (files.length === 0) {
    process.stderr.write(`test runner: no test files matched under ${TEST_DIR}${args.filters.length ? ` (filter: ${args.filters.join(' ')})` : ''}\n`);
    return 1;
  }
  const started = performance.now();
  const runs = await runPool(startOrder(files), args.jobs, runFile, (run) => void process.stdout.write(`${fileHeading(run, TEST_DIR)}\n${run.output.trimEnd()}\n\n`));
  const failed = runs.filter((r) => fileProblem(r) !== undefined);
  process.stdout.write(`${slowestFiles(runs, TEST_DIR)}\n\n`);
  if (failed.length > 0) process.stdout.write(`failed files:\n${failed.map((r) => `  ${relative(TEST_DIR, r.file)}: ${fileProblem(r)}`).join('\n')}\n\n`);
  process.stdout.write(`${summaryLines(runs, args.jobs, performance.now() - started)}\n`);
  return failed.length === 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
