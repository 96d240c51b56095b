/**
 * An exclusive lock file with a takeover that only one process can win.
 *
 * The lock is created whole (written under a private name, then hard-linked
 * into place), so a reader never sees a half-written lock. It names its
 * owner by pid, process start time (Linux: start ticks from
 * /proc/PID/stat), boot id and host, so a pid reused by an unrelated
 * process after a crash or reboot does not keep the lock alive.
 *
 * Taking over a stale lock first takes a second lock named after the stale
 * file's inode; only its holder may remove that exact file (see
 * docs/fuzzing.md, "Locking").
 */
import { randomBytes } from 'node:crypto';
import { linkSync, lstatSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { hostname } from 'node:os';
import { parseJsonWithFractions } from '../../replay/input/json-lossless.js';

/** Who holds a lock. `start` and `boot` are absent where /proc is not available. */
export interface LockOwner {
  readonly pid: number;
  readonly start?: string;
  readonly boot?: string;
  readonly host: string;
}

/** A lock this process holds. */
export interface HeldLock {
  readonly path: string;
  readonly content: string;
}

/** The lock is held by a live process. */
export class LockBusyError extends Error {}

/** What a reader saw of an existing lock file. */
export interface SeenLock {
  readonly raw: string;
  readonly ino: number;
  readonly mtimeMs: number;
}

export type OwnerCheck = (owner: LockOwner | undefined, seen: SeenLock) => boolean;

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/PID/stat: start time in clock ticks since boot. */
export function processStartTicks(pid: number): string | undefined {
  const stat = readOptional(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}

export function bootId(): string | undefined {
  return readOptional('/proc/sys/kernel/random/boot_id')?.trim();
}

const procAvailable = (): boolean => readOptional('/proc/self/stat') !== undefined;

/** Who `pid` names now: its start time and boot where /proc tells, and this host. */
export function processIdentity(pid: number): LockOwner {
  const start = processStartTicks(pid);
  const boot = bootId();
  return { pid, ...(start === undefined ? {} : { start }), ...(boot === undefined ? {} : { boot }), host: hostname() };
}

export function ownIdentity(): LockOwner {
  return processIdentity(process.pid);
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function parseOwner(raw: string): LockOwner | undefined {
  const text = raw.trim();
  if (/^\d{1,10}$/.test(text)) return { pid: Number(text), host: hostname() }; // an older driver's lock: a bare pid
  let value;
  try {
    value = parseJsonWithFractions(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as { [key: string]: unknown };
  if (typeof v.pid !== 'number' || !Number.isSafeInteger(v.pid) || v.pid <= 0) return undefined;
  const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
  const start = str(v.start);
  const boot = str(v.boot);
  return { pid: v.pid, ...(start === undefined ? {} : { start }), ...(boot === undefined ? {} : { boot }), host: str(v.host) ?? hostname() };
}

/** Seconds since the epoch at which the system booted (Linux), for pid-only locks. */
function bootTimeSeconds(): number | undefined {
  const m = /^btime (\d+)$/m.exec(readOptional('/proc/stat') ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * Is the lock's owner still running? A lock from another host cannot be
 * checked and counts as held; unreadable content counts as stale (locks are
 * created whole, so it is not one being written).
 */
export const ownerAlive: OwnerCheck = (owner, seen) => {
  if (owner === undefined) return false;
  if (owner.host !== hostname()) return true;
  const boot = bootId();
  if (owner.boot !== undefined && boot !== undefined && owner.boot !== boot) return false;
  if (!pidExists(owner.pid)) return false;
  if (!procAvailable()) return true;
  const start = processStartTicks(owner.pid);
  if (start === undefined) return false;
  if (owner.start !== undefined) return owner.start === start;
  // A bare pid: the owner must have started before the lock was written and be a replay-fuzz.
  const btime = bootTimeSeconds();
  if (btime !== undefined && (btime + Number(start) / 100) * 1000 > seen.mtimeMs + 2000) return false;
  const cmdline = readOptional(`/proc/${owner.pid}/cmdline`);
  return cmdline === undefined || cmdline.includes('replay-fuzz');
};

/**
 * Is `owner` provably a process running now, the very one recorded: same
 * host and boot, a start time on record and the same start time now? The
 * strict form of `ownerAlive`, for deciding to kill, where a doubt must
 * mean no.
 */
export function sameProcess(owner: LockOwner | undefined): boolean {
  if (owner?.start === undefined || owner.host !== hostname()) return false;
  const boot = bootId();
  if (owner.boot !== boot) return false;
  return pidExists(owner.pid) && processStartTicks(owner.pid) === owner.start;
}

export function describeOwner(owner: LockOwner | undefined): string {
  if (owner === undefined) return 'unknown owner';
  return owner.host === hostname() ? `pid ${owner.pid}` : `pid ${owner.pid} on host ${owner.host}`;
}

function readLock(path: string): SeenLock | undefined {
  try {
    const raw = readFileSync(path, 'utf8');
    const st = statSync(path);
    return { raw, ino: st.ino, mtimeMs: st.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Creates `path` with `content` if it does not exist; false when it does. */
function createWhole(path: string, content: string): boolean {
  const candidate = `${path}.new-${randomBytes(6).toString('hex')}`;
  writeFileSync(candidate, content, { flag: 'wx', mode: 0o644 });
  try {
    linkSync(candidate, path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
  } finally {
    unlinkSync(candidate);
  }
  // No hard links on this file system: exclusive create (content follows at once).
  try {
    writeFileSync(path, content, { flag: 'wx', mode: 0o644 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const MAX_DEPTH = 3;

/**
 * Takes the lock at `path` or throws `LockBusyError` naming the live owner.
 * A stale lock is removed only by the process that wins its takeover token.
 */
export function acquireLock(path: string, isAlive: OwnerCheck = ownerAlive, depth = 0): HeldLock {
  const content = `${JSON.stringify({ tool: 'replay-fuzz', ...ownIdentity(), nonce: randomBytes(8).toString('hex') })}\n`;
  for (let attempt = 0; attempt < 50; attempt++) {
    if (createWhole(path, content)) return { path, content };
    const seen = readLock(path);
    if (seen === undefined) continue; // released meanwhile
    const owner = parseOwner(seen.raw);
    if (isAlive(owner, seen)) throw new LockBusyError(`locked by ${describeOwner(owner)}`);
    if (depth >= MAX_DEPTH) throw new Error(`cannot take over the stale lock ${path}; remove it by hand`);
    let token: HeldLock;
    try {
      token = acquireLock(`${path}.takeover-${seen.ino}`, isAlive, depth + 1);
    } catch (err) {
      if (!(err instanceof LockBusyError)) throw err;
      pause(20); // another process is taking this stale lock over
      continue;
    }
    try {
      const now = readLock(path);
      // The same file, unchanged: nobody can replace it while we hold its token.
      if (now !== undefined && now.ino === seen.ino && now.raw === seen.raw) unlinkSync(path);
    } finally {
      releaseLock(token);
    }
  }
  throw new LockBusyError(`${path} keeps changing hands`);
}

/** How old a lock's leftover candidate or takeover token must be before it is removed. */
const LEFTOVER_AGE_MS = 60_000;

/**
 * Removes what a process killed while taking `path` left beside it: old
 * candidates (`.new-`) and old takeover tokens whose owner is dead. Only
 * the lock's holder calls this.
 */
export function removeLockLeftovers(path: string, now = Date.now()): number {
  const dir = dirname(path);
  const base = basename(path);
  let removed = 0;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(`${base}.`)) continue;
    const rest = name.slice(base.length + 1);
    const candidate = /^new-[0-9a-f]{12}$/.test(rest);
    const token = /^takeover-\d+$/.test(rest);
    if (!candidate && !token) continue;
    const full = join(dir, name);
    try {
      const st = lstatSync(full);
      if (!st.isFile() || now - st.mtimeMs < LEFTOVER_AGE_MS) continue;
      if (token) {
        const raw = readFileSync(full, 'utf8');
        if (ownerAlive(parseOwner(raw), { raw, ino: st.ino, mtimeMs: st.mtimeMs })) continue;
      }
      unlinkSync(full);
      removed++;
    } catch {
      /* gone meanwhile */
    }
  }
  return removed;
}

/** Removes the lock if it is still ours. */
export function releaseLock(lock: HeldLock): void {
  if (readOptional(lock.path) === lock.content) {
    try {
      unlinkSync(lock.path);
    } catch {
      /* already gone */
    }
  }
}
