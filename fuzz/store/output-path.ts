/**
 * Checks an output path (`--report`, `merge --output`) before any work is
 * done, so a campaign never runs for hours only to fail at the end, and a
 * report can never replace the failure index or a device node.
 */
import { closeSync, lstatSync, openSync, realpathSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { isOwnTemp, tempPathIn } from './durable.js';

/** Names a failure directory holds: the index, the lock, traces and their stderr. */
const FAILURE_DIR_NAME = /^(failures\.json|\.replay-fuzz\.lock.*|failure-cycle-.*)$/;

function why(code: string | undefined): string {
  switch (code) {
    case 'ENOENT':
      return 'its directory does not exist';
    case 'ENOTDIR':
      return 'a parent is not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    default:
      return code ?? 'unknown error';
  }
}

function realDir(dir: string): string | undefined {
  try {
    return realpathSync(dir);
  } catch {
    return undefined;
  }
}

/** Throws a one-line reason when `path` cannot or must not be written; returns it resolved. */
export function checkOutputPath(path: string, option: string, failureDir?: string): string {
  const full = resolve(path);
  const dir = dirname(full);
  const name = basename(full);
  if (failureDir !== undefined && (FAILURE_DIR_NAME.test(name) || isOwnTemp(name))) {
    const a = realDir(dir) ?? dir;
    const b = realDir(failureDir) ?? resolve(failureDir);
    if (a === b) throw new Error(`${option} ${path} would overwrite a file of the failure directory ${failureDir}; write the report elsewhere`);
  }
  let target: ReturnType<typeof statSync> | undefined;
  try {
    lstatSync(full);
    target = statSync(full);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new Error(`${option} ${path} cannot be written: ${why(code)}`);
  }
  if (target !== undefined && !target.isFile()) throw new Error(`${option} ${path} exists and is not a regular file`);
  let dirStat;
  try {
    dirStat = statSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`${option} ${path} cannot be written: ${why(code)}`);
  }
  if (!dirStat.isDirectory()) throw new Error(`${option} ${path} cannot be written: ${dir} is not a directory`);
  // The report is written as a temporary in the same directory, then renamed: try exactly that.
  const probe = tempPathIn(dir, name);
  try {
    closeSync(openSync(probe, 'wx', 0o644));
    rmSync(probe, { force: true });
  } catch (err) {
    throw new Error(`${option} ${path} cannot be written: ${why((err as NodeJS.ErrnoException).code)}`);
  }
  return full;
}
