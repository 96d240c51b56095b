/**
 * External processes of a cycle. Each runs in its own process group, so a
 * deadline, an interrupt or the end of the cycle reaches everything it
 * started (a wrapper script's children too), and its end is its exit, not
 * the closing of pipes a leftover grandchild may hold open.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { CapturedStream } from './capture.js';

/** Where running groups are written down, so a later run can end them if this one is killed (fuzz/store/scratch.ts). */
export interface GroupJournal {
  added(pid: number): void;
  removed(pid: number): void;
}

/** The process groups of running children, so an exit can kill them all at once. */
export class ChildGroups {
  private readonly pids = new Set<number>();
  private journal: GroupJournal | undefined;

  /** Writes every running group, and each one started or ended from now on, to `journal` (none: stop). */
  keepJournal(journal: GroupJournal | undefined): void {
    this.journal = journal;
    if (journal !== undefined) for (const pid of this.pids) journal.added(pid);
  }

  add(pid: number): void {
    this.pids.add(pid);
    this.journal?.added(pid);
  }

  delete(pid: number): void {
    if (this.pids.delete(pid)) this.journal?.removed(pid);
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
  /** The deadline passed: the process was killed, or had exited with its output still held open. */
  readonly timedOut: boolean;
  /** It had exited before the deadline and a process it left behind still held its output. */
  readonly heldOpen: boolean;
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
/** After the process exits, how long the pipes we capture may stay open before they are cut. */
const PIPE_GRACE_MS = 300;

type ExitFacts = Pick<ChildEnd, 'exitCode' | 'signal' | 'spawnError'>;

/**
 * One child from start to `done`: the deadline and an interrupt stay armed
 * until the process has exited and our pipes from it are closed, so a pipe
 * that a process outside its group holds open is cut at the deadline, never
 * waited on. The pipes we capture get a short grace after the exit; the
 * stdout the caller reads closes when the caller has read it all.
 */
class ChildLife {
  readonly done: Promise<ChildEnd>;
  private resolve!: (end: ChildEnd) => void;
  private exit: ExitFacts | undefined;
  private timedOut = false;
  private heldOpen = false;
  private canceled = false;
  private settled = false;
  private open = 0;
  private deadline: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private grace: NodeJS.Timeout | undefined;
  private readonly onAbort = (): void => this.interrupt('canceled');

  constructor(
    private readonly child: ChildProcess,
    private readonly o: ChildOptions,
  ) {
    this.done = new Promise<ChildEnd>((resolve) => (this.resolve = resolve));
    if (child.pid !== undefined) o.groups.add(child.pid);
    if (o.timeoutMs > 0) this.deadline = setTimeout(() => this.interrupt('timedOut'), o.timeoutMs);
    o.signal.addEventListener('abort', this.onAbort, { once: true });
    for (const s of [child.stderr, child.stdout]) {
      if (s === null) continue;
      this.open++;
      s.once('close', () => this.pipeClosed());
    }
    child.once('error', (err: NodeJS.ErrnoException) => this.exited({ exitCode: null, signal: null, spawnError: err }));
    child.once('exit', (code, signal) => this.exited({ exitCode: code, signal }));
    if (o.signal.aborted) this.onAbort();
  }

  /** The deadline or an interrupt: end the group; once it has exited, cut our pipes. */
  private interrupt(why: 'timedOut' | 'canceled'): void {
    if (this.settled) return;
    if (why === 'timedOut') this.timedOut = true;
    else this.canceled = true;
    if (this.exit !== undefined) {
      if (why === 'timedOut') this.heldOpen = true;
      return this.cutPipes();
    }
    const pid = this.child.pid;
    if (pid === undefined) return;
    signalGroup(pid, 'SIGTERM');
    this.killTimer ??= setTimeout(() => signalGroup(pid, 'SIGKILL'), KILL_GRACE_MS);
  }

  private exited(facts: ExitFacts): void {
    if (this.exit !== undefined) return;
    this.exit = facts;
    clearTimeout(this.killTimer);
    const pid = this.child.pid;
    // Leftovers of the cycle (a wrapper's children) end with it, so the pipes they hold close.
    if (pid !== undefined) {
      signalGroup(pid, 'SIGKILL');
      this.o.groups.delete(pid);
    }
    if (this.timedOut || this.canceled) return this.cutPipes();
    // Whatever is still in the captured pipes is read; a holder that escaped the group is cut off.
    this.grace = setTimeout(() => this.cutCaptured(), PIPE_GRACE_MS);
    this.maybeSettle();
  }

  private cutCaptured(): void {
    this.child.stderr?.destroy();
    if (this.o.stdout !== undefined) this.child.stdout?.destroy();
  }

  /** Closes our ends of every pipe to the child (a pipe closed already counts as closed). */
  private cutPipes(): void {
    this.child.stdin?.destroy();
    this.child.stderr?.destroy();
    this.child.stdout?.destroy();
    this.maybeSettle();
  }

  private pipeClosed(): void {
    this.open--;
    this.maybeSettle();
  }

  private maybeSettle(): void {
    if (this.settled || this.exit === undefined || this.open > 0) return;
    this.settled = true;
    clearTimeout(this.deadline);
    clearTimeout(this.grace);
    this.o.signal.removeEventListener('abort', this.onAbort);
    this.child.stdin?.destroy();
    this.resolve({ ...this.exit, timedOut: this.timedOut, heldOpen: this.heldOpen, canceled: this.canceled, stderr: this.o.stderr });
  }
}

export function startChild(file: string, args: readonly string[], o: ChildOptions): RunningChild {
  const child = spawn(file, args, { stdio: [o.stdin, 'pipe', 'pipe'], detached: true });
  const life = new ChildLife(child, o);
  child.stderr!.on('data', (d: Buffer) => o.stderr.push(d));
  child.stderr!.on('error', () => undefined);
  if (o.stdout !== undefined) {
    child.stdout!.on('data', (d: Buffer) => o.stdout!.push(d));
    child.stdout!.on('error', () => undefined);
  }
  child.stdin?.on('error', () => undefined); // the checker may stop reading early
  return { child, stdin: child.stdin, stdout: o.stdout === undefined ? child.stdout : null, done: life.done };
}
