/**
 * External commands named on the command line (`--cross-validate`,
 * `--replayer`): the value is one path (spaces and quotes are part of it, as
 * upstream takes it), and arguments come from a repeatable `--NAME-arg`
 * option. Run without a shell.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

export interface Command {
  readonly file: string;
  readonly args: readonly string[];
}

/** Commander parser for a repeatable option (`--replayer-arg A --replayer-arg B`). */
export function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks a command given as one path (or a name on PATH) plus its
 * arguments; throws with a one-line reason when unusable. `option` is the
 * flag it came from, for the hint.
 */
export function resolveCommand(path: string, args: readonly string[], label: string, option: string): Command {
  if (path.trim() === '') throw new Error(`${label}: empty command`);
  const hint = /\s/.test(path) ? ` (the value is one path; pass arguments with ${option}-arg)` : '';
  if (path.includes('/')) {
    const full = isAbsolute(path) ? path : resolve(path);
    if (!isExecutableFile(full)) throw new Error(`${label} is not an executable file: ${full}${hint}`);
    return { file: full, args };
  }
  const found = (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && isExecutableFile(join(dir, path)));
  if (!found) throw new Error(`${label} not found on PATH: ${path}${hint}`);
  return { file: path, args };
}

/** Shell-quoted rendering, for reproduce commands in reports. */
export function showCommand(c: Command, extra: readonly string[] = []): string {
  return [c.file, ...c.args, ...extra].map((w) => (/^[\w./=:@%+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}
