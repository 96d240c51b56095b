/**
 * The package version every bin prints for `--version`. It is read from the
 * package's own package.json, found by walking up from the running file, so
 * the same code works from dist/, from the cross-validate bundle and from an
 * installed package. Read on demand: only `--version` pays for it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_NAME = 'peering-crossval';

/** The directory holding this package's package.json, or undefined when not found. */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const path = join(dir, 'package.json');
    if (existsSync(path)) {
      try {
        if ((JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return dir;
      } catch {
        // Not ours or unreadable: keep walking up.
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

let cachedRoot: string | undefined;

/**
 * A path inside this package (`packagePath('dist', 'bin')`), found from the
 * package root rather than from the calling file, so code bundled into
 * dist/bin/ and the same code in dist/<layer>/<room>/ agree.
 */
export function packagePath(...parts: string[]): string {
  cachedRoot ??= packageRoot();
  if (cachedRoot === undefined) throw new Error(`cannot find the ${PACKAGE_NAME} package root above ${dirname(fileURLToPath(import.meta.url))}`);
  return join(cachedRoot, ...parts);
}

export function packageVersion(): string {
  const root = packageRoot();
  if (root === undefined) return 'unknown';
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown }).version;
  return typeof version === 'string' ? version : 'unknown';
}

/** What `BIN --version` prints: `replay-fuzz 0.1.0 (peering-crossval)`. */
export function versionLine(bin: string): string {
  return `${bin} ${packageVersion()} (${PACKAGE_NAME})`;
}
