/**
 * The GitHub workflow: valid for GitHub (checked offline by
 * @action-validator/cli, a wasm build of action-validator), shaped as
 * intended, and its scripts in scripts/ci run here with our own tools
 * standing in for upstream's (real Lean and C++ builds only exist on CI).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers.js';
import { fixtureSubset, script, SCRIPTS, standIns, tempDir } from './ci-stand-ins.js';

const WORKFLOW = join(ROOT, '.github', 'workflows', 'ci.yml');
const VALIDATOR = join(dirname(createRequire(import.meta.url).resolve('@action-validator/cli/package.json')), 'cli.mjs');
const text = readFileSync(WORKFLOW, 'utf8');

/** The text of one job, from its key to the next job's. */
function job(name: string): string {
  const start = text.indexOf(`\n  ${name}:\n`);
  assert.ok(start >= 0, `job ${name}`);
  const next = text.slice(start + 1).search(/\n  [\w-]+:\n/);
  return next < 0 ? text.slice(start) : text.slice(start, start + 1 + next);
}

function validate(path: string) {
  return spawnSync(process.execPath, [VALIDATOR, path], { encoding: 'utf8' });
}

describe('the workflow file', () => {
  it('passes action-validator', () => {
    const r = validate(WORKFLOW);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('action-validator does fail a broken workflow', (t) => {
    const broken = join(tempDir(t), 'ci.yml');
    writeFileSync(broken, text.replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest'));
    const r = validate(broken);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /runs_on/);
  });

  it('reads only the repository, cancels superseded runs, needs no secret or variable', () => {
    assert.match(text, /^permissions:\n {2}contents: read\n/m);
    assert.match(text, /^concurrency:\n {2}group: .+\n {2}cancel-in-progress: true\n/m);
    assert.doesNotMatch(text, /\$\{\{\s*(secrets|vars)\./);
  });

  it('runs npm test once per Node version (the README test command), the long tests once, and no leg builds twice', () => {
    const test = job('test');
    assert.match(test, /node: \[20, 22, 24\]/);
    assert.equal((text.match(/run: npm test$/gm) ?? []).length, 1, 'only the test job runs npm test');
    assert.match(test, /run: npm ci --ignore-scripts\n {6}- run: npm test\n/);
    const commands = text.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
    assert.doesNotMatch(commands, /npm ci(?! --ignore-scripts)/, 'every npm ci leaves the build to one later step');
    assert.equal((text.match(/run: npm run test:long$/gm) ?? []).length, 1);
    assert.doesNotMatch(job('test-long'), /matrix/);
    assert.doesNotMatch(job('fuzz'), /npm test/);
    assert.match(readFileSync(join(ROOT, 'README.md'), 'utf8'), /^npm test +#/m);
    // Installs from the registry run no script of ours: the build is in prepack, and in `dependencies` for a clone.
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    for (const hook of ['prepare', 'preinstall', 'install', 'postinstall']) assert.equal(pkg.scripts[hook], undefined, hook);
    assert.equal(pkg.scripts.prepack, 'npm run build');
    assert.equal(pkg.scripts.dependencies, 'npm run build');
  });

  it('merges after failed shards but not after a cancelled run, and no job or upload runs on always()', () => {
    assert.match(job('merge-fuzz-reports'), /^ {4}needs: fuzz\n(?: {4}#.*\n)* {4}if: \$\{\{ !cancelled\(\) \}\}\n/m);
    for (const m of text.matchAll(/if: (.*)$/gm)) {
      if (!m[1]!.includes('always()')) continue;
      // The only always(): saving a cache whose build step succeeded, however the job ends.
      assert.match(m[1]!, /^\$\{\{ always\(\) && steps\.[\w-]+\.outcome == 'success' && steps\.[\w-]+\.outputs\.cache-hit != 'true' \}\}$/, m[0]);
    }
  });

  it('restores and saves each cache in separate steps, saving once the build it holds succeeded', () => {
    assert.doesNotMatch(text, /uses: actions\/cache@/, 'no combined cache action: it saves only when the whole job succeeds');
    const restores = [...text.matchAll(/id: ([\w-]+)\n {8}uses: actions\/cache\/restore@/g)].map((m) => m[1]!);
    assert.ok(restores.length >= 4, restores.join(' '));
    for (const id of restores) {
      assert.match(text, new RegExp(`if: \\$\\{\\{ always\\(\\) && steps\\.[\\w-]+\\.outcome == 'success' && steps\\.${id}\\.outputs\\.cache-hit != 'true' \\}\\}\\n {8}uses: actions/cache/save@[0-9a-f]{40} # v[\\d.]+\\n {8}with:\\n {10}path: .+\\n {10}key: \\$\\{\\{ steps\\.${id}\\.outputs\\.cache-primary-key \\}\\}`), id);
    }
    assert.ok(restores.includes('lake-cache') && restores.includes('elan-cache') && restores.some((r) => r.startsWith('cpp')), 'Lean and C++ builds are cached');
  });

  it('names every artifact so that a re-run can upload it again: overwritten, or named with the attempt', () => {
    const uploads = text.split('\n      - ').filter((step) => step.startsWith('uses: actions/upload-artifact@'));
    assert.ok(uploads.length >= 6);
    for (const u of uploads) assert.ok(/\n {10}overwrite: true/.test(u) || /name: .*\$\{\{ github\.run_attempt \}\}/.test(u), u);
  });

  it('pins every action by commit, with its release in a comment', () => {
    const uses = [...text.matchAll(/uses: (.+)$/gm)].map((m) => m[1]!);
    assert.ok(uses.length >= 10);
    for (const u of uses) assert.match(u, /^[\w-]+\/[\w/-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/, u);
    // One commit per action and release throughout.
    const pins = new Map<string, string>();
    for (const u of uses) {
      const [, action, sha] = /^(.+)@(\w+)/.exec(u)!;
      assert.equal(pins.get(action!) ?? sha, sha, action);
      pins.set(action!, sha!);
    }
  });

  it('gates on new divergences: an explore leg and the adapter under both models with --allow-known, no accepted exit 1', () => {
    assert.match(job('explore'), /run: scripts\/ci\/explore-gate\.sh /);
    assert.match(job('cpp-adapter'), /run: main\/scripts\/ci\/adapter-fuzz\.sh /);
    assert.match(readFileSync(join(SCRIPTS, 'explore-gate.sh'), 'utf8'), /replay_fuzz --profile explore --model both --allow-known /);
    assert.match(readFileSync(join(SCRIPTS, 'adapter-fuzz.sh'), 'utf8'), /explore-gate\.sh/);
    assert.doesNotMatch(text, /-le 1|cmp <\(/, 'no step accepts exit 1 or compares two process substitutions');
  });

  it('explores scope small to depth 4 in two shards, and the merge gates on a complete union of known causes', () => {
    assert.match(job('exhaust'), /shard: \[1, 2\]/);
    assert.match(job('exhaust'), /run: scripts\/ci\/exhaust-shard\.sh exhaust-out "\$\{\{ matrix\.shard \}\}\/2" small 4 /);
    assert.match(job('merge-exhaust-reports'), /^ {4}needs: exhaust\n {4}if: \$\{\{ !cancelled\(\) \}\}\n/m);
    assert.match(job('merge-exhaust-reports'), /run: scripts\/ci\/merge-reports\.sh reports merged-exhaust\.json exhaust-report\.json --allow-known\n/);
    assert.match(readFileSync(join(SCRIPTS, 'exhaust-shard.sh'), 'utf8'), /replay_fuzz exhaust .*--allow-known /);
  });

  it('every scripts/ci step of the workflow is one scripts/ci/local.sh runs too', () => {
    const local = readFileSync(join(SCRIPTS, 'local.sh'), 'utf8');
    const named = new Set([...text.matchAll(/scripts\/ci\/([\w-]+\.sh)/g)].map((m) => m[1]!).filter((n) => n !== 'local.sh'));
    for (const name of named) assert.ok(local.includes(`$ci/${name}"`), `local.sh runs ${name}`);
    assert.ok(local.includes('adapters/cpp/compare.sh'));
  });

  it('every script it runs exists, is executable, strict, and parses', () => {
    const named = [...text.matchAll(/scripts\/ci\/([\w-]+\.sh)/g)].map((m) => m[1]!);
    assert.ok(named.length >= 4, named.join(' '));
    for (const name of new Set([...named, ...readdirSync(SCRIPTS).filter((n) => n.endsWith('.sh') && n !== 'lib.sh')])) {
      const path = join(SCRIPTS, name);
      assert.ok(existsSync(path), `${name} exists`);
      assert.ok((statSync(path).mode & 0o111) !== 0, `${name} is executable`);
      assert.match(readFileSync(path, 'utf8'), /^#!\/usr\/bin\/env bash\n(#.*\n)*set -euo pipefail\n/, `${name} starts strict`);
      const syntax = spawnSync('bash', ['-n', path], { encoding: 'utf8' });
      assert.equal(syntax.status, 0, `${name}: ${syntax.stderr}`);
    }
  });
});

describe('scripts/ci', () => {
  it('merge-reports.sh names the problem when no shard report arrived, instead of passing a bare glob on', (t) => {
    const dir = tempDir(t);
    mkdirSync(join(dir, 'reports'));
    const r = script('merge-reports.sh', [join(dir, 'reports'), join(dir, 'merged.json')], ROOT);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no shard report arrived/);
    assert.equal(existsSync(join(dir, 'merged.json')), false);
  });

  it('lean-pipe.sh passes when the checker accepts, and keeps the trace of each rejection', (t) => {
    const dir = tempDir(t);
    const ok = script('lean-pipe.sh', ['1', join(dir, 'ok')], dir, standIns(join(dir, 'a')));
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.deepEqual(readdirSync(join(dir, 'ok')), []);
    const bad = script('lean-pipe.sh', ['1', join(dir, 'bad')], dir, standIns(join(dir, 'b'), 'rejects-all'));
    assert.equal(bad.status, 1);
    const kept = readdirSync(join(dir, 'bad')).sort();
    assert.equal(kept.length, 2, kept.join(' '));
    assert.match(kept[0]!, /^full-seed\d+-events\d+\.jsonl$/);
    assert.match(bad.stderr, /peering-replay rejects: cross-validate --profile lean-core --seed \d+ --events \d+/);
  });

  it('cpp-vs-ours.sh finds no difference between a generator and itself, and reports one that differs', (t) => {
    const dir = tempDir(t);
    const bin = standIns(dir);
    const same = script('cpp-vs-ours.sh', [join(bin, 'cross-validate'), '3', join(dir, 'same')], dir, bin);
    assert.equal(same.status, 0, same.stdout + same.stderr);
    // One extra line on stdout, whatever the random argv (format, event count).
    writeFileSync(join(bin, 'off-by-one'), `#!/bin/sh\n"${join(bin, 'cross-validate')}" "$@"\nrc=$?\necho extra\nexit $rc\n`);
    chmodSync(join(bin, 'off-by-one'), 0o755);
    const differs = script('cpp-vs-ours.sh', [join(bin, 'off-by-one'), '1', join(dir, 'differs')], dir, bin);
    assert.equal(differs.status, 1, differs.stdout + differs.stderr);
    assert.deepEqual(readdirSync(join(dir, 'differs', 'run1')).sort(), ['argv', 'ours.err', 'ours.out', 'upstream.err', 'upstream.out']);
  });

  it('mirror-differential.sh agrees when both checkers are the same, and fails on a disagreement', (t) => {
    const dir = tempDir(t);
    // Two divergence fixtures stand for the set (all of them: test/long/ci-scripts.test.ts).
    const repo = fixtureSubset(join(dir, 'repo'), 2);
    const agree = script('mirror-differential.sh', [repo, '1', join(dir, 'agree')], dir, standIns(join(dir, 'a')));
    assert.equal(agree.status, 0, agree.stdout + agree.stderr);
    assert.match(agree.stdout, /^7 traces \(profiles: lean-core full explore, plus the divergence fixtures\): 0 verdicts differ$/m);
    const differ = script('mirror-differential.sh', [repo, '1', join(dir, 'differ')], dir, standIns(join(dir, 'b'), 'rejects-all'));
    assert.equal(differ.status, 1);
    assert.ok(readdirSync(join(dir, 'differ')).some((n) => n.endsWith('.jsonl')));
    assert.match(differ.stderr, /Lean's peering-replay says reject, peering-replay-ts --model lean says accept/);
  });
});
