/**
 * Crash-safe files. The driver may die at any instruction, so everything it
 * reports is first written to a temporary name, fsynced, renamed into place
 * and the directory fsynced: a reader sees the old file or the new one,
 * never a torn one. Temporaries carry a `.tmp-` prefix and are never read as
 * results; a write that fails (a full disk) removes its temporary.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, ftruncateSync, lstatSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export const TEMP_PREFIX = '.tmp-';

/**
 * The file operations that can fail on a full or broken disk, injectable so
 * tests can make any of them fail.
 */
export interface FileIo {
  writeSync(fd: number, bytes: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  renameSync(from: string, to: string): void;
}

export const REAL_IO: FileIo = {
  writeSync: (fd, bytes, offset, length) => writeSync(fd, bytes, offset, length),
  fsyncSync,
  renameSync,
};

/**
 * Our temporary names: `.tmp-` + 12 hex digits + `-` + the final name: the
 * index, or a failure's trace, event stream (`--impl`), minimized trace and
 * stream, or a tool's stderr.
 */
const OWN_TEMP = /^\.tmp-[0-9a-f]{12}-(failures\.json|failure-cycle-\d+-seed-\d+(-\d+)?((\.min)?(\.events)?\.jsonl|\.(replayer|cross-validate|implementation)-stderr\.txt))$/;

export function isOwnTemp(name: string): boolean {
  return OWN_TEMP.test(name);
}

export function tempPathIn(dir: string, hint: string): string {
  return join(dir, `${TEMP_PREFIX}${randomBytes(6).toString('hex')}-${basename(hint)}`);
}

function fsyncDir(dir: string, io: FileIo): void {
  const fd = openSync(dir, 'r');
  try {
    io.fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes all of `bytes` at the file's position. */
export function writeAll(fd: number, bytes: Uint8Array, io: FileIo = REAL_IO): void {
  let off = 0;
  while (off < bytes.length) off += io.writeSync(fd, bytes, off, bytes.length - off);
}

/** Makes a finished temporary file durable under its final name; removes the temporary on failure. */
export function commitFile(tempPath: string, finalPath: string, io: FileIo = REAL_IO): void {
  try {
    const fd = openSync(tempPath, 'r+');
    try {
      io.fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    io.renameSync(tempPath, finalPath);
  } catch (err) {
    rmSync(tempPath, { force: true });
    throw err;
  }
  fsyncDir(dirname(finalPath), io);
}

/** Writes `data` to `path` atomically and durably; on failure nothing changes at `path`. */
export function writeFileDurably(path: string, data: string | Uint8Array, io: FileIo = REAL_IO): void {
  const temp = tempPathIn(dirname(path), path);
  try {
    const fd = openSync(temp, 'wx', 0o644);
    try {
      writeAll(fd, typeof data === 'string' ? Buffer.from(data) : data, io);
      io.fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    io.renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  fsyncDir(dirname(path), io);
}

/**
 * Appends `data` to a file another program owns (a CI step summary), so it
 * cannot be written to a temporary and renamed: written and fsynced in
 * place, and on failure (a full disk) cut back to its old length, so a
 * reader never sees half a section.
 */
export function appendFileDurably(path: string, data: string, io: FileIo = REAL_IO): void {
  const fd = openSync(path, 'a');
  try {
    const before = fstatSync(fd).size;
    try {
      writeAll(fd, Buffer.from(data), io);
      io.fsyncSync(fd);
    } catch (err) {
      cutBack(fd, before);
      throw err;
    }
  } finally {
    closeSync(fd);
  }
}

function cutBack(fd: number, size: number): void {
  try {
    ftruncateSync(fd, size);
  } catch {
    /* not a regular file (a device, a pipe): there is nothing to cut */
  }
}

/**
 * Removes temporaries a run that died mid-write left in a failure
 * directory: only regular files with our own temporary names.
 */
export function removeStaleTemps(dir: string): number {
  let removed = 0;
  for (const name of readdirSync(dir)) {
    if (!isOwnTemp(name)) continue;
    const path = join(dir, name);
    try {
      if (!lstatSync(path).isFile()) continue;
      rmSync(path, { force: true });
      removed++;
    } catch {
      /* gone meanwhile */
    }
  }
  return removed;
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
