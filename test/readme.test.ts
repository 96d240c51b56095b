/**
 * The README's `console` examples print exactly what they show: each
 * `$ command` runs (with `npx BIN` resolved to this build's bin), and its
 * stdout and stderr together must equal the lines that follow it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT } from './helpers.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

interface Example {
  readonly command: string;
  readonly output: string;
}

function examples(markdown: string): Example[] {
  const out: Example[] = [];
  for (const block of markdown.matchAll(/^```console\n([\s\S]*?)^```$/gm)) {
    let current: { command: string; lines: string[] } | undefined;
    for (const line of block[1]!.split('\n').slice(0, -1)) {
      if (line.startsWith('$ ')) {
        if (current) out.push({ command: current.command, output: current.lines.join('\n') });
        current = { command: line.slice(2), lines: [] };
      } else current?.lines.push(line);
    }
    if (current) out.push({ command: current.command, output: current.lines.join('\n') });
  }
  return out;
}

const local = (command: string): string =>
  command.replace(/\bnpx ([\w-]+)/g, (_m, bin: string) => {
    const path = pkg.bin[bin];
    assert.ok(path !== undefined, `README uses unknown bin ${bin}`);
    return `"${process.execPath}" "${join(ROOT, path)}"`;
  });

const found = examples(readme);

it('the README has console examples', () => {
  assert.ok(found.length > 0);
});

for (const e of found) {
  it(`README: ${e.command}`, () => {
    const r = spawnSync('sh', ['-c', `{ ${local(e.command)}; } 2>&1`], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout);
    assert.equal(r.stdout.trimEnd(), e.output.trimEnd());
  });
}
