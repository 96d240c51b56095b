/**
 * The published package: what `npm pack` puts in it, and how the bins
 * behave from an installed copy (no sources, no git checkout).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT } from './helpers.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  license: string;
  repository?: unknown;
  homepage?: unknown;
  bugs?: unknown;
  keywords?: unknown[];
};

let packed: string[] | undefined;
/** What `npm pack` would ship (asked of npm once per run: each npm start costs about a second). */
function packedFiles(): string[] {
  if (packed !== undefined) return packed;
  // --ignore-scripts: list what is built now, without building again.
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [entry] = JSON.parse(r.stdout) as { files: { path: string }[] }[];
  packed = entry!.files.map((f) => f.path);
  return packed;
}

let copy: string | undefined;
/** An installed copy of the package: its files, with the dependencies it needs; made once, shared by the tests that only read it. */
function installedCopy(): string {
  if (copy !== undefined) return copy;
  const dir = mkdtempSync(join(tmpdir(), 'package-test-'));
  const root = join(dir, 'node_modules', 'peering-crossval');
  for (const path of packedFiles()) cpSync(join(ROOT, path), join(root, path));
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  copy = root;
  return root;
}

describe('npm pack', () => {
  it('ships the bins, LICENSE and schemas, and no compiled tests, benches or orphan source maps', () => {
    const files = packedFiles();
    for (const path of Object.values(pkg.bin)) assert.ok(files.includes(path), `${path} is packed`);
    for (const path of ['LICENSE', 'README.md', 'package.json', 'schema/trace-line.schema.json', 'schema/report.schema.json']) assert.ok(files.includes(path), path);
    assert.deepEqual(
      files.filter((f) => f.startsWith('dist/test/') || f.startsWith('dist/bench/')),
      [],
    );
    const maps = files.filter((f) => f.endsWith('.map'));
    for (const map of maps) assert.ok(files.includes(map.replace(/\.js\.map$/, '.ts')), `${map} ships without its source`);
  });

  it('is MIT licensed and says where it lives', () => {
    assert.equal(pkg.license, 'MIT');
    assert.match(readFileSync(join(ROOT, 'LICENSE'), 'utf8'), /^MIT License\n/);
    assert.ok(pkg.repository && pkg.homepage && pkg.bugs);
    assert.ok((pkg.keywords ?? []).length > 0);
  });
});

describe('an installed copy', () => {
  after(() => {
    if (copy !== undefined) rmSync(join(copy, '..', '..'), { recursive: true, force: true });
  });

  it('--rebuild says in one line why it cannot, exit 2', () => {
    const root = installedCopy();
    const r = spawnSync(process.execPath, [join(root, pkg.bin['replay-fuzz']!), '--rebuild', '--cycles', '1'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^replay-fuzz: --rebuild needs a source checkout; .* is an installed package, already built \(drop --rebuild\)\n$/);
  });

  it('runs a campaign whose report has versions and no git commit', () => {
    const root = installedCopy();
    const report = join(root, '..', 'r.json');
    const r = spawnSync(process.execPath, [join(root, pkg.bin['replay-fuzz']!), '--cycles', '2', '--event', '5', '--report', report], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const meta = (JSON.parse(readFileSync(report, 'utf8')) as { meta: { tool_version: string; node_version: string; git_commit: string | null } }).meta;
    assert.deepEqual(meta, { tool_version: (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version, node_version: process.version, git_commit: null });
  });
});
