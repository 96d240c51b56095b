/**
 * Build step after tsc: makes the shipped bins start fast. Run by `npm run build`.
 *
 * 1. Bundles. `cross-validate` and `replay-fuzz` (with its fuzz worker) become
 *    one file each in dist/bin/, so Node's ES module loader resolves, reads
 *    and compiles one file instead of a hundred: that is most of a worker's
 *    start-up. The bundles sit one level below dist/ like the files they come
 *    from, so their paths relative to dist/ stay right.
 * 2. Launchers. The bins that never open a TLS connection nor start a process
 *    get a two-line header in place of `#!/usr/bin/env node`. The file stays
 *    both a POSIX shell script and an ES module: run as a program, /bin/sh
 *    reads the second line, drops NODE_EXTRA_CA_CERTS and execs node on the
 *    same file; node sees a string statement and a comment. Node 20 parses
 *    every certificate that variable names before any JavaScript runs.
 *
 * docs/performance.md has what each bought.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The header, shell on the left of `//`, a comment to JavaScript on the right. */
export const LAUNCHER_HEADER = `#!/bin/sh\n':' //; unset NODE_EXTRA_CA_CERTS; exec node "$0" "$@"\n`;

/** Relative to dist/: bins with no TLS and no child processes (replay-fuzz starts user tools, so it keeps the environment). */
export const LAUNCHED_BINS = ['bin/cross-validate.js', 'replay/cli.js', 'replay/diff-cli.js', 'scripts/peering-render.js'] as const;

/** Relative to dist/: what is bundled, from the tsc output, and where to. */
export const BUNDLES = [
  { from: 'tracegen/cli.js', to: 'bin/cross-validate.js' },
  { from: 'scripts/replay-fuzz.js', to: 'bin/replay-fuzz.js' },
  // fuzz/pool.ts starts `./worker.js` beside itself: beside the bundle, this one.
  { from: 'fuzz/worker.js', to: 'bin/worker.js' },
] as const;

/** Every file in package.json `bin` (relative to dist/), made executable. */
const EXECUTABLES = ['bin/cross-validate.js', 'bin/replay-fuzz.js', 'tracegen/cli.js', 'replay/cli.js', 'replay/diff-cli.js', 'scripts/replay-fuzz.js', 'scripts/peering-render.js'];

const NODE_SHEBANG = '#!/usr/bin/env node\n';

/** Swaps the node shebang of `source` for the launcher header; a file already launched is left as it is. */
export function withLauncher(source: string, file: string): string {
  if (source.startsWith(LAUNCHER_HEADER)) return source;
  if (!source.startsWith(NODE_SHEBANG)) throw new Error(`${file}: expected a '#!/usr/bin/env node' first line`);
  return LAUNCHER_HEADER + source.slice(NODE_SHEBANG.length);
}

async function main(): Promise<void> {
  const dist = join(dirname(fileURLToPath(import.meta.url)), '..');
  const { build } = await import('esbuild');
  for (const b of BUNDLES) {
    await build({
      entryPoints: [join(dist, b.from)],
      outfile: join(dist, b.to),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'warning',
      // Loaded lazily, and only by some runs: ajv to compile a schema, execa for external tools.
      external: ['ajv', 'ajv/*', 'execa'],
      // CommonJS dependencies (commander) call require() on Node's modules.
      banner: { js: "import { createRequire as peeringCreateRequire } from 'node:module'; const require = peeringCreateRequire(import.meta.url);" },
    });
  }
  for (const bin of LAUNCHED_BINS) {
    const file = join(dist, bin);
    writeFileSync(file, withLauncher(readFileSync(file, 'utf8'), file));
  }
  for (const bin of EXECUTABLES) chmodSync(join(dist, bin), 0o755);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    process.stderr.write(`build-bins: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
