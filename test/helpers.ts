/** Shared test helpers: project paths and fixture loading. */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processIdentity, processStartTicks, sameProcess, type LockOwner } from '../fuzz/store/lock.js';

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

/**
 * A process a test started, named by pid and start time (the identity the
 * failure-directory lock records, fuzz/store/lock.ts). Pids come round
 * within one `npm test` here (pid_max is 32768 and every thread takes one),
 * so a clean-up that signals a bare pid after its process ended can hit
 * another test's process: a stray SIGKILL once killed a render process of
 * an unrelated test file.
 */
export type StartedProcess = LockOwner;

/** Call right after starting it, while the pid surely names it. */
export const startedProcess = (pid: number): StartedProcess => processIdentity(pid);

/** Signals the process only while its pid still names it (`sameProcess`); false when it is gone. */
export function signalIfSame(p: StartedProcess, signal: NodeJS.Signals): boolean {
  if (!sameProcess(p)) return false;
  try {
    process.kill(p.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Signals the process group `p` leads, while its pid names `p` or no
 * process at all: a dead leader's group may keep members, and Linux gives
 * no new process that id while it does.
 */
export function signalGroupIfSame(p: StartedProcess, signal: NodeJS.Signals): void {
  if (!(p.pid > 0) || (processStartTicks(p.pid) !== undefined && !sameProcess(p))) return;
  try {
    process.kill(-p.pid, signal);
  } catch {
    /* the group is gone */
  }
}

/** Processes whose environment has TMPDIR=`dir`: what a test started there, and everything those started. */
export function processesOf(dir: string): number[] {
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (Number(pid) !== process.pid && readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`TMPDIR=${dir}`)) out.push(Number(pid));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return out;
}

/** Kills what `processesOf(dir)` finds. */
export function killProcessesOf(dir: string): void {
  for (const pid of processesOf(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}
