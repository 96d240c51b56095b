/**
 * External processes of a cycle. Each runs in its own process group, so a
 * deadline, an interrupt or the end of the cycle reaches everything it
 * started (a wrapper script's children too), and its end is its exit, not
 * the closing of pipes a leftover grandchild may hold open.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { CapturedStream } from './capture.js';

/** The process groups of running children, so an exit can kill them all at once. */
export class ChildGroups {
  private readonly pids = new Set<number>();

  add(pid: number): void {
    this.pids.add(pid);
  }

  delete(pid: number): void {
    this.pids.delete(pid);
  }

  /** Signals every live group (synchronous: safe in an exit handler). */
  signalAll(signal: NodeJS.Signals): void {
    for (const pid of this.pids) signalGroup(pid, signal);
  }
}

export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* the group is gone */
  }
}

export interface ChildEnd {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly canceled: boolean;
  /** Set when the process could not be started at all. */
  readonly spawnError?: NodeJS.ErrnoException;
  readonly stderr: CapturedStream;
}

export interface ChildOptions {
  readonly stdin: 'pipe' | 'ignore';
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly groups: ChildGroups;
  /** Where stderr beyond the in-memory limit spills. */
  readonly stderr: CapturedStream;
  /** Collects stdout as a capture too (the checker's); otherwise stdout is left for the caller. */
  readonly stdout?: CapturedStream;
}

export interface RunningChild {
  readonly child: ChildProcess;
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly done: Promise<ChildEnd>;
}

/** SIGTERM at the deadline, SIGKILL this much later. */
export const KILL_GRACE_MS = 2000;
/** After the process exits, how long its pipes may stay open before they are cut. */
const PIPE_GRACE_MS = 300;

export function startChild(file: string, args: readonly string[], o: ChildOptions): RunningChild {
  const child = spawn(file, args, { stdio: [o.stdin, 'pipe', 'pipe'], detached: true });
  const pid = child.pid;
  if (pid !== undefined) o.groups.add(pid);
  let timedOut = false;
  let canceled = false;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = (): void => {
    if (pid === undefined) return;
    signalGroup(pid, 'SIGTERM');
    killTimer ??= setTimeout(() => signalGroup(pid, 'SIGKILL'), KILL_GRACE_MS);
  };
  const deadline =
    o.timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          stop();
        }, o.timeoutMs)
      : undefined;
  const onAbort = (): void => {
    canceled = true;
    stop();
  };
  o.signal.addEventListener('abort', onAbort, { once: true });
  if (o.signal.aborted) onAbort();

  child.stderr!.on('data', (d: Buffer) => o.stderr.push(d));
  child.stderr!.on('error', () => undefined);
  if (o.stdout !== undefined) {
    child.stdout!.on('data', (d: Buffer) => o.stdout!.push(d));
    child.stdout!.on('error', () => undefined);
  }
  child.stdin?.on('error', () => undefined); // the checker may stop reading early

  const done = new Promise<ChildEnd>((resolve) => {
    let settled = false;
    const finish = (end: Omit<ChildEnd, 'timedOut' | 'canceled' | 'stderr'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(killTimer);
      o.signal.removeEventListener('abort', onAbort);
      // Leftovers of the cycle (a wrapper's children) end with it, so the pipes they hold close.
      if (pid !== undefined) {
        signalGroup(pid, 'SIGKILL');
        o.groups.delete(pid);
      }
      const cut = (): void => {
        child.stderr?.destroy();
        if (o.stdout !== undefined || timedOut || canceled) child.stdout?.destroy();
      };
      const captured = [child.stderr, o.stdout === undefined ? null : child.stdout].filter((s): s is Readable => s !== null);
      const open = captured.filter((s) => !s.closed);
      let waiting = open.length;
      const close = (): void => {
        if (waiting < 0) return;
        waiting = -1;
        clearTimeout(grace);
        cut();
        resolve({ ...end, timedOut, canceled, stderr: o.stderr });
      };
      // Whatever is still in the pipes is read; a holder that escaped the group is cut off.
      const grace = setTimeout(close, PIPE_GRACE_MS);
      if (waiting === 0) close();
      for (const s of open) {
        s.once('close', () => {
          if (--waiting === 0) close();
        });
      }
    };
    child.once('error', (err: NodeJS.ErrnoException) => finish({ exitCode: null, signal: null, spawnError: err }));
    child.once('exit', (code, signal) => finish({ exitCode: code, signal }));
  });
  return { child, stdin: child.stdin, stdout: o.stdout === undefined ? child.stdout : null, done };
}
