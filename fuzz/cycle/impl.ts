/**
 * One cycle with an implementation under test (`--impl`, docs/protocol.md):
 *
 *   generator --emit events | implementation | checker -
 *
 * Both hops are piped with backpressure. On the way the event stream and
 * the implementation's trace are each appended to a temporary file (the
 * failure record keeps both; minimization works on the events), events and
 * steps are counted, and steps are scanned for a broken image invariant.
 * Processes are started, timed and killed by child.ts like any other tool.
 */
import { once } from 'node:events';
import { closeSync, openSync, rmSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, traceLineKind } from '../../replay/index.js';
import type { CycleConfig } from '../plan/campaign.js';
import { CapturedStream } from './capture.js';
import { CoverageCollector } from './coverage.js';
import { startChild, type ChildEnd, type ChildGroups } from './child.js';
import type { Command } from '../plan/command.js';
import { REAL_IO, writeAll, type FileIo } from '../store/durable.js';
import { describeEnd, generatorArgs, SetupError, spawnProblem, stderrTemp } from './external.js';
import { invariantBreak, invariantReason, type CycleOutcome, type InvariantBreak } from './outcome.js';

export interface ImplOptions {
  /** Our cross-validate by default; it is asked for `--emit events`. */
  readonly generator: Command;
  readonly impl: Command;
  readonly replayer: Command;
  readonly requireInvariant: boolean;
  /** Per-process time limit; 0 means none. */
  readonly timeoutMs: number;
  /** The implementation's trace. */
  readonly traceTemp: string;
  readonly signal: AbortSignal;
  readonly groups: ChildGroups;
  readonly io?: FileIo;
}

/** The generator's arguments for one cycle's event stream. */
export function eventStreamArgs(config: CycleConfig): string[] {
  return [...generatorArgs(config), '--emit', 'events'];
}

/** Where the cycle's event stream is kept, beside its trace. */
export function eventsTemp(traceTemp: string): string {
  return traceTemp.replace(/\.jsonl$/, '.events.jsonl');
}

/** An event line of the stream: an object without `kind`, read as the checker reads lines. */
export function isEventLine(line: Uint8Array, lineNo?: number): boolean {
  return traceLineKind(line, lineNo) === 'event';
}

/** A step line, whatever its member order and whitespace (docs/protocol.md). */
export function isStepLine(line: Uint8Array, lineNo?: number): boolean {
  return traceLineKind(line, lineNo) === 'step';
}

/** A file the cycle keeps; writing it can fail (a full disk) without failing the cycle. */
class KeptFile {
  private fd: number | undefined;
  error: string | undefined;

  constructor(
    readonly path: string,
    private readonly io: FileIo,
  ) {
    try {
      this.fd = openSync(path, 'wx', 0o644);
    } catch (err) {
      this.drop(err);
    }
  }

  write(bytes: Buffer): void {
    if (this.fd === undefined) return;
    try {
      writeAll(this.fd, bytes, this.io);
    } catch (err) {
      this.drop(err);
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private drop(err: unknown): void {
    this.error = `${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    this.close();
    rmSync(this.path, { force: true });
  }
}

/**
 * Copies `source` into `file`, through `lines`, and on into `dest` while
 * its process lives, waiting for `dest` to drain (backpressure); ends `dest`.
 */
async function pump(source: Readable | null, file: KeptFile, lines: LineSplitter, dest: Writable | null, destDone: Promise<unknown>): Promise<void> {
  let open = dest !== null;
  let scanning = true;
  void destDone.then(() => (open = false));
  dest?.on('error', () => (open = false)); // the reader stopped early: keep saving
  dest?.on('close', () => (open = false));
  try {
    if (source === null) return;
    for await (const chunk of source) {
      const bytes = chunk as Buffer;
      file.write(bytes);
      if (scanning) {
        try {
          lines.push(bytes);
        } catch {
          scanning = false; // an over-long line: whoever reads it reports it
        }
      }
      if (open && !dest!.write(bytes)) {
        const drained = new AbortController();
        await Promise.race([once(dest!, 'drain', { signal: drained.signal }).catch(() => undefined), destDone]);
        drained.abort();
      }
    }
  } catch {
    // The source was cut (killed, timed out): its process's end says why.
  } finally {
    file.close();
    if (open) dest!.end();
    if (scanning) {
      try {
        lines.end();
      } catch {
        /* reported downstream */
      }
    }
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.slice(0, 300) ?? '';
}

export async function runImplCycle(config: CycleConfig, o: ImplOptions): Promise<CycleOutcome> {
  const io = o.io ?? REAL_IO;
  const genErr = new CapturedStream(stderrTemp(o.traceTemp, 'cross-validate'), io);
  const implErr = new CapturedStream(o.traceTemp.replace(/\.jsonl$/, '.implementation-stderr.txt'), io);
  const repErr = new CapturedStream(stderrTemp(o.traceTemp, 'replayer'), io);
  const repOut = new CapturedStream(undefined, io);
  const common = { timeoutMs: o.timeoutMs, signal: o.signal, groups: o.groups } as const;
  const gen = startChild(o.generator.file, [...o.generator.args, ...eventStreamArgs(config)], { ...common, stdin: 'ignore', stderr: genErr });
  const impl = startChild(o.impl.file, [...o.impl.args], { ...common, stdin: 'pipe', stderr: implErr });
  const rep = startChild(o.replayer.file, [...o.replayer.args, '-'], { ...common, stdin: 'pipe', stderr: repErr, stdout: repOut });

  let events = 0;
  let steps = 0;
  let broken: InvariantBreak | undefined;
  const eventLines = new LineSplitter((line, lineNo) => {
    if (isEventLine(line, lineNo)) events++;
  }, DEFAULT_MAX_LINE_BYTES);
  // Coverage comes from the implementation's own steps, as for any external trace.
  const coverage = new CoverageCollector();
  const stepLines = new LineSplitter((line, lineNo) => {
    if (isStepLine(line, lineNo)) {
      steps++;
      coverage.feedLine(line);
    }
    if (o.requireInvariant && broken === undefined) broken = invariantBreak(line);
  }, DEFAULT_MAX_LINE_BYTES);
  const eventsFile = new KeptFile(eventsTemp(o.traceTemp), io);
  const traceFile = new KeptFile(o.traceTemp, io);

  await Promise.all([pump(gen.stdout, eventsFile, eventLines, impl.stdin, impl.done), pump(impl.stdout, traceFile, stepLines, rep.stdin, rep.done)]);
  const [g, i, r] = await Promise.all([gen.done, impl.done, rep.done]);

  const cleanup = (): void => {
    rmSync(o.traceTemp, { force: true });
    rmSync(eventsFile.path, { force: true });
    for (const c of [genErr, implErr, repErr]) c.discardFile();
  };
  const spawnFailure = ([['cross_validate', o.generator, g], ['implementation', o.impl, i], ['replayer', o.replayer, r]] as const).find(([, , end]) => end.spawnError !== undefined);
  if (spawnFailure !== undefined) {
    cleanup();
    throw spawnProblem(spawnFailure[0], spawnFailure[1], spawnFailure[2].spawnError!);
  }
  const reasons = [
    describeEnd('cross-validate', g, o.timeoutMs),
    g.exitCode !== 0 && g.exitCode !== null ? `the generator exited with status ${g.exitCode}: ${firstLine(genErr.tail())}` : undefined,
    describeEnd('implementation', i, o.timeoutMs),
    implementationProblem(i, implErr, steps, events),
    describeEnd('replayer', r, o.timeoutMs),
    // The checker's verdict names the diverging step.
    i.exitCode === 0 && r.exitCode !== 0 && r.exitCode !== null ? `the checker rejected the implementation's trace: ${firstLine(r.exitCode === 0 ? '' : repOut.tail()) || firstLine(repErr.tail())}` : undefined,
    broken === undefined ? undefined : invariantReason(broken),
  ].filter((x): x is string => x !== undefined);
  const ok = g.exitCode === 0 && i.exitCode === 0 && r.exitCode === 0 && reasons.length === 0;
  if (ok) {
    cleanup();
    return { config, ok, events: steps, coverage: coverage.result(), generatorExit: 0, replayerExit: 0, generatorStderr: '', replayerStderr: '', implementation: { exit: 0, stderr: '' } };
  }
  const checkerOut = r.exitCode === 0 ? '' : repOut.tail();
  const keptErrors = [traceFile.error === undefined ? undefined : `the trace could not be saved: ${traceFile.error}`, eventsFile.error === undefined ? undefined : `the event stream could not be saved: ${eventsFile.error}`].filter((x): x is string => x !== undefined);
  return {
    config,
    ok,
    events: steps,
    coverage: coverage.result(),
    generatorExit: g.exitCode,
    replayerExit: r.exitCode,
    generatorStderr: genErr.tail(),
    replayerStderr: `${checkerOut}${checkerOut !== '' && !checkerOut.endsWith('\n') ? '\n' : ''}${repErr.tail()}`,
    ...(reasons.length === 0 ? {} : { reason: reasons.join('; ') }),
    ...(traceFile.error === undefined ? { traceTemp: o.traceTemp } : {}),
    ...(keptErrors.length === 0 ? {} : { traceError: keptErrors.join('; ') }),
    captures: { generator: genErr, replayer: repErr },
    implementation: {
      exit: i.exitCode,
      stderr: implErr.tail(),
      capture: implErr,
      ...(eventsFile.error === undefined ? { eventsTemp: eventsFile.path } : {}),
    },
  };
}

/** What the implementation did wrong by the protocol, beyond being killed. */
function implementationProblem(end: ChildEnd, stderr: CapturedStream, steps: number, events: number): string | undefined {
  if (end.exitCode !== null && end.exitCode !== 0) return `the implementation exited with status ${end.exitCode}: ${firstLine(stderr.tail()) || '(no stderr)'}`;
  if (end.exitCode === 0 && steps !== events) return `the implementation wrote ${steps} step line(s) for ${events} event(s)`;
  return undefined;
}

export { SetupError };
