/**
 * `--timeout` bounds a cycle even when a tool leaves a process behind in a
 * session of its own (`setsid sleep 60`) holding the pipe we read: at the
 * deadline our ends of the pipes are closed and the cycle counts as timed
 * out, with no wait for an EOF the stranger would never send. An
 * interrupted driver ends promptly in the same situation (exit 130, report
 * written).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { ChildGroups } from '../../../fuzz/cycle/child.js';
import { runExternalCycle } from '../../../fuzz/cycle/external.js';
import { runImplCycle } from '../../../fuzz/cycle/impl.js';
import type { CycleOutcome } from '../../../fuzz/cycle/outcome.js';
import { fixture, killProcessesOf, ROOT, signalGroupIfSame, startedProcess } from '../../helpers.js';

const WRAPPER = fixture('protocol/stranger-wrapper.js');
const RENDER = join(ROOT, 'dist', 'scripts', 'peering-render.js');
const CROSS_VALIDATE = join(ROOT, 'dist', 'scripts', 'cross-validate.js');
const REPLAY = join(ROOT, 'dist', 'scripts', 'peering-replay-ts.js');
const BIN = join(ROOT, 'dist', 'bin', 'replay-fuzz.js');
const node = (script: string, ...args: string[]) => ({ file: process.execPath, args: [script, ...args] });
const config = { cycle: 1, profile: 'lean-core' as const, seed: 4n, events: 6 };

/** Whether `pid` still names a stranger (`sleep 60`): by the end its pid may name another test's process. */
function isStranger(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1') === 'sleep\u000060\u0000';
  } catch {
    return false;
  }
}

/** A scratch directory; the strangers named in its pid file, and what ran with it as TMPDIR, are killed afterwards. */
function scratch(t: TestContext): { dir: string; pids: string } {
  const dir = mkdtempSync(join(tmpdir(), 'stranger-test-'));
  const pids = join(dir, 'strangers.pid');
  t.after(() => {
    const strangers = existsSync(pids) ? readFileSync(pids, 'utf8').split('\n').filter(Boolean).map(Number) : [];
    for (const pid of strangers.filter(isStranger)) process.kill(pid, 'SIGKILL');
    killProcessesOf(dir);
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, pids };
}

/** The cycle's outcome, or a failure (not a hang) when it is not back in `ms`. */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not back after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a stranger holding our pipe', () => {
  it('--impl: the cycle times out at the deadline, our pipe ends closed', async (t) => {
    const { dir, pids } = scratch(t);
    const common = { generator: node(CROSS_VALIDATE), replayer: node(REPLAY), requireInvariant: false, timeoutMs: 3000, signal: new AbortController().signal, groups: new ChildGroups() };
    const outcome: CycleOutcome = await within(15000, runImplCycle(config, { ...common, impl: node(WRAPPER, pids, process.execPath, RENDER, '--model', 'cpp'), traceTemp: join(dir, 'c1.jsonl') }));
    assert.equal(outcome.ok, false);
    assert.match(outcome.reason ?? '', /implementation timed out after 3 s: it exited, but a process it left behind held its output open/);
  });

  it('a --cross-validate wrapper: the same', async (t) => {
    const { dir, pids } = scratch(t);
    const outcome = await within(
      15000,
      runExternalCycle(config, { generator: node(WRAPPER, pids, process.execPath, CROSS_VALIDATE), replayer: node(REPLAY), requireInvariant: false, timeoutMs: 3000, traceTemp: join(dir, 'c1.jsonl'), signal: new AbortController().signal, groups: new ChildGroups() }),
    );
    assert.equal(outcome.ok, false);
    assert.match(outcome.reason ?? '', /cross-validate timed out after 3 s: it exited, but a process it left behind held its output open/);
  });

  it('SIGTERM ends such a run promptly: exit 130, report written', async (t) => {
    const { dir, pids } = scratch(t);
    const args = ['--impl', WRAPPER, ...[pids, process.execPath, RENDER, '--model', 'cpp'].flatMap((a) => ['--impl-arg', a]), '--profile', 'lean-core', '--cycles', '1', '--event', '6', '--campaign-seed', '3', '--no-progress', '--report', 'r.json'];
    const driver = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, TMPDIR: dir }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const leader = startedProcess(driver.pid!);
    t.after(() => signalGroupIfSame(leader, 'SIGKILL'));
    let stderr = '';
    driver.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => driver.on('close', (code) => resolve(code)));
    // Once the stranger exists, the cycle waits on the pipe it holds.
    await within(8000, (async () => {
      while (!existsSync(pids)) await new Promise((r) => setTimeout(r, 50));
    })());
    await new Promise((r) => setTimeout(r, 500));
    driver.kill('SIGTERM');
    const code = await within(5000, exited);
    assert.equal(code, 130, stderr);
    assert.ok(existsSync(join(dir, 'r.json')), stderr);
  });
});
