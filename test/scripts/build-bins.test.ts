/**
 * What scripts/build/build-bins.ts makes of the tsc output: self-contained bundles,
 * and the launcher header of the bins that need no TLS (run as programs they
 * start node without NODE_EXTRA_CA_CERTS, pass their arguments through
 * untouched, and still load as plain modules under node).
 */
import assert from 'node:assert/strict';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { BUNDLES, isBundle, LAUNCHED_BINS, LAUNCHER_HEADER, withLauncher } from '../../scripts/build/build-bins.js';
import { restoreExtraCaCerts, SAVED_CA_CERTS, SAVING_LAUNCHER_HEADER } from '../../scripts/build/launcher.js';
import { ROOT, runBin, runCommand, type BinRun } from '../helpers.js';

/** This test's node first on PATH: a launcher execs the `node` it finds there. */
function withThisNode(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, PATH: `${dirname(process.execPath)}${delimiter}${env.PATH ?? ''}` };
}

/** Executes `file` itself (its first line decides how), with `env` added to this environment. */
function execFile(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<BinRun> {
  return runCommand(file, args, '', withThisNode({ ...process.env, ...env }));
}

describe('withLauncher', () => {
  it('swaps the node shebang for the header and keeps the rest byte for byte', () => {
    const body = "import x from 'y';\nconsole.log(x);\n";
    assert.equal(withLauncher(`#!/usr/bin/env node\n${body}`, 'f.js'), LAUNCHER_HEADER + body);
  });

  it('leaves a launched file as it is, so a second build changes nothing', () => {
    const once = withLauncher('#!/usr/bin/env node\nrun();\n', 'f.js');
    assert.equal(withLauncher(once, 'f.js'), once);
  });

  it('refuses a file without the node shebang, naming it', () => {
    assert.throws(() => withLauncher("'use strict';\n", 'dist/x.js'), /dist\/x\.js: expected a '#!\/usr\/bin\/env node' first line/);
  });
});

describe('bundles', () => {
  for (const b of BUNDLES) {
    it(`dist/${b.to} imports nothing of ours: every module of dist/${b.from} is inside`, () => {
      const text = readFileSync(join(ROOT, 'dist', b.to), 'utf8');
      const imports = [...text.matchAll(/(?:^|[;\s])(?:import|export)\s[^;'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/gm)].map((m) => m[1] ?? m[2]!);
      assert.ok(imports.length > 0, 'the pattern should see at least the banner import');
      assert.deepEqual(
        imports.filter((spec) => spec.startsWith('.') || spec.startsWith('/')),
        [],
      );
    });

    it(`dist/${b.to} loads packages (ajv, execa) only on demand: its static imports are Node's own`, () => {
      // A static import of a package is loaded at every start: execa alone takes ~90 ms.
      const text = readFileSync(join(ROOT, 'dist', b.to), 'utf8');
      const statics = [...text.matchAll(/(?:^|[;\s])(?:import|export)\s[^;'"]*?from\s*["']([^"']+)["']/gm)].map((m) => m[1]!);
      assert.ok(statics.includes('node:module'), 'the pattern should see at least the banner import');
      assert.deepEqual(
        statics.filter((spec) => !spec.startsWith('node:')),
        [],
      );
    });
  }

  it('the package runs replay-fuzz from its bundle, which starts the bundled worker beside it', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    assert.equal(pkg.bin['replay-fuzz'], 'dist/bin/replay-fuzz.js');
    assert.equal(pkg.bin['cross-validate'], 'dist/bin/cross-validate.js');
    assert.match(readFileSync(join(ROOT, 'dist', 'bin', 'replay-fuzz.js'), 'utf8'), /new URL\(["']\.\/worker\.js["'], import\.meta\.url\)/);
    accessSync(join(ROOT, 'dist', 'bin', 'worker.js'), constants.R_OK);
  });
});

describe('launched bins', () => {
  it('every bin in package.json has a launcher', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    assert.deepEqual(Object.values(pkg.bin).map((p) => p.replace(/^dist\//, '')).sort(), LAUNCHED_BINS.map((b) => b.file).sort());
  });

  for (const { file: bin, header } of LAUNCHED_BINS) {
    const file = join(ROOT, 'dist', bin);
    it(`dist/${bin} starts with its header and is executable`, () => {
      assert.ok(readFileSync(file, 'utf8').startsWith(header));
      accessSync(file, constants.X_OK);
    });

    it(`dist/${bin} run as a program ignores an unreadable NODE_EXTRA_CA_CERTS`, async () => {
      // Node warns on stderr when it reads the variable; the launcher never lets it.
      const r = await execFile(file, ['--version'], { NODE_EXTRA_CA_CERTS: join(tmpdir(), 'no-such-ca-bundle.pem') });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
    });
  }

  it('node still sees the variable when it runs the file itself (the header is inert JavaScript)', async () => {
    const missing = join(tmpdir(), 'no-such-ca-bundle.pem');
    const child = await runCommand(process.execPath, [join(ROOT, 'dist', 'bin', 'cross-validate.js'), '--version'], '', { ...process.env, NODE_EXTRA_CA_CERTS: missing });
    assert.equal(child.code, 0);
    assert.match(child.stdout, /^cross-validate /);
    // Node 20 warns at start-up, later versions when certificates are first used (never here).
    if (Number(process.versions.node.split('.')[0]) < 22) assert.match(child.stderr, /no-such-ca-bundle\.pem/);
  });

  it('passes arguments with spaces, quotes and dollars through, and works through a symlink', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'launcher-'));
    try {
      const trace = join(dir, `a "b" $HOME c.jsonl`);
      const generated = await runBin(join(ROOT, 'dist', 'bin', 'cross-validate.js'), ['--profile', 'lean-core', '--seed', '3', '--events', '12']);
      assert.equal(generated.code, 0, generated.stderr);
      writeFileSync(trace, generated.stdout);
      const link = join(dir, 'peering-replay-ts');
      symlinkSync(join(ROOT, 'dist', 'scripts', 'peering-replay-ts.js'), link);
      const r = await execFile(link, [trace], {});
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^replay ok: steps=\d+ summaries=1\n$/);
      // The exit code of a failure survives the exec: a missing file is a usage error, not 0.
      const missing = await execFile(link, [join(dir, 'missing $x.jsonl')], {});
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /missing \$x\.jsonl/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('replay-fuzz gives the tools it starts the NODE_EXTRA_CA_CERTS it was started with, and nothing when there was none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'launcher-'));
    try {
      // A replayer that notes the variable (or its absence) and the saved copy, then accepts the trace.
      const tool = join(dir, 'note-env.sh');
      writeFileSync(tool, `#!/bin/sh\ncat >/dev/null\necho "ca=\${NODE_EXTRA_CA_CERTS-unset} saved=\${${SAVED_CA_CERTS}-unset}" >> "${join(dir, 'seen')}"\necho "replay ok: steps=1 summaries=1"\n`, { mode: 0o755 });
      const fuzzBin = join(ROOT, 'dist', 'bin', 'replay-fuzz.js');
      const missing = join(dir, 'no such bundle.pem');
      const withVar = await execFile(fuzzBin, ['--replayer', tool, '--cycles', '1', '--event', '3', '--no-progress'], { NODE_EXTRA_CA_CERTS: missing });
      assert.equal(withVar.code, 0, withVar.stderr);
      assert.doesNotMatch(withVar.stderr, /Ignoring extra certs/);
      const env = { ...process.env };
      delete env.NODE_EXTRA_CA_CERTS;
      const without = await runCommand(fuzzBin, ['--replayer', tool, '--cycles', '1', '--event', '3', '--no-progress'], '', withThisNode(env));
      assert.equal(without.code, 0, without.stderr);
      assert.deepEqual(readFileSync(join(dir, 'seen'), 'utf8').trim().split('\n'), [`ca=${missing} saved=unset`, 'ca=unset saved=unset']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('restoreExtraCaCerts puts the saved value back and drops the copy; without one it changes nothing', () => {
    const env: NodeJS.ProcessEnv = { [SAVED_CA_CERTS]: '/etc/ca.pem', OTHER: 'x' };
    restoreExtraCaCerts(env);
    assert.deepEqual(env, { NODE_EXTRA_CA_CERTS: '/etc/ca.pem', OTHER: 'x' });
    const untouched: NodeJS.ProcessEnv = { OTHER: 'x' };
    restoreExtraCaCerts(untouched);
    assert.deepEqual(untouched, { OTHER: 'x' });
    assert.ok(SAVING_LAUNCHER_HEADER.startsWith('#!/bin/sh\n') && SAVING_LAUNCHER_HEADER.includes(SAVED_CA_CERTS));
  });

  it('a generated pipe through the launched bins equals the one run with node', async () => {
    const args = ['--profile', 'full', '--seed', '18446744073709551615', '--events', '40'];
    const viaNode = await runBin(join(ROOT, 'dist', 'bin', 'cross-validate.js'), args);
    const viaLauncher = await execFile(join(ROOT, 'dist', 'bin', 'cross-validate.js'), args, {});
    assert.equal(viaLauncher.code, 0);
    assert.equal(viaLauncher.stdout, viaNode.stdout);
    assert.equal(viaLauncher.stderr, viaNode.stderr);
  });
});

describe('rebuilding', () => {
  it('knows a bundle from a module tsc wrote, so a second build copies bundles instead of bundling them again', () => {
    assert.equal(isBundle(readFileSync(join(ROOT, 'dist', 'fuzz', 'cycle', 'worker.js'), 'utf8')), true);
    assert.equal(isBundle(readFileSync(join(ROOT, 'dist', 'scripts', 'peering-replay-ts.js'), 'utf8')), true, 'behind its launcher too');
    assert.equal(isBundle(readFileSync(join(ROOT, 'dist', 'scripts', 'replay-fuzz.js'), 'utf8')), false);
  });
});
