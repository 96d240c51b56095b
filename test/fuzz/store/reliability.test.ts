/**
 * Crash safety and bad input in replay-fuzz (the failure model of an
 * append-only store: the driver may die at any instruction, the disk may
 * fill at any write, two drivers may start at once).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { CapturedStream, sanitizeTail } from '../../../fuzz/cycle/capture.js';
import { ChildGroups } from '../../../fuzz/cycle/child.js';
import { REAL_IO, writeFileDurably, type FileIo } from '../../../fuzz/store/durable.js';
import { runExternalCycle } from '../../../fuzz/cycle/external.js';
import { writeTrace } from '../../../fuzz/cycle/inprocess.js';
import { acquireLock, LockBusyError, ownIdentity, processStartTicks, releaseLock } from '../../../fuzz/store/lock.js';
import { DEFAULT_GENERATOR } from '../../../fuzz/campaign/runner.js';
import { removeStaleScratch } from '../../../fuzz/store/scratch.js';
import { FailureStore, type FailureRecord } from '../../../fuzz/store/store.js';
import { parseJsonWithFractions } from '../../../replay/index.js';
import { bySize, CROSS_VALIDATE as CROSS_VALIDATE_BIN, fixture, killProcessesOf, processesOf, ROOT, signalIfSame } from '../../helpers.js';
import { fuzz, killGroup, launch, type Run } from '../fuzz-driver.js';

const fake = (name: string): string => join(fixture('fuzz'), name);
const stepLimit = (n: number): string[] => ['--replayer', fake('step-limit-checker.js'), '--replayer-arg', String(n)];
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A scratch directory; what ran with it as TMPDIR (a killed driver's tools too) is killed afterwards. */
function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'replay-fuzz-test-'));
  t.after(() => {
    killProcessesOf(dir);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

const show = (r: Run): string => `exit ${r.code} (${r.signal})\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

function readRecords(dir: string): FailureRecord[] {
  const value = parseJsonWithFractions(readFileSync(join(dir, 'failures.json'), 'utf8'));
  assert.ok(Array.isArray(value), 'failures.json is a list');
  return value as unknown as FailureRecord[];
}

/** Every record's trace is complete and matches its digest; no final-named trace is cut. */
function assertIntact(dir: string): FailureRecord[] {
  const records = readRecords(dir);
  for (const r of records) {
    if (r.trace_path === null) continue;
    const bytes = readFileSync(r.trace_path);
    assert.equal(sha256(bytes), r.trace_sha256, `sha256 of ${r.trace_path}`);
    assert.equal(bytes.length, r.trace_bytes);
  }
  for (const name of readdirSync(dir)) {
    if (!/^failure-cycle-.*\.jsonl$/.test(name)) continue;
    const text = readFileSync(join(dir, name), 'utf8');
    assert.ok(text.endsWith('\n'), `${name} is complete`);
    assert.equal((JSON.parse(text.slice(0, -1).split('\n').at(-1)!) as { kind: string }).kind, 'summary', `${name} ends with its summary`);
  }
  return records;
}

/** A FileIo whose writes fail with ENOSPC once `budget` bytes have been written. */
function fullDisk(budget: number): FileIo & { written: number } {
  const io = {
    written: 0,
    writeSync(fd: number, bytes: Uint8Array, offset: number, length: number): number {
      if (io.written + length > budget) {
        const err = new Error('ENOSPC: no space left on device, write') as NodeJS.ErrnoException;
        err.code = 'ENOSPC';
        throw err;
      }
      io.written += length;
      return REAL_IO.writeSync(fd, bytes, offset, length);
    },
    fsyncSync: REAL_IO.fsyncSync,
    renameSync: REAL_IO.renameSync,
  };
  return io;
}

// ---------------------------------------------------------------------------
// Item 1: the failure-directory lock

describe('failure-directory lock (fuzz/store/lock.ts)', () => {
  it('of many processes taking over one stale lock at once, exactly one wins', async (t) => {
    const dir = tempDir(t);
    const lock = join(dir, 'the.lock');
    const lockModule = join(ROOT, 'dist', 'fuzz', 'store', 'lock.js');
    // One round here, three at full size (test/long/full-size.test.ts).
    for (let round = 0; round < bySize(1, 3); round++) {
      writeFileSync(lock, `${JSON.stringify({ pid: 2147483646, start: '1', host: ownIdentity().host })}\n`);
      const go = join(dir, `go-${round}`);
      const contenders = Array.from({ length: 6 }, () =>
        spawnSyncLater(process.execPath, [fake('lock-contender.js'), lock, lockModule], { ...process.env, GO_FILE: go }),
      );
      await new Promise((r) => setTimeout(r, 400)); // all started and polling
      writeFileSync(go, '');
      const outcomes = await Promise.all(contenders);
      assert.deepEqual(outcomes.map((o) => o.code), Array(6).fill(0), outcomes.map((o) => o.stderr).join('\n'));
      const won = outcomes.filter((o) => o.stdout === 'won\n').length;
      assert.equal(won, 1, `round ${round}: ${outcomes.map((o) => o.stdout.trim()).join(',')}`);
      rmSync(lock, { force: true });
    }
  });

  it('a lock naming a live but unrelated process (pid reuse) is taken over; a live owner is not', (t) => {
    const dir = tempDir(t);
    const lock = join(dir, 'the.lock');
    const me = ownIdentity();
    // This process, but started at another time: the pid was reused.
    writeFileSync(lock, `${JSON.stringify({ ...me, start: String(Number(processStartTicks(process.pid)) + 12345) })}\n`);
    const held = acquireLock(lock);
    assert.equal(readFileSync(lock, 'utf8'), held.content);
    // From before a reboot.
    releaseLock(held);
    writeFileSync(lock, `${JSON.stringify({ ...me, boot: 'another-boot' })}\n`);
    releaseLock(acquireLock(lock));
    // A bare pid (an older driver's format) of a live process that is not a replay-fuzz.
    writeFileSync(lock, `${process.pid}\n`);
    releaseLock(acquireLock(lock));
    // pid 1 started before the lock, but is not a replay-fuzz either.
    writeFileSync(lock, '1\n');
    releaseLock(acquireLock(lock));
    // Garbage.
    writeFileSync(lock, '\0\0\0');
    releaseLock(acquireLock(lock));
    assert.equal(existsSync(lock), false);
    // A live owner, identified exactly.
    writeFileSync(lock, `${JSON.stringify(me)}\n`);
    assert.throws(() => acquireLock(lock), LockBusyError);
  });

  it('leftovers of a takeover killed half-way are removed by the next holder, only when old and dead', async (t) => {
    const dir = tempDir(t);
    const out = join(dir, 'out');
    mkdirSync(out);
    const old = new Date(Date.now() - 3_600_000);
    const dead = `${JSON.stringify({ pid: 2147483646, host: ownIdentity().host })}\n`;
    const files: [string, string, boolean][] = [
      ['.replay-fuzz.lock.new-0123456789ab', dead, true],
      ['.replay-fuzz.lock.takeover-12345', dead, true],
      ['.replay-fuzz.lock.takeover-777', `${JSON.stringify(ownIdentity())}\n`, false],
      ['.replay-fuzz.lock.notes', 'mine', false],
    ];
    for (const [name, text] of files) {
      writeFileSync(join(out, name), text);
      utimesSync(join(out, name), old, old);
    }
    writeFileSync(join(out, '.replay-fuzz.lock.new-fedcba987654'), dead); // young: maybe a contender's
    const r = await fuzz(['--cycles', '1', '--event', '3', '--save-failure-traces', 'out'], dir);
    assert.equal(r.code, 0, show(r));
    assert.deepEqual(readdirSync(out).filter((n) => n.startsWith('.replay-fuzz.lock')).sort(), ['.replay-fuzz.lock.new-fedcba987654', '.replay-fuzz.lock.notes', '.replay-fuzz.lock.takeover-777']);
  });

  it('a setup error (a damaged failures.json) names the file, exits 2 and releases the lock', async (t) => {
    const dir = tempDir(t);
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'failures.json'), '[{"config": {"cycle": 1,');
    const r = await fuzz(['--cycles', '1', '--event', '3', '--save-failure-traces', 'out'], dir);
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /^replay-fuzz: \S*out\/failures\.json: the failure index is not valid JSON \(unexpected end of input at column \d+\)\n$/);
    assert.equal(existsSync(join(out, '.replay-fuzz.lock')), false, 'the lock is released');
    assert.equal(readFileSync(join(out, 'failures.json'), 'utf8'), '[{"config": {"cycle": 1,', 'the index is left alone');
  });

  it('two drivers started at once on one directory: one runs, the other is refused, nothing is lost', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'stale'), '');
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'out', '.replay-fuzz.lock'), `${JSON.stringify({ pid: 2147483646, host: ownIdentity().host })}\n`);
    const args = [...stepLimit(2), '--cycles', '3', '--event', '3', '--save-failure-traces', 'out'];
    const [a, b] = await Promise.all([fuzz([...args, '--campaign-seed', '1'], dir), fuzz([...args, '--campaign-seed', '2'], dir)]);
    const codes = [a.code, b.code].sort();
    assert.deepEqual(codes, [1, 2], `${show(a)}\n${show(b)}`);
    const refused = a.code === 2 ? a : b;
    assert.match(refused.stderr, /is in use by another replay-fuzz \(pid \d+\)/);
    const records = assertIntact(join(dir, 'out'));
    assert.equal(records.length, 3);
    assert.equal(existsSync(join(dir, 'out', '.replay-fuzz.lock')), false);
  });
});

/** Runs a process to its end without blocking the event loop. */
function spawnSyncLater(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('error', reject);
    c.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// ---------------------------------------------------------------------------
// Item 2: a full disk while a trace is captured

describe('a full disk', () => {
  const config = { cycle: 1, profile: 'lean-core' as const, seed: 5n, events: 40 };

  it('while an external trace is captured: the cycle still gets its verdict, the cut trace is removed', async (t) => {
    const dir = tempDir(t);
    for (const [replayer, verdict] of [
      [{ file: process.execPath, args: [join(ROOT, 'dist', 'scripts', 'peering-replay-ts.js')] }, true],
      [{ file: fake('step-limit-checker.js'), args: ['3'] }, false],
    ] as const) {
      const traceTemp = join(dir, `.tmp-0123456789ab-failure-cycle-0001-seed-5.jsonl`);
      const outcome = await runExternalCycle(config, {
        generator: DEFAULT_GENERATOR,
        replayer,
        requireInvariant: false,
        timeoutMs: 0,
        traceTemp,
        signal: new AbortController().signal,
        groups: new ChildGroups(),
        io: fullDisk(5000),
      });
      assert.equal(outcome.ok, verdict, outcome.reason);
      assert.equal(outcome.generatorExit, 0);
      assert.equal(outcome.replayerExit, verdict ? 0 : 1, 'the checker saw the whole trace');
      assert.equal(outcome.traceTemp, undefined, 'no trace to commit');
      if (!verdict) assert.equal(outcome.traceError, 'the trace could not be saved: ENOSPC');
      assert.equal(existsSync(traceTemp), false, 'the cut temporary is gone');
    }
  });

  it('while an in-process trace is written: no file is left behind', (t) => {
    const dir = tempDir(t);
    const path = join(dir, '.tmp-0123456789ab-failure-cycle-0001-seed-5.jsonl');
    assert.throws(() => writeTrace(config, path, fullDisk(3000)), /ENOSPC/);
    assert.equal(existsSync(path), false);
    writeTrace(config, path);
    assert.ok(readFileSync(path, 'utf8').endsWith('\n'));
  });

  it('while the index is written: nothing changes on disk and the store does not count the record', (t) => {
    const dir = join(tempDir(t), 'out');
    const first = new FailureStore(dir);
    first.add({ config: { cycle: 1 } } as unknown as FailureRecord);
    first.close();
    const before = readFileSync(join(dir, 'failures.json'));
    const store = new FailureStore(dir, fullDisk(10));
    assert.throws(() => store.add({ config: { cycle: 2 } } as unknown as FailureRecord), /ENOSPC/);
    assert.equal(store.added.length, 0);
    store.close();
    assert.ok(readFileSync(join(dir, 'failures.json')).equals(before));
    assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('.tmp-')), []);
    assert.throws(() => writeFileDurably(join(dir, 'x.json'), 'x'.repeat(100), fullDisk(10)), /ENOSPC/);
    assert.deepEqual(readdirSync(dir).sort(), ['failures.json']);
  });

  it('on a real, tiny file system: no cut trace gets a final name or an index entry', async (t) => {
    const dir = tempDir(t);
    const out = join(dir, 'out');
    mkdirSync(out);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=96k', 'tmpfs', out]);
    if (mounted.status !== 0) {
      // Only root may mount; the injected full-disk tests above cover the same paths everywhere.
      t.diagnostic(`mount not permitted (${mounted.stderr.toString().trim()}); the injected-disk tests cover this`);
      return;
    }
    try {
      await fillTinyDisk(dir, out);
    } finally {
      spawnSync('umount', ['-l', out]);
    }
  });
});

async function fillTinyDisk(dir: string, out: string): Promise<void> {
  {
    // Traces of ~30-90 KiB each: the first fits, later ones do not.
    const r = await fuzz([...stepLimit(0), '--cycles', '6', '--event-range', '3', '160', '--campaign-seed', '9', '--save-failure-traces', 'out'], dir);
    assert.equal(r.code, 1, show(r));
    assert.doesNotMatch(r.stderr, /TypeError|at .*\.js:\d+/);
    const records = assertIntact(out);
    assert.equal(records.length, 6, 'every failing cycle is recorded (the index is small enough to fit)');
    assert.ok(records.some((f) => f.trace_path === null), 'some traces did not fit');
    for (const f of records) if (f.trace_path === null) assert.equal(f.failure_reason, 'the trace could not be saved: ENOSPC');
    assert.deepEqual(readdirSync(out).filter((n) => n.startsWith('.tmp-')), [], 'no temporaries left');
  }
}

// ---------------------------------------------------------------------------
// Items 3, 4, 14: output paths and start-up clean-up

describe('output paths and clean-up', () => {
  it('--report aimed at the failure index (or another file of the directory) is refused up front', async (t) => {
    const dir = tempDir(t);
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'failures.json'), '[]\n');
    mkdirSync(join(dir, 'alias'));
    for (const report of ['out/failures.json', 'out/../out/failures.json', 'out/.replay-fuzz.lock', 'out/failure-cycle-0001-seed-1.jsonl']) {
      const r = await fuzz(['--cycles', '1', '--event', '3', '--save-failure-traces', 'out', '--report', report], dir);
      assert.equal(r.code, 2, show(r));
      assert.match(r.stderr, /^replay-fuzz: --report \S+ would overwrite a file of the failure directory/);
      assert.equal(r.stdout, '');
    }
    assert.equal(readFileSync(join(out, 'failures.json'), 'utf8'), '[]\n');
    assert.equal(existsSync(join(out, '.replay-fuzz.lock')), false);
  });

  it('--report and merge --output that cannot be written are refused before any work', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'file'), '');
    mkdirSync(join(dir, 'adir'));
    for (const [path, why] of [
      ['missing/r.json', /its directory does not exist/],
      ['file/r.json', /a parent is not a directory|is not a directory/],
      ['adir', /exists and is not a regular file/],
      ['/dev/null', /exists and is not a regular file/],
      ['/proc/version', /cannot be written/],
    ] as const) {
      const started = Date.now();
      const r = await fuzz(['--cycles', '1000', '--event', '50', '--report', path], dir);
      assert.equal(r.code, 2, show(r));
      assert.match(r.stderr, why);
      assert.equal(r.stderr.split('\n').length, 2, r.stderr);
      assert.ok(Date.now() - started < 20_000, 'refused before the campaign');
      const m = await fuzz(['merge', 'nothing.json', '--output', path], dir);
      assert.equal(m.code, 2, show(m));
      assert.match(m.stderr, /^replay-fuzz: --output /);
    }
    assert.ok(existsSync('/dev/null') && !statSync('/dev/null').isFile(), '/dev/null is still a device');
  });

  it('start-up clean-up removes only our own temporaries; a .tmp- directory does not stop it', async (t) => {
    const dir = tempDir(t);
    const out = join(dir, 'out');
    mkdirSync(out);
    mkdirSync(join(out, '.tmp-mine'));
    writeFileSync(join(out, '.tmp-mine', 'keep'), 'x');
    writeFileSync(join(out, '.tmp-notes.txt'), 'the user wrote this');
    writeFileSync(join(out, '.tmp-0123456789ab-notes.txt'), 'so did this');
    mkdirSync(join(out, '.tmp-0123456789ab-failures.json'));
    writeFileSync(join(out, '.tmp-0123456789ab-failure-cycle-0007-seed-3.jsonl'), '{"kind":"st');
    writeFileSync(join(out, '.tmp-fedcba987654-failures.json'), '[');
    const r = await fuzz(['--cycles', '1', '--event', '3', '--save-failure-traces', 'out'], dir);
    assert.equal(r.code, 0, show(r));
    assert.deepEqual(readdirSync(out).sort(), ['.tmp-0123456789ab-failures.json', '.tmp-0123456789ab-notes.txt', '.tmp-mine', '.tmp-notes.txt']);
  });

  it('stale scratch directories of killed runs are removed: only ours, only when the owner is dead', (t) => {
    const base = tempDir(t);
    const make = (name: string, files: { [name: string]: string }, ageMs = 0): string => {
      const d = join(base, name);
      mkdirSync(d);
      for (const [f, text] of Object.entries(files)) writeFileSync(join(d, f), text);
      if (ageMs > 0) utimesSync(d, new Date(Date.now() - ageMs), new Date(Date.now() - ageMs));
      return d;
    };
    const dead = `${JSON.stringify({ pid: 2147483646, host: ownIdentity().host })}\n`;
    const trace = '.tmp-0123456789ab-failure-cycle-0001-seed-1.jsonl';
    const killed = make('replay-fuzz-aaaaaa', { '.owner': dead, [trace]: 'x'.repeat(1000) });
    const live = make('replay-fuzz-bbbbbb', { '.owner': `${JSON.stringify(ownIdentity())}\n`, [trace]: 'x' });
    const older = make('replay-fuzz-cccccc', { [trace]: 'x' }, 3_600_000);
    const young = make('replay-fuzz-dddddd', {});
    const users = make('replay-fuzz-eeeeee', { '.owner': dead, 'thesis.tex': 'mine' }, 3_600_000);
    const other = make('replay-fuzz-test-ffffff', {}, 3_600_000);
    assert.equal(removeStaleScratch(base), 2);
    assert.equal(existsSync(killed), false);
    assert.equal(existsSync(older), false);
    for (const d of [live, young, users, other]) assert.ok(existsSync(d), d);
  });
});

// ---------------------------------------------------------------------------
// Item 16: checker stderr in the index

describe('checker stderr', () => {
  it('the index holds a short sanitized tail; the whole stderr is kept beside the trace', async (t) => {
    const dir = tempDir(t);
    const r = await fuzz(['--replayer', fake('noisy-checker.js'), '--cycles', '2', '--event', '3', '--save-failure-traces', 'out'], dir);
    assert.equal(r.code, 1, show(r));
    const index = readFileSync(join(dir, 'out', 'failures.json'));
    assert.ok(index.length < 20_000, `index is ${index.length} bytes`);
    assert.ok(!index.includes(0), 'no NUL in the index');
    for (const f of readRecords(join(dir, 'out'))) {
      assert.ok(f.replayer_stderr.length <= 2100, `${f.replayer_stderr.length} characters`);
      assert.match(f.replayer_stderr, /noisy-checker: the last line\n$/);
      assert.doesNotMatch(f.replayer_stderr, /\0/);
      const whole = readFileSync(f.replayer_stderr_path!);
      assert.equal(whole.length, (3 << 20) + '\nnoisy-checker: the last line\n'.length);
      assert.equal(f.replayer_stderr_path, f.trace_path!.replace(/\.jsonl$/, '.replayer-stderr.txt'));
    }
  });

  it('sanitizeTail keeps printable text and marks control runs', () => {
    assert.equal(sanitizeTail(Buffer.from('ok\n')), 'ok\n');
    assert.equal(sanitizeTail(Buffer.from('a\0\0\0b\x1b[31mc\n')), 'a\ufffdb\ufffd[31mc\n');
    assert.ok(sanitizeTail(Buffer.alloc(1 << 20, 0x41)).length <= 2001);
    const c = new CapturedStream(undefined);
    c.push(Buffer.from('x'.repeat(100_000)));
    c.push(Buffer.from('\nend\n'));
    assert.match(c.tail(), /^….*\nend\n$/s);
    assert.equal(c.complete, false, 'without a spill file a long output is not held whole');
  });
});

// ---------------------------------------------------------------------------
// kill -9 at arbitrary moments

describe('replay-fuzz under kill -9', () => {
  it('loses nothing: every failure printed is in the index, every listed trace is whole and matches its sha256', async (t) => {
    const dir = tempDir(t);
    const out = join(dir, 'out');
    // Kill moments spread over start-up, capture, commit and index writes:
    // after `after` failures were printed, plus a delay.
    const moments = [
      { after: 0, delay: 60 },
      { after: 2, delay: 37 },
      { after: 1, delay: 0 },
      { after: 1, delay: 260 },
      { after: 2, delay: 113 },
    ].slice(0, bySize(2, 5));
    let printedTotal = 0;
    for (const [round, { after, delay }] of moments.entries()) {
      const seed = String(100 + round);
      const driver = launch(
        ['--cross-validate', fake('slow-generator.js'), ...stepLimit(2), '--cycles', '40', '--jobs', String(1 + (round % 3)), '--event', '12', '--campaign-seed', seed, '--save-failure-traces', 'out'],
        dir,
        { SLOW_LINE_MS: '3' },
      );
      await waitFor(`${after} failures`, () => [...driver.stdout().matchAll(/^ {2}failure /gm)].length >= after, 60_000);
      await new Promise((r) => setTimeout(r, delay));
      signalIfSame(driver.process, 'SIGKILL');
      const killed = await driver.done;
      killGroup(driver);
      killProcessesOf(dir);
      assert.equal(killed.signal, 'SIGKILL');
      const printed = [...killed.stdout.matchAll(/^ {2}failure \[(\d+)\/40\]$/gm)].map((m) => Number(m[1]));
      printedTotal += printed.length;
      if (!existsSync(join(out, 'failures.json'))) {
        assert.deepEqual(printed, [], `round ${round}: failures printed but no index`);
        continue;
      }
      const records = assertIntact(out);
      const mine = new Set(records.filter((f) => String(f.campaign_seed) === seed).map((f) => f.config.cycle));
      for (const c of printed) assert.ok(mine.has(c), `round ${round}: printed failure of cycle ${c} is in the index`);
    }
    const awaited = moments.reduce((n, m) => n + m.after, 0);
    assert.ok(printedTotal >= awaited, `the rounds reported failures before being killed (${printedTotal} of at least ${awaited})`);
    // A last, complete run into the same directory extends the index and leaves no temporaries.
    const before = existsSync(join(out, 'failures.json')) ? readRecords(out).length : 0;
    const last = await fuzz([...stepLimit(2), '--cycles', '2', '--event', '3', '--campaign-seed', '7', '--save-failure-traces', 'out'], dir);
    assert.equal(last.code, 1, show(last));
    assert.equal(assertIntact(out).length, before + 2);
    assert.deepEqual(readdirSync(out).filter((n) => n.startsWith('.tmp-') || n.includes('.lock')), []);
  });
});

// ---------------------------------------------------------------------------
// Items 9-12, 15, 19: processes, limits, commands

async function waitFor(what: string, ready: () => boolean, limitMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!ready()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('processes and limits', () => {
  it('--timeout kills a checker wrapper whose child holds the pipes open, at the deadline', async (t) => {
    const dir = tempDir(t);
    const started = Date.now();
    const r = await fuzz(['--replayer', fake('stubborn-checker.sh'), '--timeout', '1', '--cycles', '2', '--event', '3', '--save-failure-traces', 'out'], dir);
    const took = Date.now() - started;
    assert.equal(r.code, 1, show(r));
    assert.ok(took < 20_000, `took ${took} ms`);
    const records = readRecords(join(dir, 'out'));
    assert.equal(records.length, 2);
    for (const f of records) assert.match(String(f.failure_reason), /replayer timed out after 1 s and was killed/);
    assert.deepEqual(processesOf(dir), [], 'no tool outlives the driver');
  });

  it('a second Ctrl-C leaves no SIGTERM-ignoring tool running', async (t) => {
    const dir = tempDir(t);
    const driver = launch(['--replayer', fake('stubborn-checker.sh'), '--cycles', '3', '--event', '3'], dir);
    t.after(() => killGroup(driver));
    await waitFor('a running checker', () => driver.stdout().includes('[1/3]') && processesOf(dir).length >= 3);
    signalIfSame(driver.process, 'SIGINT');
    await new Promise((r) => setTimeout(r, 100));
    // The first Ctrl-C may already have ended the driver (a loaded machine is slow to deliver the second),
    // and its pid may name another process by now.
    signalIfSame(driver.process, 'SIGINT');
    const r = await driver.done;
    assert.equal(r.code, 130, show(r));
    await waitFor('the tools to be gone', () => processesOf(dir).length === 0, 5000);
  });

  it('--timeout beyond what a timer holds is a usage error; the largest value works', async (t) => {
    const dir = tempDir(t);
    for (const v of ['2147484', '99999999999', '0', '-1', '1.5']) {
      const r = await fuzz(['--timeout', v, '--cycles', '1'], dir);
      assert.equal(r.code, 2, show(r));
      assert.match(r.stderr, /^replay-fuzz: --timeout must be an integer in 1\.\.2147483/);
    }
    for (const extra of [[], ['--replayer', fake('step-limit-checker.js'), '--replayer-arg', '100']]) {
      const ok = await fuzz(['--timeout', '2147483', '--cycles', '2', '--event', '5', ...extra], dir);
      assert.equal(ok.code, 0, show(ok));
    }
  });

  it('--cycles 100000000 starts at once and stops on Ctrl-C', async (t) => {
    const dir = tempDir(t);
    const driver = launch(['--cycles', '100000000', '--event', '5', '--report', 'r.json'], dir);
    t.after(() => killGroup(driver));
    await waitFor('the first cycle', () => driver.stdout().includes('[1/100000000]'), 15_000);
    signalIfSame(driver.process, 'SIGINT');
    const r = await driver.done;
    assert.equal(r.code, 130, show(r));
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { cycles: { planned: number }; interrupted: boolean };
    assert.equal(report.cycles.planned, 100000000);
    assert.equal(report.interrupted, true);
  });

  it('--jobs is capped with a clear message; many jobs and many backpressure waits warn about nothing', async (t) => {
    const dir = tempDir(t);
    for (const v of ['65', '1000']) {
      const r = await fuzz(['--jobs', v, '--cycles', '1'], dir);
      assert.equal(r.code, 2, show(r));
      assert.match(r.stderr, /^replay-fuzz: --jobs must be an integer in 1\.\.64 \(each job is a worker thread or two processes\)/);
    }
    const many = await fuzz([...stepLimit(100), '--jobs', '12', '--cycles', '12', '--event', '2'], dir);
    assert.equal(many.code, 0, show(many));
    assert.doesNotMatch(many.stderr, /MaxListenersExceeded|Warning/);
    const slow = await fuzz(['--replayer', fake('slow-reader.js'), '--cycles', '1', '--event', '3000'], dir);
    assert.equal(slow.code, 0, show(slow));
    assert.doesNotMatch(slow.stderr, /MaxListenersExceeded|Warning/);
  });

  it('a tool that cannot be started is a setup error with the spawn error, not a failing cycle', async (t) => {
    const dir = tempDir(t);
    for (const flag of ['--replayer', '--cross-validate']) {
      const r = await fuzz([flag, fake('bad-shebang.js'), '--cycles', '3', '--event', '3', '--save-failure-traces', 'out', '--report', 'r.json'], dir);
      assert.equal(r.code, 2, show(r));
      assert.match(r.stderr, /replay-fuzz: cannot start (replayer|cross_validate) \S+bad-shebang\.js: ENOENT \(missing file or bad #! interpreter line\)\n$/);
      assert.ok(!existsSync(join(dir, 'out', 'failures.json')) || readRecords(join(dir, 'out')).length === 0, 'nothing recorded');
      assert.equal(existsSync(join(dir, 'out', '.replay-fuzz.lock')), false);
    }
    writeFileSync(join(dir, 'not-executable.js'), '#!/usr/bin/env node\n', { mode: 0o644 });
    const r = await fuzz(['--replayer', join(dir, 'not-executable.js'), '--cycles', '1'], dir);
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /replayer is not an executable file/);
  });

  it('--replayer is one path (spaces included); arguments come from --replayer-arg', async (t) => {
    const dir = tempDir(t);
    const spaced = join(dir, 'a dir', 'step limit.js');
    mkdirSync(join(dir, 'a dir'));
    writeFileSync(spaced, readFileSync(fake('step-limit-checker.js')), { mode: 0o755 });
    const r = await fuzz(['--replayer', spaced, '--replayer-arg', '2', '--cycles', '1', '--event', '5', '--save-failure-traces', 'out'], dir);
    assert.equal(r.code, 1, show(r));
    const [f] = readRecords(join(dir, 'out'));
    assert.equal(f!.replayer_stderr, 'step-limit-checker: 6 steps, more than 2\n');
    assert.match(f!.reproduce, /'[^']*a dir\/step limit\.js' 2 -$/);
    const ok = await fuzz(['--replayer', spaced, '--replayer-arg=9', '--cycles', '1', '--event', '5'], dir);
    assert.equal(ok.code, 0, show(ok));
    const old = await fuzz(['--replayer', `${fake('step-limit-checker.js')} 2`, '--cycles', '1'], dir);
    assert.equal(old.code, 2, show(old));
    assert.match(old.stderr, /replayer is not an executable file: .*step-limit-checker\.js 2 \(the value is one path; pass arguments with --replayer-arg\)/);
    const cv = await fuzz(['--cross-validate', CROSS_VALIDATE_BIN, '--cross-validate-arg', '--format', '--cross-validate-arg', 'jsonl', '--cycles', '1', '--event', '4'], dir);
    assert.equal(cv.code, 0, show(cv));
    const stray = await fuzz(['--replayer-arg', 'x', '--cycles', '1'], dir);
    assert.equal(stray.code, 2, show(stray));
    assert.match(stray.stderr, /--replayer-arg needs --replayer/);
  });
});

// ---------------------------------------------------------------------------
// Item 8: merge completeness; item 18: messages naming files

describe('replay-fuzz merge', () => {
  const campaign = ['--campaign-seed', '31', '--cycles', '6', '--event', '3'];

  it('reports a shard that stopped early, an impossible shard and inconsistent counts as incomplete (exit 2)', async (t) => {
    const dir = tempDir(t);
    const a = await fuzz([...campaign, '--shard', '1/2', ...stepLimit(0), '--stop-on-first-failure', '--report', 'a.json'], dir);
    assert.equal(a.code, 1, show(a));
    const b = await fuzz([...campaign, '--shard', '2/2', '--report', 'b.json'], dir);
    assert.equal(b.code, 0, show(b));
    const early = await fuzz(['merge', 'a.json', 'b.json', '--output', 'm.json'], dir);
    assert.equal(early.code, 2, show(early));
    assert.match(early.stderr, /shard 1\/2 ran 1 of 3 cycles \(stopped early by --stop-on-first-failure\)/);
    assert.equal((JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')) as { complete: boolean }).complete, false);

    const text = readFileSync(join(dir, 'b.json'), 'utf8');
    const variants: [string, string, RegExp][] = [
      ['1/0', text.replace('"shard": "2/2"', '"shard": "1/0"'), /shard 1\/0 is not i\/n with 1 <= i <= n/],
      ['0/1', text.replace('"shard": "2/2"', '"shard": "0/1"'), /shard 0\/1 is not i\/n/],
      ['2/1', text.replace('"shard": "2/2"', '"shard": "2/1"'), /shard 2\/1 is not i\/n/],
      ['lone 2/2', text, /missing shard\(s\): 1\/2/],
      ['lone 1/1 with 3 of 6 planned', text.replace('"shard": "2/2"', '"shard": "1/1"'), /shard 1\/1 planned 3 cycles; the campaign has 6 for it/],
      ['run short', text.replace('"shard": "2/2"', '"shard": "1/1"').replace('"planned": 3', '"planned": 6'), /shard 1\/1 ran 3 of 6 cycles \(stopped early\)/],
      ['failures missing', text.replace('"failed": 0', '"failed": 1').replace('"passed": 3', '"passed": 2'), /lists 0 failure record\(s\) for 1 failed cycle\(s\)/],
      ['shard 1/1000000000', text.replace('"shard": "2/2"', '"shard": "1/1000000000"'), /missing/],
    ];
    for (const [name, body, why] of variants) {
      writeFileSync(join(dir, 'v.json'), body);
      const r = await fuzz(['merge', 'v.json'], dir);
      assert.equal(r.code, 2, `${name}: ${show(r)}`);
      assert.match(r.stderr, why, name);
      assert.match(r.stdout, /"complete": false/, name);
    }
  });

  it('names the file whose JSON is broken or whose shape is wrong, without a stack trace', async (t) => {
    const dir = tempDir(t);
    const ok = await fuzz([...campaign, '--report', 'good.json'], dir);
    assert.equal(ok.code, 0, show(ok));
    const cases: [string, string, RegExp][] = [
      ['cut.json', '{"tool": "replay-fuzz", "config": {', /^replay-fuzz: \S*cut\.json: the report is not valid JSON \(unexpected end of input at column \d+\)$/],
      ['big.json', `{"tool": "replay-fuzz", "x": ${'7'.repeat(1_000_000)}}`, /^replay-fuzz: \S*big\.json: the report is not valid JSON \(integer 777777777777\.\.\.777777 \(1000000 digits\) is beyond the uint64 range\)$/],
      ['proto.json', '{"tool": "replay-fuzz", "__proto__": {"config": {"shard": "1/1"}}}', /^replay-fuzz: \S*proto\.json: not a replay-fuzz report \(no config\)$/],
      ['shape.json', readFileSync(join(dir, 'good.json'), 'utf8').replace('"failures": [', '"failures": 5, "x": ['), /^replay-fuzz: \S*shape\.json: not a replay-fuzz report \(failures is not a list\)$/],
      ['list.json', '[]', /^replay-fuzz: \S*list\.json: not a replay-fuzz report$/],
      ['dir.json', '', /^replay-fuzz: cannot read the report \S*dir\.json: is a directory$/],
    ];
    for (const [name, body, why] of cases) {
      if (name === 'dir.json') mkdirSync(join(dir, name));
      else writeFileSync(join(dir, name), body);
      const r = await fuzz(['merge', 'good.json', name], dir);
      assert.equal(r.code, 2, `${name}: ${show(r)}`);
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 1, r.stderr.slice(0, 500));
      assert.match(lines[0]!, why);
    }
  });
});

describe('odd failure directories and a lost report', () => {
  it('a failure directory that is a file, a lock that is a directory, empty names: one line, exit 2', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'afile'), '');
    mkdirSync(join(dir, 'o', '.replay-fuzz.lock'), { recursive: true });
    const cases: [string[], RegExp][] = [
      [['--save-failure-traces', 'afile'], /^replay-fuzz: --save-failure-traces \S*afile: not a directory$/],
      [['--save-failure-traces', 'afile/sub'], /^replay-fuzz: --save-failure-traces \S*afile\/sub: not a directory$/],
      [['--save-failure-traces', 'o'], /^replay-fuzz: \S*o\/\.replay-fuzz\.lock is a directory, not a lock file; remove it$/],
      [['--save-failure-traces', ''], /^replay-fuzz: --save-failure-traces needs a directory name$/],
      [['--report', ''], /^replay-fuzz: --report needs a file name$/],
    ];
    for (const [args, why] of cases) {
      const r = await fuzz(['--cycles', '1', '--event', '3', ...args], dir);
      assert.equal(r.code, 2, show(r));
      assert.equal(r.stderr.split('\n').length, 2, r.stderr);
      assert.match(r.stderr.trim(), why);
    }
    assert.ok(existsSync(join(dir, 'o', '.replay-fuzz.lock')), 'the user\'s directory is left alone');
  });

  it('a report that cannot be written at the end is an error, and never hides failures', async (t) => {
    const dir = tempDir(t);
    const mnt = join(dir, 'mnt');
    mkdirSync(mnt);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', mnt]);
    if (mounted.status !== 0) {
      t.diagnostic(`mount not permitted (${mounted.stderr.toString().trim()})`);
      return;
    }
    try {
      // Fill the file system, leaving inodes (the up-front check creates an empty file).
      spawnSync('sh', ['-c', `cat /dev/zero > '${join(mnt, 'filler')}'`]);
      const ok = await fuzz(['--cycles', '1', '--event', '3', '--report', 'mnt/r.json'], dir);
      assert.equal(ok.code, 2, show(ok));
      assert.match(ok.stderr, /replay-fuzz: cannot write the report \S*mnt\/r\.json: ENOSPC\n/);
      const failing = await fuzz([...stepLimit(0), '--cycles', '1', '--event', '3', '--report', 'mnt/r.json'], dir);
      assert.equal(failing.code, 1, show(failing));
      assert.deepEqual(readdirSync(mnt), ['filler']);
    } finally {
      spawnSync('umount', ['-l', mnt]);
    }
  });
});
