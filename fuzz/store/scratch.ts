/**
 * The driver's scratch directory in $TMPDIR (traces of cycles when no
 * failure directory is given). A driver killed with kill -9 leaves its
 * scratch behind, so each run removes stale ones at start-up: only
 * directories with our name pattern, owned by this user, whose owner is no
 * longer running, holding nothing but our own temporary files.
 *
 * The scratch also records the process groups the driver has running (one
 * `group-PID` file each, naming the leader's start time and boot), so the
 * tools a killed driver left running are ended when its scratch is reaped:
 * a group only when its leader is provably the process that was started.
 */
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOwnTemp } from './durable.js';
import { acquireLock, bootId, ownerAlive, parseOwner, processStartTicks, releaseLock, sameProcess, type HeldLock } from './lock.js';

const PREFIX = 'replay-fuzz-';
const SCRATCH_NAME = /^replay-fuzz-[A-Za-z0-9]{6}$/;
const OWNER = '.owner';
/** A scratch without an owner file is a run's (or an older driver's) only after this long. */
const ORPHAN_AGE_MS = 60_000;

export interface Scratch {
  readonly dir: string;
  readonly lock: HeldLock;
}

const GROUP_RECORD = /^group-\d{1,10}$/;

/** The process groups a driver runs, written down in its scratch (`ChildGroups`' journal). */
export class GroupRecords {
  constructor(readonly dir: string) {}

  added(pid: number): void {
    const start = processStartTicks(pid);
    if (start === undefined) return; // gone already, or no /proc: nothing could be proven later
    const boot = bootId();
    try {
      writeFileSync(join(this.dir, `group-${pid}`), JSON.stringify({ pid, start, ...(boot === undefined ? {} : { boot }), host: hostname() }), { mode: 0o644 });
    } catch {
      /* a full disk: this group would only be missed by a later run's cleanup */
    }
  }

  removed(pid: number): void {
    rmSync(join(this.dir, `group-${pid}`), { force: true });
  }
}

/** Kills the recorded groups in `dir` whose leader is still the recorded process; returns how many. */
export function reapGroups(dir: string): number {
  let killed = 0;
  for (const name of readdirSync(dir)) {
    if (!GROUP_RECORD.test(name)) continue;
    const leader = parseOwner(readFileText(join(dir, name)));
    if (leader === undefined || `group-${leader.pid}` !== name || !sameProcess(leader)) continue;
    try {
      process.kill(-leader.pid, 'SIGKILL');
      killed++;
    } catch {
      /* ended meanwhile */
    }
  }
  return killed;
}

export function createScratch(base = tmpdir()): Scratch {
  const dir = mkdtempSync(join(base, PREFIX));
  return { dir, lock: acquireLock(join(dir, OWNER)) };
}

export function removeScratch(s: Scratch): void {
  releaseLock(s.lock);
  rmSync(s.dir, { recursive: true, force: true });
}

function isStale(dir: string, now: number): boolean {
  const names = readdirSync(dir);
  if (!names.every((n) => n === OWNER || isOwnTemp(n) || GROUP_RECORD.test(n) || /^\.owner\.(new|takeover)-[0-9a-f]+$/.test(n))) return false;
  if (names.includes(OWNER)) {
    const path = join(dir, OWNER);
    const st = lstatSync(path);
    return !ownerAlive(parseOwner(readFileText(path)), { raw: '', ino: st.ino, mtimeMs: st.mtimeMs });
  }
  return now - lstatSync(dir).mtimeMs > ORPHAN_AGE_MS;
}

function readFileText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Removes scratch directories that killed runs left in `base`; returns how many. */
export function removeStaleScratch(base = tmpdir()): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return 0;
  }
  const uid = process.getuid?.();
  const now = Date.now();
  for (const name of names) {
    if (!SCRATCH_NAME.test(name)) continue;
    const dir = join(base, name);
    try {
      const st = lstatSync(dir);
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
      if (!isStale(dir, now)) continue;
      reapGroups(dir);
      rmSync(dir, { recursive: true, force: true });
      removed++;
    } catch {
      /* changed meanwhile: leave it */
    }
  }
  return removed;
}
