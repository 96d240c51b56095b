/**
 * Running scripts/ci/*.sh here: our own tools stand in for upstream's Lean
 * and C++ builds (which only exist on CI), on a PATH of shims.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { ROOT } from '../helpers.js';

export const SCRIPTS = join(ROOT, 'scripts', 'ci');

export function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'workflow-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}


/** A bin directory where our tools stand in for upstream's Lean and C++ ones. */
export function standIns(dir: string, lean: 'ours' | 'rejects-all' = 'ours'): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const node = process.execPath;
  const tool = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  tool('cross-validate', `exec "${node}" "${ROOT}/dist/bin/cross-validate.js" "$@"`);
  tool('peering-trace-diff', `exec "${node}" "${ROOT}/dist/scripts/peering-trace-diff.js" "$@"`);
  // Stands in for the mirror; the Lean-model flag is dropped so this runs whatever the checker's flags.
  tool('peering-replay-ts', `[ "$1" = --model ] && shift 2\nexec "${node}" "${ROOT}/dist/scripts/peering-replay-ts.js" "$@"`);
  tool('peering-replay', lean === 'ours' ? `exec "${node}" "${ROOT}/dist/scripts/peering-replay-ts.js" "$@"` : 'cat > /dev/null; echo "rejected" >&2; exit 1');
  return bin;
}

/** A repository stand-in holding the first `count` divergence fixtures (mirror-differential.sh reads only those). */
export function fixtureSubset(repo: string, count: number): string {
  const from = join(ROOT, 'test', 'fixtures', 'divergences');
  const cases = readdirSync(from).sort().slice(0, count);
  for (const name of cases) cpSync(join(from, name), join(repo, 'test', 'fixtures', 'divergences', name), { recursive: true });
  return repo;
}

export function script(name: string, args: readonly string[], cwd: string, bin?: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: bin === undefined ? process.env.PATH : `${bin}:${process.env.PATH}` };
  delete env.GITHUB_ACTIONS;
  delete env.GITHUB_STEP_SUMMARY;
  return spawnSync('bash', [join(SCRIPTS, name), ...args], { cwd, encoding: 'utf8', env, timeout: 300_000 });
}

