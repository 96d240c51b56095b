/**
 * Runs the replay-fuzz bin the way the fuzz and reliability tests need it:
 * in its own process group (so everything it spawns can be cleaned up),
 * with its scratch in the test's directory, under a safety time limit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, signalGroupIfSame, startedProcess, type StartedProcess } from '../helpers.js';

export const BIN = join(ROOT, 'dist', 'bin', 'replay-fuzz.js');

export interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Launched {
  readonly child: ChildProcess;
  /** The driver by pid and start time, to signal it (or its group) safely after it ended. */
  readonly process: StartedProcess;
  readonly done: Promise<Run>;
  /** Output so far. */
  stdout(): string;
}

/** Starts the driver; past `limitMs` its group is killed and the run fails. */
export function launch(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}, limitMs = 90_000): Launched {
  // TMPDIR: the driver's scratch directory goes into the test's directory, which is removed even after a kill -9.
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, TMPDIR: cwd, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const started = startedProcess(child.pid ?? 0);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  child.stderr!.on('data', (d: Buffer) => err.push(d));
  const done = new Promise<Run>((resolve, reject) => {
    const timer = setTimeout(() => {
      signalGroupIfSame(started, 'SIGKILL');
      reject(new Error(`replay-fuzz ${args.join(' ')} did not finish within ${limitMs / 1000} s`));
    }, limitMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
  return { child, process: started, done, stdout: () => Buffer.concat(out).toString('utf8') };
}

/** Ends what the driver left behind (its process group, while the id is still its). */
export function killGroup(driver: Launched): void {
  signalGroupIfSame(driver.process, 'SIGKILL');
}

/** Runs the driver to the end and cleans up its group. */
export async function fuzz(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const l = launch(args, cwd, env);
  try {
    return await l.done;
  } finally {
    killGroup(l);
  }
}
