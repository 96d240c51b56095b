/**
 * Process groups a driver starts are written down in its scratch directory;
 * a driver killed with kill -9 leaves them running, and the next run ends
 * them when it reaps the stale scratch. Only groups whose leader is provably
 * the process that was started (same pid, start time and boot) are killed:
 * a recycled pid never is.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { ChildGroups } from '../../../fuzz/cycle/child.js';
import { processStartTicks } from '../../../fuzz/store/lock.js';
import { GroupRecords, removeStaleScratch } from '../../../fuzz/store/scratch.js';
import { fixture, killProcessesOf, ROOT, signalGroupIfSame, startedProcess } from '../../helpers.js';

const BIN = join(ROOT, 'dist', 'bin', 'replay-fuzz.js');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function base(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'orphan-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A process in a group of its own, ended when the test ends. */
function groupLeader(t: TestContext): number {
  const child = spawn('sleep', ['300'], { stdio: 'ignore', detached: true });
  child.unref();
  const leader = startedProcess(child.pid!);
  t.after(() => signalGroupIfSame(leader, 'SIGKILL'));
  return child.pid!;
}

/** A scratch directory whose owner is a process that has exited, as kill -9 leaves it. */
function deadScratch(dir: string, name = 'replay-fuzz-AbC123'): string {
  const scratch = join(dir, name);
  mkdirSync(scratch);
  const gone = spawnSync('true').pid!;
  writeFileSync(join(scratch, '.owner'), `${JSON.stringify({ tool: 'replay-fuzz', pid: gone, start: '1', host: hostname(), nonce: '00' })}\n`);
  return scratch;
}

async function until(what: string, test: () => boolean, ms = 15000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('orphaned process groups', () => {
  it('a stale scratch\'s recorded groups are killed when their leader is the one recorded', async (t) => {
    const dir = base(t);
    const scratch = deadScratch(dir);
    const ours = groupLeader(t);
    const groups = new ChildGroups();
    groups.keepJournal(new GroupRecords(scratch));
    groups.add(ours);
    assert.deepEqual(readdirSync(scratch).filter((n) => n.startsWith('group-')), [`group-${ours}`]);
    assert.equal(removeStaleScratch(dir), 1);
    await until('the group to end', () => !alive(ours));
    assert.equal(existsSync(scratch), false);
  });

  it('a recorded pid whose process has another start time (recycled) is left alone', async (t) => {
    const dir = base(t);
    const scratch = deadScratch(dir);
    const stranger = groupLeader(t);
    const start = processStartTicks(stranger)!;
    writeFileSync(join(scratch, `group-${stranger}`), JSON.stringify({ pid: stranger, start: String(Number(start) - 1), host: hostname() }));
    assert.equal(removeStaleScratch(dir), 1);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(alive(stranger), true);
  });

  it('a finished group is no longer on record', (t) => {
    const dir = base(t);
    const groups = new ChildGroups();
    groups.keepJournal(new GroupRecords(dir));
    const pid = groupLeader(t);
    groups.add(pid);
    groups.delete(pid);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('after kill -9 of `--impl ... --jobs 2`, the next run ends the hung implementations', async (t) => {
    const dir = base(t);
    const pids = join(dir, 'impl.pids');
    const env = { ...process.env, TMPDIR: dir };
    const driver = spawn(process.execPath, [BIN, '--impl', fixture('fuzz/hang-impl.js'), '--impl-arg', pids, '--jobs', '2', '--cycles', '4', '--event', '5', '--campaign-seed', '1', '--no-progress'], { cwd: dir, env, stdio: 'ignore', detached: true });
    const started = (): number[] => (existsSync(pids) ? readFileSync(pids, 'utf8').split('\n').filter(Boolean).map(Number) : []);
    // Found by TMPDIR, not by the pids written down: those may name other processes by the end.
    t.after(() => killProcessesOf(dir));
    await until('two implementations', () => started().length >= 4);
    process.kill(driver.pid!, 'SIGKILL');
    await until('the driver to die', () => !alive(driver.pid!));
    assert.ok(started().every(alive), 'kill -9 leaves the implementations running');
    const next = spawnSync(process.execPath, [BIN, '--cycles', '1', '--event', '2', '--campaign-seed', '1', '--no-progress'], { cwd: dir, env, encoding: 'utf8' });
    assert.equal(next.status, 0, next.stderr);
    await until('the orphans to end', () => !started().some(alive), 5000);
    assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('replay-fuzz-')), []);
  });
});
