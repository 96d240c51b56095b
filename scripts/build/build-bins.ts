/**
 * Build step after tsc: makes the shipped bins start fast. Run by `npm run build`.
 *
 * 1. Bundles. `cross-validate` and `replay-fuzz` (with its fuzz worker) become
 *    one file each in dist/bin/, so Node's ES module loader resolves, reads
 *    and compiles one file instead of a hundred: that is most of a worker's
 *    start-up. The other three bins are bundled where tsc wrote them (their
 *    paths stay), `peering-replay-ts` with the `--model both` worker beside
 *    it; that halves their start-up, which scripts and tests pay per run.
 *    The three workers are bundled in place as well, for the library and
 *    the tests that start them from there. Code that needs a file of the
 *    package finds it with packagePath() (tracegen/version.ts), which works
 *    from a bundle too.
 * 2. Launchers. The bins get a two-line header in place of
 *    `#!/usr/bin/env node` that starts node without NODE_EXTRA_CA_CERTS
 *    (scripts/build/launcher.ts); replay-fuzz puts it back for the tools it starts.
 *
 * docs/performance.md has what each bought.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packagePath } from '../../tracegen/version.js';
import { LAUNCHER_HEADER, SAVING_LAUNCHER_HEADER } from './launcher.js';

export { LAUNCHER_HEADER } from './launcher.js';

/** Relative to dist/: every bin in package.json and its header. */
export const LAUNCHED_BINS = [
  { file: 'bin/cross-validate.js', header: LAUNCHER_HEADER },
  { file: 'scripts/peering-replay-ts.js', header: LAUNCHER_HEADER },
  { file: 'scripts/peering-trace-diff.js', header: LAUNCHER_HEADER },
  { file: 'scripts/peering-render.js', header: LAUNCHER_HEADER },
  { file: 'bin/replay-fuzz.js', header: SAVING_LAUNCHER_HEADER },
] as const;

/** Relative to dist/: what is bundled, from the tsc output, and where to. */
export const BUNDLES = [
  { from: 'scripts/cross-validate.js', to: 'bin/cross-validate.js' },
  { from: 'scripts/replay-fuzz.js', to: 'bin/replay-fuzz.js' },
  // fuzz/cycle/pool.ts starts `./worker.js` beside itself: beside the bundle, this one.
  { from: 'fuzz/cycle/worker.js', to: 'bin/worker.js' },
  // fuzz/exhaust/pool.ts starts `./exhaust-worker.js` beside itself, likewise.
  { from: 'fuzz/exhaust/exhaust-worker.js', to: 'bin/exhaust-worker.js' },
  // In place: the published paths of these bins do not change.
  { from: 'scripts/peering-replay-ts.js', to: 'scripts/peering-replay-ts.js' },
  // replay/models/parallel-both.ts starts `./both-worker.js` beside itself.
  { from: 'replay/models/both-worker.js', to: 'scripts/both-worker.js' },
  { from: 'scripts/peering-trace-diff.js', to: 'scripts/peering-trace-diff.js' },
  { from: 'scripts/peering-render.js', to: 'scripts/peering-render.js' },
  // The workers again, in place (after the copies above, made from the modules): the
  // library and the tests start them from there, hundreds of times in `npm test`.
  { from: 'fuzz/cycle/worker.js', to: 'fuzz/cycle/worker.js' },
  { from: 'fuzz/exhaust/exhaust-worker.js', to: 'fuzz/exhaust/exhaust-worker.js' },
  { from: 'replay/models/both-worker.js', to: 'replay/models/both-worker.js' },
] as const;

/** First in every bundle: CommonJS dependencies (commander) call require() on Node's modules. */
const BUNDLE_BANNER = "import { createRequire as peeringCreateRequire } from 'node:module'; const require = peeringCreateRequire(import.meta.url);";

/** Whether `source` is a bundle already (made by an earlier run, tsc did not run since). */
export function isBundle(source: string): boolean {
  return source.slice(0, 512).includes(BUNDLE_BANNER);
}

/** Every file in package.json `bin` (relative to dist/), made executable. */
const EXECUTABLES = ['bin/cross-validate.js', 'bin/replay-fuzz.js', 'scripts/cross-validate.js', 'scripts/peering-replay-ts.js', 'scripts/peering-trace-diff.js', 'scripts/replay-fuzz.js', 'scripts/peering-render.js'];

const NODE_SHEBANG = '#!/usr/bin/env node\n';

/** Swaps the node shebang of `source` for `header`; a file that has it already is left as it is. */
export function withLauncher(source: string, file: string, header: string = LAUNCHER_HEADER): string {
  if (source.startsWith(header)) return source;
  if (!source.startsWith(NODE_SHEBANG)) throw new Error(`${file}: expected a '#!/usr/bin/env node' first line`);
  return header + source.slice(NODE_SHEBANG.length);
}

async function main(): Promise<void> {
  const dist = packagePath('dist');
  const { build } = await import('esbuild');
  for (const b of BUNDLES) {
    const source = readFileSync(join(dist, b.from), 'utf8');
    if (isBundle(source)) {
      if (b.from !== b.to) writeFileSync(join(dist, b.to), source);
      continue;
    }
    await build({
      entryPoints: [join(dist, b.from)],
      outfile: join(dist, b.to),
      allowOverwrite: b.from === b.to,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'warning',
      // Loaded lazily, and only by some runs: ajv to compile a schema, execa for external tools.
      external: ['ajv', 'ajv/*', 'execa'],
      banner: { js: BUNDLE_BANNER },
    });
  }
  for (const bin of LAUNCHED_BINS) {
    const file = join(dist, bin.file);
    writeFileSync(file, withLauncher(readFileSync(file, 'utf8'), file, bin.header));
  }
  for (const bin of EXECUTABLES) chmodSync(join(dist, bin), 0o755);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    process.stderr.write(`build-bins: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
