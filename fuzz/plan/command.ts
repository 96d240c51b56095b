/**
 * External commands named on the command line (`--cross-validate`,
 * `--replayer`): the value is one path (spaces and quotes are part of it, as
 * upstream takes it), and arguments come from a repeatable `--NAME-arg`
 * option. Run without a shell.
 */
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, relative, resolve, sep } from 'node:path';

export interface Command {
  readonly file: string;
  readonly args: readonly string[];
}

/** Commander parser for a repeatable option (`--replayer-arg A --replayer-arg B`). */
export function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

/** A regular file this process may execute. */
export function isExecutableFile(path: string): boolean {
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

/**
 * How a word of a command reads from `cwd`: a path under it relative to it
 * (`./` first when it would otherwise be looked up on PATH), and this
 * process's own node as `node` when that is the node on PATH. Anything else
 * stays as it is.
 */
export function displayWord(word: string, cwd: string): string {
  if (word === process.execPath && nodeOnPath() === process.execPath) return 'node';
  if (!isAbsolute(word)) return word;
  const rel = relative(cwd, word);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return word;
  return rel.includes(sep) ? rel : `.${sep}${rel}`;
}

let pathNode: string | null | undefined;
/** The first `node` on PATH, resolved through links, or null (looked up once). */
function nodeOnPath(): string | null {
  if (pathNode !== undefined) return pathNode;
  pathNode = null;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '' || !isExecutableFile(join(dir, 'node'))) continue;
    try {
      pathNode = realpathSync(join(dir, 'node')) === realpathSync(process.execPath) ? process.execPath : null;
    } catch {
      pathNode = null;
    }
    break;
  }
  return pathNode;
}

/**
 * Shell-quoted rendering, for reproduce commands in reports: paths under
 * `cwd` (the directory the campaign runs in) relative to it, so a command
 * reads the same on any machine that has the same checkout layout.
 */
export function showCommand(c: Command, extra: readonly string[] = [], cwd: string = process.cwd()): string {
  return [c.file, ...c.args, ...extra]
    .map((w) => displayWord(w, cwd))
    .map((w) => (/^[\w./=:@%+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}
