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
import { closeSync, openSync, rmSync } from 'node:fs';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from '../../replay/index.js';
import type { CycleConfig } from '../plan/campaign.js';
import { CapturedStream } from './capture.js';
import { startChild, type ChildEnd, type ChildGroups } from './child.js';
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

  let replayerOpen = rep.stdin !== null;
  rep.stdin?.on('error', () => {
    replayerOpen = false; // the checker stopped reading (it may fail early); keep saving the trace
  });
  rep.stdin?.on('close', () => {
    replayerOpen = false;
  });
  let steps = 0;
  let broken: InvariantBreak | undefined;
  let scanning = true;
  const coverage = new CoverageCollector();
  const splitter = new LineSplitter((line) => {
    if (line[0] === 0x7b && line[9] === 0x73 && line[10] === 0x74) {
      steps++; // {"kind":"s(tep)
      coverage.feedLine(line);
    }
    if (o.requireInvariant && broken === undefined) broken = invariantBreak(line);
  }, DEFAULT_MAX_LINE_BYTES);

  let fd: number | undefined;
  let traceError: string | undefined;
  const dropTrace = (err: unknown): void => {
    traceError = `the trace could not be saved: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
    rmSync(o.traceTemp, { force: true });
  };
  try {
    fd = openSync(o.traceTemp, 'wx', 0o644);
  } catch (err) {
    dropTrace(err);
  }
  const repDone = rep.done.then((r) => {
    replayerOpen = false;
    return r;
  });
  try {
    if (gen.stdout !== null) {
      for await (const chunk of gen.stdout) {
        const bytes = chunk as Buffer;
        if (fd !== undefined) {
          try {
            writeAll(fd, bytes, io);
          } catch (err) {
            dropTrace(err); // an error of the record, never of the cycle
          }
        }
        if (scanning) {
          try {
            splitter.push(bytes);
          } catch {
            scanning = false; // an over-long line: the checker will report it
          }
        }
        if (replayerOpen && !rep.stdin!.write(bytes)) {
          const drained = new AbortController();
          await Promise.race([
            once(rep.stdin!, 'drain', { signal: drained.signal }).catch(() => undefined),
            repDone,
          ]);
          drained.abort(); // one listener per wait, removed again
        }
      }
    }
  } catch {
    // The generator's stream was cut (killed, timed out): its end says why.
  } finally {
    if (fd !== undefined) closeSync(fd);
    if (replayerOpen) rep.stdin!.end();
  }
  if (scanning) {
    try {
      splitter.end();
    } catch {
      /* reported by the checker */
    }
  }

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
    broken === undefined ? undefined : invariantReason(broken),
  ].filter((x): x is string => x !== undefined);
  const ok = g.exitCode === 0 && r.exitCode === 0 && reasons.length === 0;
  if (ok) {
    cleanup();
    return { config, ok, events: steps, coverage: coverage.result(), generatorExit: 0, replayerExit: 0, generatorStderr: '', replayerStderr: '' };
  }
  const checkerOut = r.exitCode === 0 ? '' : repOut.tail();
  return {
    config,
    ok,
    events: steps,
    generatorExit: g.exitCode,
    replayerExit: r.exitCode,
    generatorStderr: genErr.tail(),
    replayerStderr: `${checkerOut}${checkerOut !== '' && !checkerOut.endsWith('\n') ? '\n' : ''}${repErr.tail()}`,
    coverage: coverage.result(),
    ...(reasons.length === 0 ? {} : { reason: reasons.join('; ') }),
    ...(traceError === undefined ? { traceTemp: o.traceTemp } : { traceError }),
    captures: { generator: genErr, replayer: repErr },
  };
}
