/** Reproduce commands name what lies under the working directory relative to it, so they read the same on any checkout. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { displayWord, showCommand } from '../../../fuzz/plan/command.js';
import { fixture } from '../../helpers.js';
import { fuzz } from '../fuzz-driver.js';

describe('showCommand', () => {
  it('makes paths under the working directory relative, ./ first where PATH would be searched', () => {
    assert.equal(displayWord('/work/repo/dist/bin/x.js', '/work/repo'), 'dist/bin/x.js');
    assert.equal(displayWord('/work/repo/tool', '/work/repo'), './tool');
    assert.equal(displayWord('/work/other/tool', '/work/repo'), '/work/other/tool');
    assert.equal(displayWord('/work/repo', '/work/repo'), '/work/repo');
    assert.equal(displayWord('--seed', '/work/repo'), '--seed');
    assert.equal(showCommand({ file: '/w/r/a b/t.js', args: ['--x', "it's"] }, ['-'], '/w/r'), `'a b/t.js' --x 'it'\\''s' -`);
  });

  it('shows this node as node when it is the node on PATH', () => {
    const onPath = spawnSync('sh', ['-c', 'command -v node'], { encoding: 'utf8' }).stdout.trim();
    const same = spawnSync(process.execPath, ['-e', 'process.stdout.write(require("fs").realpathSync(process.argv[1]) === require("fs").realpathSync(process.execPath) ? "y" : "n")', onPath], { encoding: 'utf8' }).stdout;
    assert.equal(displayWord(process.execPath, '/'), same === 'y' ? 'node' : process.execPath);
  });

  it('a campaign run beside its checker records a relative reproduce command that works from there', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'reproduce-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'tools'));
    copyFileSync(fixture('fuzz/step-limit-checker.js'), join(dir, 'tools', 'check.js'));
    const r = await fuzz(['--replayer', 'tools/check.js', '--replayer-arg', '2', '--cycles', '1', '--event', '4', '--save-failure-traces', 'out'], dir);
    assert.equal(r.code, 1, r.stderr);
    const [record] = JSON.parse(readFileSync(join(dir, 'out', 'failures.json'), 'utf8')) as { reproduce: string }[];
    assert.match(record!.reproduce, / \| tools\/check\.js 2 -$/);
    assert.ok(!record!.reproduce.includes(dir), record!.reproduce);
    const again = spawnSync('sh', ['-c', record!.reproduce], { cwd: dir, encoding: 'utf8' });
    assert.equal(again.status, 1, again.stderr);
    assert.match(again.stderr, /step-limit-checker: \d+ steps, more than 2/);
  });
});
