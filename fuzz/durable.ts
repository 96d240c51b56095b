/**
 * Crash-safe files. The driver may die at any instruction, so everything it
 * reports is first written to a temporary name, fsynced, renamed into place
 * and the directory fsynced: a reader sees the old file or the new one,
 * never a torn one. Temporaries carry a `.tmp-` prefix and are never read as
 * results.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export const TEMP_PREFIX = '.tmp-';

export function tempPathIn(dir: string, hint: string): string {
  return join(dir, `${TEMP_PREFIX}${randomBytes(6).toString('hex')}-${basename(hint)}`);
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes a finished temporary file durable under its final name. */
export function commitFile(tempPath: string, finalPath: string): void {
  const fd = openSync(tempPath, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tempPath, finalPath);
  fsyncDir(dirname(finalPath));
}

/** Writes `data` to `path` atomically and durably. */
export function writeFileDurably(path: string, data: string | Uint8Array): void {
  const temp = tempPathIn(dirname(path), path);
  const fd = openSync(temp, 'w', 0o644);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  fsyncDir(dirname(path));
}

/** Removes temporaries left by a run that died mid-write. */
export function removeStaleTemps(dir: string): number {
  let removed = 0;
  for (const name of readdirSync(dir)) {
    if (name.startsWith(TEMP_PREFIX)) {
      rmSync(join(dir, name), { force: true });
      removed++;
    }
  }
  return removed;
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
