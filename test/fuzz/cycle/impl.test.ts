/**
 * `replay-fuzz --impl`: the protocol exercised end to end with fake
 * implementations (test/fixtures/protocol/fake-impl.js) that are correct,
 * wrong at a given step, hang, die or crash mid-stream, or stop early, and
 * with peering-render itself.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { isEventLine, isStepLine } from '../../../fuzz/cycle/impl.js';
import { eventStreamTextOf, readEventStream } from '../../../fuzz/minimize/impl-minimize.js';
import type { FailureRecord, MinimizedRecord } from '../../../fuzz/store/store.js';
import { parseJson, parseJsonWithFractions, replayText } from '../../../replay/index.js';
import { eventStreamText } from '../../../tracegen/index.js';
import { fixture, ROOT } from '../../helpers.js';

const BIN = join(ROOT, 'dist', 'bin', 'replay-fuzz.js');
const RENDER = join(ROOT, 'dist', 'scripts', 'peering-render.js');
const FAKE = fixture('protocol/fake-impl.js');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the driver in its own process group, so a hung tool cannot outlive the test. */
function fuzz(args: readonly string[], cwd: string, limitMs = 120_000): Promise<Run> {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, TMPDIR: cwd }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  child.stderr!.on('data', (d: Buffer) => err.push(d));
  const kill = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  };
  return new Promise<Run>((resolve, reject) => {
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`replay-fuzz ${args.join(' ')} did not finish in time`));
    }, limitMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      kill();
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'impl-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const show = (r: Run): string => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
const fake = (...args: string[]): string[] => ['--impl', FAKE, ...args.flatMap((a) => ['--impl-arg', a])];
/** A small campaign: 2 cycles of at most 20 events (so step 5 exists: at least 21 steps), judged as the C++ reducer the fakes answer for. */
const SMALL = ['--profile', 'full', '--cycles', '2', '--event', '20', '--campaign-seed', '11', '--model', 'cpp', '--no-progress'];

function failures(dir: string): FailureRecord[] {
  return parseJsonWithFractions(readFileSync(join(dir, 'failures.json'), 'utf8')) as unknown as FailureRecord[];
}

describe('replay-fuzz --impl', () => {
  it('passes a correct implementation (peering-render --model cpp, explore profile) and names it in the report', async (t) => {
    const dir = tempDir(t);
    const r = await fuzz(['--profile', 'explore', '--impl', RENDER, '--impl-arg', '--model', '--impl-arg', 'cpp', '--model', 'cpp', '--cycles', '4', '--event', '40', '--campaign-seed', '5', '--report', 'r.json', '--no-progress'], dir);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /All 4 cycles passed/);
    const report = parseJsonWithFractions(readFileSync(join(dir, 'r.json'), 'utf8')) as { config: { implementation?: string }; events: unknown; coverage: { transitions: { count: unknown }[] } };
    assert.equal(report.config.implementation, `${RENDER} --model cpp`);
    // Coverage comes from the implementation's steps: its transitions add up to the events checked.
    const covered = report.coverage.transitions.reduce((n, t) => n + Number(t.count), 0);
    assert.ok(covered > 0);
    assert.equal(covered, Number(report.events));
    assert.doesNotMatch(r.stdout, /states never reached: Initial/);
  });

  it('passes the correct fake', async (t) => {
    const r = await fuzz([...SMALL, ...fake('correct')], tempDir(t));
    assert.equal(r.code, 0, show(r));
  });

  it('fails with exit 1 on a trace corrupted at one step, names that step, and keeps trace and events', async (t) => {
    const dir = tempDir(t);
    const r = await fuzz([...SMALL, ...fake('corrupt', '5'), '--save-failure-traces', 'f'], dir);
    assert.equal(r.code, 1, show(r));
    assert.match(r.stdout, /2 of 2 cycles failed/);
    assert.match(r.stdout, /reason: the checker rejected the implementation's trace: replay mismatch at line 6, step 5, /);
    assert.match(r.stdout, /implementation_rc=0 replayer_rc=1/);
    const records = failures(join(dir, 'f'));
    assert.equal(records.length, 2);
    for (const rec of records) {
      assert.equal(rec.implementation, `${FAKE} corrupt 5`);
      assert.equal(rec.implementation_returncode, 0);
      assert.match(rec.reproduce, /--emit events \| .*fake-impl\.js corrupt 5 \| .* -$/);
      assert.ok(rec.trace_path !== null && existsSync(rec.trace_path));
      assert.ok(rec.events_path !== undefined && existsSync(rec.events_path));
      // The saved trace is the implementation's answer: it fails at step 5; the events are what it was fed.
      assert.throws(() => replayText(readFileSync(rec.trace_path!)), (err: { report?: { step?: number } }) => err.report?.step === 5);
      const stream = readEventStream(rec.events_path!);
      assert.equal(stream.lines.length, Number(/Total events: (\d+)/.exec(rec.cross_validate_stderr)![1]));
    }
  });

  it('--minimize shrinks the event stream against the implementation', async (t) => {
    const dir = tempDir(t);
    // Eight events: enough to shrink, few enough that ddmin needs few runs of the implementation.
    const r = await fuzz([...SMALL, '--cycles', '1', '--event', '8', ...fake('corrupt', '2'), '--save-failure-traces', 'f', '--minimize'], dir);
    assert.equal(r.code, 1, show(r));
    const [rec] = failures(join(dir, 'f'));
    const min = rec!.minimized as MinimizedRecord;
    assert.ok(!('error' in min), JSON.stringify(min));
    // Step 2 must still exist and be corrupted: three events are the least that fail.
    assert.equal(min.events, 3);
    assert.ok(min.original_events > 3);
    const events = readEventStream(min.events_path!);
    assert.equal(events.lines.length, 3);
    assert.throws(() => replayText(readFileSync(min.trace_path!)), (err: { report?: { step?: number } }) => err.report?.step === 2);
  });

  it('fails a hanging implementation at the timeout and kills it', async (t) => {
    const r = await fuzz([...SMALL, '--cycles', '1', ...fake('hang', '3'), '--timeout', '2'], tempDir(t));
    assert.equal(r.code, 1, show(r));
    assert.match(r.stdout, /reason: .*implementation timed out after 2 s and was killed/);
  });

  it('fails an implementation that dies mid-stream, with its status and stderr', async (t) => {
    const r = await fuzz([...SMALL, '--cycles', '1', ...fake('die', '4')], tempDir(t));
    assert.equal(r.code, 1, show(r));
    assert.match(r.stdout, /implementation_rc=3/);
    assert.match(r.stdout, /reason: the implementation exited with status 3/);
  });

  it('fails an implementation killed by a signal', async (t) => {
    const r = await fuzz([...SMALL, '--cycles', '1', ...fake('crash', '4')], tempDir(t));
    assert.equal(r.code, 1, show(r));
    assert.match(r.stdout, /reason: implementation was killed by SIGSEGV/);
  });

  it('fails an implementation that stops early with status 0 (fewer steps than events)', async (t) => {
    const r = await fuzz([...SMALL, '--cycles', '1', ...fake('short', '4')], tempDir(t));
    assert.equal(r.code, 1, show(r));
    assert.match(r.stdout, /reason: the implementation wrote 4 step line\(s\) for \d+ event\(s\)/);
  });

  it('treats an implementation that cannot be started as a setup error (exit 2)', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'not-executable'), '#!/bin/sh\n', { mode: 0o644 });
    for (const args of [['--impl', join(dir, 'missing')], ['--impl-arg', 'x'], ['--impl', join(dir, 'not-executable')]]) {
      const r = await fuzz([...SMALL, ...args], dir);
      assert.equal(r.code, 2, show(r));
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });
});

describe('event stream helpers', () => {
  it('tell event lines from the summary, blank lines and step lines', () => {
    assert.ok(isEventLine(Buffer.from('{"type":"DeleteStart"}')));
    assert.ok(isEventLine(Buffer.from('  {"type":"DeleteStart"}')));
    assert.ok(!isEventLine(Buffer.from('{"kind":"summary","seed":1,"events":1}')));
    assert.ok(!isEventLine(Buffer.from(' \r')));
    assert.ok(isStepLine(Buffer.from('{"kind":"step","step":0}')));
    assert.ok(!isStepLine(Buffer.from('{"kind":"summary","seed":1,"events":1}')));
  });

  it('read a saved stream back with its seed, uint64 exact, and rebuild it', (t) => {
    const dir = tempDir(t);
    const path = join(dir, 's.events.jsonl');
    const text = eventStreamText({ seed: 18446744073709551615n, events: 30, profile: 'explore' });
    writeFileSync(path, text);
    const stream = readEventStream(path);
    assert.equal(stream.seed, 18446744073709551615n);
    assert.equal(eventStreamTextOf(stream.lines, stream.seed), text);
    assert.ok(parseJson(stream.lines[0]!) !== null);
  });
});
