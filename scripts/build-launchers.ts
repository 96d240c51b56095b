/**
 * Build step: gives the bins that never open a TLS connection nor start a
 * process a two-line launcher header instead of `#!/usr/bin/env node`.
 *
 * The file stays one file that is both a POSIX shell script and an ES
 * module: run as a program, /bin/sh reads the second line, drops
 * NODE_EXTRA_CA_CERTS and execs node on the same file; node (or anyone
 * running `node file.js`) sees a string statement and a comment. Node 20
 * parses every certificate that variable names before running any
 * JavaScript, which was about 35 ms of a 60 ms start on our CI machines.
 * docs/performance.md has the figures. Run by `npm run build`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The header, shell on the left of `//`, a comment to JavaScript on the right. */
export const LAUNCHER_HEADER = `#!/bin/sh\n':' //; unset NODE_EXTRA_CA_CERTS; exec node "$0" "$@"\n`;

/** Relative to dist/: bins with no TLS and no child processes (replay-fuzz starts user tools, so it keeps the environment). */
export const LAUNCHED_BINS = ['bin/cross-validate.js', 'replay/cli.js', 'replay/diff-cli.js', 'scripts/peering-render.js'] as const;

const NODE_SHEBANG = '#!/usr/bin/env node\n';

/** Swaps the node shebang of `source` for the launcher header; a file already launched is left as it is. */
export function withLauncher(source: string, file: string): string {
  if (source.startsWith(LAUNCHER_HEADER)) return source;
  if (!source.startsWith(NODE_SHEBANG)) throw new Error(`${file}: expected a '#!/usr/bin/env node' first line`);
  return LAUNCHER_HEADER + source.slice(NODE_SHEBANG.length);
}

function main(): void {
  const dist = join(dirname(fileURLToPath(import.meta.url)), '..');
  for (const bin of LAUNCHED_BINS) {
    const file = join(dist, bin);
    writeFileSync(file, withLauncher(readFileSync(file, 'utf8'), file));
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();
