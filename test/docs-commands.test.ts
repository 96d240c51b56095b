/**
 * Every command in the `sh` blocks of README.md and docs/*.md works as
 * written (the README's `console` example is compared with its output by
 * readme.test.ts). Commands run in a scratch directory, in order per block,
 * with our bins on PATH as npx finds them in a clone, campaigns cut to a
 * few small cycles, and our own tools standing in for what only exists
 * elsewhere: upstream's Lean checker and C++ generator, an implementation
 * under test, the C++ adapter. npm commands are checked against
 * package.json (and bench's sections and variables) rather than run: they
 * install, publish, or run for minutes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT } from './helpers.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; bin: Record<string, string>; scripts: Record<string, string> };

interface DocBlock {
  readonly file: string;
  readonly commands: string[];
}

/** The commands of each sh block: continuation lines joined, comments and blank lines dropped. */
function shBlocks(markdown: string, file: string): DocBlock[] {
  return [...markdown.matchAll(/^ *```(?:sh|bash|shell)\n([\s\S]*?)^ *```$/gm)].map((m) => ({
    file,
    commands: m[1]!
      .replace(/\\\n\s*/g, '')
      .split('\n')
      .map((l) => l.replace(/\s+#.*$/, '').trim())
      .filter((l) => l !== '' && !l.startsWith('#')),
  }));
}

/** Commands whose documented outcome is not exit 0, by their text as written. */
const DOCUMENTED_STATUS: ReadonlyMap<string, readonly number[]> = new Map([
  // Both show a C++/Lean divergence, as the text around them says.
  ['npx cross-validate --profile explore --seed 7 --events 300 | npx peering-replay-ts --model both -', [1]],
  ['npx cross-validate --profile explore --seed 5 --events 200 --emit events | npx peering-render --model lean | npx peering-replay-ts --model both -', [1]],
  // Finds and catalogues divergences (exit 1) when the few cycles run here reach one.
  ['npx replay-fuzz --profile explore --model both --cycles 150 --event-range 32 400 --jobs 2 --report r.json --html r.html', [0, 1]],
  // Exhaustive runs exit 1 on any divergence without --allow-known: small has whoami-minus-one-empty-acting at depth 1.
  ['npx replay-fuzz exhaust --scope small --depth 4 --jobs 2 --report r.json', [1]],
  ['npx replay-fuzz exhaust --scope small --depth 3 --ill-formed', [1]],
  ['npx replay-fuzz exhaust --scope medium --depth 2 --jobs 2', [1]],
  ['npx replay-fuzz exhaust --scope my-scope.json --depth 3 --shard 2/4 --report s2.json', [0, 1]],
]);

/** Placeholder paths of the docs and what stands in for them here. */
const PLACEHOLDERS: readonly [RegExp, string][] = [
  [/\/path\/to\/\.lake\/build\/bin\/peering-replay/g, '"$STAND_INS/peering-replay"'],
  [/\/path\/to\/(?:build\/cpp\/|upstream\/)?cross_validate/g, '"$STAND_INS/cross_validate"'],
  [/\/results\//g, 'results/'],
];

/** The command as run here: npx as in a clone, no timing wrapper, placeholders filled, campaigns small. */
function localForm(command: string): string {
  let c = command.replace(/\bnpx -p peering-crossval /g, '').replace(/\bnpx (?=[\w-]+)/g, '').replace(/\/usr\/bin\/time -v /g, '');
  for (const [pattern, value] of PLACEHOLDERS) c = c.replace(pattern, value);
  // One cycle shows a command works; a sharded campaign keeps one per shard.
  const cycles = /--shard \S+\/(\d+)/.exec(c)?.[1] ?? '1';
  c = c.replace(/--cycles (\d+)/g, (_m, n: string) => `--cycles ${Math.min(Number(n), Number(cycles))}`);
  c = c.replace(/--events (\d+)/g, (_m, n: string) => `--events ${Math.min(Number(n), 300)}`);
  c = c.replace(/--event-range (\d+) (\d+)/g, (_m, a: string, b: string) => `--event-range ${Math.min(Number(a), 64)} ${Math.min(Number(b), 200)}`);
  // One depth shows an exhaustive run works (small to depth 4 takes minutes).
  c = c.replace(/--depth (\d+)/g, '--depth 1');
  // medium's first depth alone is thousands of Initialize events: one shard of them is enough here.
  c = c.replace(/--scope medium --depth 1(?! --shard)/g, '--scope medium --depth 1 --shard 1/8');
  return c;
}

function executable(path: string, body: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

/** A scratch directory with our bins and the stand-ins on PATH, and the files the docs name relative to a clone. */
function scratch(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'docs-commands-'));
  const bin = join(dir, '.bin');
  const node = process.execPath;
  for (const [name, path] of Object.entries(pkg.bin)) executable(join(bin, name), `exec "${node}" "${join(ROOT, path)}" "$@"`);
  const render = `"${node}" "${join(ROOT, 'dist', 'scripts', 'peering-render.js')}" --model cpp`;
  executable(join(bin, 'peering-replay'), `exec "${node}" "${join(ROOT, 'dist', 'scripts', 'peering-replay-ts.js')}" "$@"`);
  executable(join(bin, 'cross_validate'), `exec "${node}" "${join(ROOT, pkg.bin['cross-validate']!)}" "$@"`);
  // An implementation under test that takes a flag of its own, and the C++ adapter.
  executable(join(dir, 'my-osd-peering'), `[ "$1" = --trace ] && shift\nexec ${render} "$@"`);
  executable(join(dir, 'build', 'adapter', 'peering_adapter'), `exec ${render} "$@"`);
  symlinkSync(join(ROOT, 'dist'), join(dir, 'dist'));
  // The shard reports docs/fuzzing.md merges from a shared volume.
  mkdirSync(join(dir, 'results'));
  // The scope file docs/exhaust.md names.
  writeFileSync(join(dir, 'my-scope.json'), JSON.stringify({ name: 'my-scope', osds: [0, 1], objects: [0], lengths: [10], epochs: [10], pool_sizes: [2], min_sizes: [1] }));
  for (const i of [1, 2]) {
    const r = spawnSync(node, [join(ROOT, pkg.bin['replay-fuzz']!), '--campaign-seed', '5', '--cycles', '2', '--event', '5', '--shard', `${i}/2`, '--report', join(dir, 'results', `shard-${i}.json`)], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}`, STAND_INS: bin, PEERING_CPP_CROSS_VALIDATE: join(bin, 'cross_validate') };
  delete env.GITHUB_ACTIONS;
  delete env.GITHUB_STEP_SUMMARY;
  return { dir, env };
}

const BENCH_SECTIONS = /const sections: \{ \[name: string\]: \(\) => Promise<void> \} = \{ ([\w, ]+) \};/.exec(readFileSync(join(ROOT, 'bench', 'run.ts'), 'utf8'))![1]!.split(', ');
const benchSources = readdirSync(join(ROOT, 'bench')).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(ROOT, 'bench', f), 'utf8')).join('\n');

/** An npm command of the docs: a form npm takes, naming scripts, sections and variables that exist. */
function checkNpm(command: string): void {
  const m = /^((?:[A-Z_]+=\S+ )*)npm (.*)$/.exec(command);
  assert.ok(m, command);
  for (const v of m[1]!.trim().split(' ').filter(Boolean).map((a) => a.split('=')[0]!)) {
    assert.ok(benchSources.includes(`process.env.${v}`), `${command}: bench reads ${v}`);
  }
  const args = m[2]!.split(/\s+/);
  if (args[0] === 'run') {
    assert.ok(pkg.scripts[args[1]!] !== undefined, `${command}: package.json has script ${args[1]}`);
    const extra = args.slice(args.indexOf('--') < 0 ? args.length : args.indexOf('--') + 1);
    if (args[1] === 'bench') for (const s of extra) assert.ok(BENCH_SECTIONS.includes(s), `${command}: bench has section ${s}`);
    else assert.deepEqual(extra, [], command);
    return;
  }
  const known = ['ci', 'ci --ignore-scripts', 'test', 'pack', `i -g ${pkg.name}`, `i -g ./${pkg.name}-`];
  assert.ok(known.some((k) => m[2]!.startsWith(k)), `${command}: a known npm command`);
}

const docs = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const blocks = docs.flatMap((f) => shBlocks(readFileSync(join(ROOT, f), 'utf8'), f)).filter((b) => b.commands.length > 0);

it('finds the documented commands, and every documented exit status names one', () => {
  assert.ok(blocks.length >= 10, `${blocks.length} blocks`);
  const all = blocks.flatMap((b) => b.commands);
  for (const c of DOCUMENTED_STATUS.keys()) assert.ok(all.includes(c), `still documented: ${c}`);
});

describe('documented commands', () => {
  const { dir, env } = scratch();
  for (const [i, block] of blocks.entries()) {
    it(`${block.file}, block ${i + 1}: ${block.commands.length} command(s)`, () => {
      const cwd = join(dir, `block-${i + 1}`);
      mkdirSync(cwd);
      for (const name of ['dist', 'results', 'my-osd-peering', 'build', 'my-scope.json']) symlinkSync(join(dir, name), join(cwd, name));
      for (const command of block.commands) {
        for (const part of command.split(' && ')) {
          if (/^(?:[A-Z_]+=\S+ )*npm /.test(part)) {
            checkNpm(part);
            continue;
          }
          const local = localForm(part);
          assert.doesNotMatch(local, /\/path\/to|\$\(command -v/, `${part}: a placeholder with no stand-in`);
          const r = spawnSync('bash', ['-c', `set -o pipefail; ${local}`], { cwd, env, encoding: 'utf8', timeout: 120_000 });
          const expected = DOCUMENTED_STATUS.get(command) ?? [0];
          assert.ok(expected.includes(r.status ?? -1), `${part}\n  ran: ${local}\n  exit ${r.status}\n${r.stdout.slice(-1500)}\n${r.stderr.slice(-1500)}`);
          assert.doesNotMatch(r.stderr, /^\s+at /m, `${part}: no stack trace`);
        }
      }
    });
  }
  after(() => rmSync(dir, { recursive: true, force: true }));
});
