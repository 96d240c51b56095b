/**
 * One cycle with external processes: the generator's stdout is piped into
 * the checker's stdin with backpressure and, on the way, appended to a
 * temporary file (so a failing trace can be kept without ever holding it in
 * memory) and scanned for steps that report a broken image invariant.
 *
 * Saving the trace is the record's business, not the cycle's: when the
 * temporary file cannot be written (a full disk), the cycle still runs to
 * its verdict and the outcome says why there is no trace.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { closeSync, openSync, rmSync } from 'node:fs';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, traceLineKind } from '../../replay/index.js';
import type { CycleConfig } from '../plan/campaign.js';
import { CapturedStream } from './capture.js';
import { startChild, type ChildEnd, type ChildGroups, type RunningChild } from './child.js';
import type { Command } from '../plan/command.js';
import { REAL_IO, writeAll, type FileIo } from '../store/durable.js';
import { CoverageCollector } from './coverage.js';
import { invariantBreak, invariantReason, type CycleOutcome, type InvariantBreak } from './outcome.js';

export interface ExternalOptions {
  readonly generator: Command;
  readonly replayer: Command;
  readonly requireInvariant: boolean;
  /** Per-process time limit; 0 means none. */
  readonly timeoutMs: number;
  readonly traceTemp: string;
  readonly signal: AbortSignal;
  readonly groups: ChildGroups;
  readonly io?: FileIo;
}

/** A tool that cannot be started at all: the campaign cannot run, no cycle failed. */
export class SetupError extends Error {}

export function generatorArgs(config: CycleConfig): string[] {
  return ['--profile', config.profile, '--seed', String(config.seed), '--events', String(config.events)];
}

export function describeEnd(label: string, r: ChildEnd, timeoutMs: number): string | undefined {
  if (r.heldOpen) return `${label} timed out after ${timeoutMs / 1000} s: it exited, but a process it left behind held its output open (cut off)`;
  if (r.timedOut) return `${label} timed out after ${timeoutMs / 1000} s and was killed`;
  if (r.canceled) return `${label} was stopped (interrupted)`;
  if (r.signal !== null) return `${label} was killed by ${r.signal}`;
  return undefined;
}

export function spawnProblem(label: string, c: Command, err: NodeJS.ErrnoException): SetupError {
  const hint = err.code === 'ENOENT' ? ' (missing file or bad #! interpreter line)' : err.code === 'EACCES' ? ' (not executable)' : err.code === 'ENOEXEC' ? ' (not a program this system can run)' : '';
  return new SetupError(`cannot start ${label} ${c.file}: ${err.code ?? err.message}${hint}`);
}

/** The stderr spill file of a cycle's process, beside its trace temporary. */
export function stderrTemp(traceTemp: string, label: 'replayer' | 'cross-validate'): string {
  return traceTemp.replace(/\.jsonl$/, `.${label}-stderr.txt`);
}

export async function runExternalCycle(config: CycleConfig, o: ExternalOptions): Promise<CycleOutcome> {
  const io = o.io ?? REAL_IO;
  const genErr = new CapturedStream(stderrTemp(o.traceTemp, 'cross-validate'), io);
  const repErr = new CapturedStream(stderrTemp(o.traceTemp, 'replayer'), io);
  const repOut = new CapturedStream(undefined, io);
  const common = { timeoutMs: o.timeoutMs, signal: o.signal, groups: o.groups } as const;
  const gen = startChild(o.generator.file, [...o.generator.args, ...generatorArgs(config)], { ...common, stdin: 'ignore', stderr: genErr });
  const rep = startChild(o.replayer.file, [...o.replayer.args, '-'], { ...common, stdin: 'pipe', stderr: repErr, stdout: repOut });
  const tee = new TraceTee(o.traceTemp, o.requireInvariant, io);
  const repDone = await pipeTrace(gen, rep, tee);
  const [g, r] = await Promise.all([gen.done, repDone]);
  const cleanup = (): void => {
    rmSync(o.traceTemp, { force: true });
    genErr.discardFile();
    repErr.discardFile();
  };
  if (g.spawnError !== undefined || r.spawnError !== undefined) {
    cleanup();
    throw g.spawnError !== undefined ? spawnProblem('cross_validate', o.generator, g.spawnError) : spawnProblem('replayer', o.replayer, r.spawnError!);
  }
  const reasons = [
    describeEnd('cross-validate', g, o.timeoutMs),
    describeEnd('replayer', r, o.timeoutMs),
    tee.broken === undefined ? undefined : invariantReason(tee.broken),
  ].filter((x): x is string => x !== undefined);
  const ok = g.exitCode === 0 && r.exitCode === 0 && reasons.length === 0;
  if (ok) {
    cleanup();
    return { config, ok, events: tee.steps, coverage: tee.coverage.result(), generatorExit: 0, replayerExit: 0, generatorStderr: '', replayerStderr: '' };
  }
  const checkerOut = r.exitCode === 0 ? '' : repOut.tail();
  return {
    config,
    ok,
    events: tee.steps,
    generatorExit: g.exitCode,
    replayerExit: r.exitCode,
    generatorStderr: genErr.tail(),
    replayerStderr: `${checkerOut}${checkerOut !== '' && !checkerOut.endsWith('\n') ? '\n' : ''}${repErr.tail()}`,
    coverage: tee.coverage.result(),
    ...(reasons.length === 0 ? {} : { reason: reasons.join('; ') }),
    ...(tee.traceError === undefined ? { traceTemp: o.traceTemp } : { traceError: tee.traceError }),
    captures: { generator: genErr, replayer: repErr },
  };
}

/**
 * The generator's output on its way to the checker: appended to the trace
 * temporary (dropped, with the reason, when the disk refuses it: an error of
 * the record, never of the cycle) and scanned for steps, coverage and a
 * broken image invariant.
 */
class TraceTee {
  steps = 0;
  broken: InvariantBreak | undefined;
  traceError: string | undefined;
  readonly coverage = new CoverageCollector();
  private fd: number | undefined;
  private scanning = true;
  private readonly splitter: LineSplitter;

  constructor(
    private readonly path: string,
    requireInvariant: boolean,
    private readonly io: FileIo,
  ) {
    this.splitter = new LineSplitter((line, lineNo) => {
      if (traceLineKind(line, lineNo) === 'step') {
        this.steps++;
        this.coverage.feedLine(line);
      }
      if (requireInvariant && this.broken === undefined) this.broken = invariantBreak(line);
    }, DEFAULT_MAX_LINE_BYTES);
    try {
      this.fd = openSync(path, 'wx', 0o644);
    } catch (err) {
      this.drop(err);
    }
  }

  push(bytes: Buffer): void {
    if (this.fd !== undefined) {
      try {
        writeAll(this.fd, bytes, this.io);
      } catch (err) {
        this.drop(err);
      }
    }
    if (!this.scanning) return;
    try {
      this.splitter.push(bytes);
    } catch {
      this.scanning = false; // an over-long line: the checker will report it
    }
  }

  /** Closes the file; scans the last, unterminated line. */
  end(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (!this.scanning) return;
    try {
      this.splitter.end();
    } catch {
      /* reported by the checker */
    }
  }

  private drop(err: unknown): void {
    this.traceError = `the trace could not be saved: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.path, { force: true });
  }
}

/**
 * Pipes the generator's stdout into the checker's stdin with backpressure,
 * through the tee; returns the checker's end. A checker that stops reading
 * (it may fail early) does not stop the trace from being saved.
 */
async function pipeTrace(gen: RunningChild, rep: RunningChild, tee: TraceTee): Promise<Promise<ChildEnd>> {
  let replayerOpen = rep.stdin !== null;
  rep.stdin?.on('error', () => {
    replayerOpen = false;
  });
  rep.stdin?.on('close', () => {
    replayerOpen = false;
  });
  const repDone = rep.done.then((r) => {
    replayerOpen = false;
    return r;
  });
  try {
    if (gen.stdout !== null) {
      for await (const chunk of gen.stdout) {
        const bytes = chunk as Buffer;
        tee.push(bytes);
        if (replayerOpen && !rep.stdin!.write(bytes)) await drainOrEnd(rep.stdin!, repDone);
      }
    }
  } catch {
    // The generator's stream was cut (killed, timed out): its end says why.
  } finally {
    tee.end();
    if (replayerOpen) rep.stdin!.end();
  }
  return repDone;
}

/** Waits for `stream` to drain, or for its reader to end; one listener per wait, removed again. */
async function drainOrEnd(stream: Writable, ended: Promise<unknown>): Promise<void> {
  const drained = new AbortController();
  await Promise.race([once(stream, 'drain', { signal: drained.signal }).catch(() => undefined), ended]);
  drained.abort();
}
