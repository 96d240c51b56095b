/**
 * The driver's scratch directory in $TMPDIR (traces of cycles when no
 * failure directory is given). A driver killed with kill -9 leaves its
 * scratch behind, so each run removes stale ones at start-up: only
 * directories with our name pattern, owned by this user, whose owner is no
 * longer running, holding nothing but our own temporary files.
 */
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOwnTemp } from './durable.js';
import { acquireLock, ownerAlive, parseOwner, releaseLock, type HeldLock } from './lock.js';

const PREFIX = 'replay-fuzz-';
const SCRATCH_NAME = /^replay-fuzz-[A-Za-z0-9]{6}$/;
const OWNER = '.owner';
/** A scratch without an owner file is a run's (or an older driver's) only after this long. */
const ORPHAN_AGE_MS = 60_000;

export interface Scratch {
  readonly dir: string;
  readonly lock: HeldLock;
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
  if (!names.every((n) => n === OWNER || isOwnTemp(n) || /^\.owner\.(new|takeover)-[0-9a-f]+$/.test(n))) return false;
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
      rmSync(dir, { recursive: true, force: true });
      removed++;
    } catch {
      /* changed meanwhile: leave it */
    }
  }
  return removed;
}
