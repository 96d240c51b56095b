/** Shared test helpers: project paths and fixture loading. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (tests run from dist/test). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the upstream conformance vectors live (a copy ships in test/fixtures/golden); `GOLDEN_DIR` overrides. */
export const GOLDEN_DIR = process.env.GOLDEN_DIR ?? join(ROOT, 'test', 'fixtures', 'golden');

export function fixture(name: string): string {
  return join(ROOT, 'test', 'fixtures', name);
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Fails loudly when the conformance vectors are missing: never skip silently. */
export function requireGolden(): string {
  if (!existsSync(join(GOLDEN_DIR, 'manifest.json'))) {
    throw new Error(`golden vectors not found at ${GOLDEN_DIR} (set GOLDEN_DIR)`);
  }
  return GOLDEN_DIR;
}

/** The published `cross-validate` bin: a single-file bundle of scripts/cross-validate.ts. */
export const CROSS_VALIDATE = join(ROOT, 'dist', 'bin', 'cross-validate.js');

export interface BinRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `command` (a program: its first line decides how it starts), feeding
 * `input` on stdin (closed at once when absent); `env`, when given, is the
 * whole environment.
 */
export function runCommand(command: string, args: readonly string[], input?: string | Buffer, env?: NodeJS.ProcessEnv): Promise<BinRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { stdio: ['pipe', 'pipe', 'pipe'], ...(env === undefined ? {} : { env }) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    // The command may exit before reading all of stdin.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/** Runs a built bin script with node, feeding `input` on stdin (closed at once when absent). */
export function runBin(script: string, args: readonly string[], input?: string | Buffer): Promise<BinRun> {
  return runCommand(process.execPath, [script, ...args], input);
}

/**
 * Set by test/long/full-size.test.ts when it reruns a test at the size the
 * long run affords: a test that repeats a check over rounds or cases takes
 * a few in `npm test` and all of them there (`bySize(quick, full)`).
 */
export const FULL_SIZE = process.env.PEERING_TEST_FULL_SIZE === '1';

export function bySize<T>(quick: T, full: T): T {
  return FULL_SIZE ? full : quick;
}
