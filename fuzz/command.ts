/**
 * External commands named on the command line (`--cross-validate`,
 * `--replayer`). A command is split into words (quotes group words) and run
 * without a shell.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

export interface Command {
  readonly file: string;
  readonly args: readonly string[];
}

export function splitCommand(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | undefined;
  let started = false;
  for (const ch of text) {
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) words.push(current);
      current = '';
      started = false;
    } else {
      current += ch;
      started = true;
    }
  }
  if (quote !== undefined) throw new Error(`unbalanced quote in command: ${text}`);
  if (started) words.push(current);
  return words;
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

/** Parses and checks a command; throws with a one-line reason when unusable. */
export function resolveCommand(text: string, label: string): Command {
  const [file, ...args] = splitCommand(text);
  if (file === undefined) throw new Error(`${label}: empty command`);
  if (file.includes('/')) {
    const path = isAbsolute(file) ? file : resolve(file);
    if (!isExecutableFile(path)) throw new Error(`${label} is not an executable file: ${path}`);
    return { file: path, args };
  }
  const found = (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && isExecutableFile(join(dir, file)));
  if (!found) throw new Error(`${label} not found on PATH: ${file}`);
  return { file, args };
}

/** Shell-quoted rendering, for reproduce commands in reports. */
export function showCommand(c: Command, extra: readonly string[] = []): string {
  return [c.file, ...c.args, ...extra].map((w) => (/^[\w./=:@%+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}
