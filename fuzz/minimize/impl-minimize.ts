/**
 * Shrinking a failure of an implementation under test (`--impl`): ddmin
 * over the event lines of the stream it was fed. Each candidate stream is
 * piped through the implementation again and, when it answers, its trace
 * through the same checker; the candidate still fails when it fails the
 * same way (same implementation exit status, same step-count mismatch, or
 * same checker exit status / broken invariant).
 *
 * Events are kept as the lines received, so wire forms survive shrinking.
 */
import { readFileSync } from 'node:fs';
import { isJsonObject, parseJson, traceLineKind } from '../../replay/index.js';
import type { Command } from '../plan/command.js';
import { ddmin } from './minimize.js';
import { invariantBreak, type CycleOutcome } from '../cycle/outcome.js';

export interface EventStream {
  readonly lines: readonly string[];
  readonly seed: bigint;
}

/** The event lines and the summary seed of a saved stream. */
export function readEventStream(path: string): EventStream {
  const lines: string[] = [];
  let seed = 0n;
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const kind = traceLineKind(Buffer.from(line), i + 1);
      if (kind === 'event') lines.push(line.trim());
      if (kind !== 'summary') return;
      const value = parseJson(line);
      if (isJsonObject(value) && (typeof value.seed === 'number' || typeof value.seed === 'bigint')) seed = BigInt(value.seed);
    });
  return { lines, seed };
}

export function eventStreamTextOf(lines: readonly string[], seed: bigint): string {
  return `${lines.map((l) => `${l}\n`).join('')}{"kind":"summary","seed":${seed},"events":${lines.length}}\n`;
}

/** How a run went wrong, as far as minimization compares failures. */
type FailureKind = string | undefined;

export interface ImplRunners {
  readonly impl: Command;
  readonly replayer: Command;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

function countSteps(trace: string): number {
  let n = 0;
  trace.split('\n').forEach((line, i) => {
    if (traceLineKind(Buffer.from(line), i + 1) === 'step') n++;
  });
  return n;
}

/** Runs a stream through the implementation and the checker; returns the failure kind and the trace. */
async function classify(stream: string, events: number, r: ImplRunners, wantInvariant: boolean): Promise<{ kind: FailureKind; trace: string }> {
  // Loaded here, not at the top: execa takes ~90 ms to load, and most campaigns never minimize an --impl failure.
  const { execa } = await import('execa');
  const common = { reject: false, cancelSignal: r.signal, stripFinalNewline: false, ...(r.timeoutMs > 0 ? { timeout: r.timeoutMs } : {}) } as const;
  const run = await execa(r.impl.file, [...r.impl.args], { ...common, input: stream });
  const trace = String(run.stdout ?? '');
  if (run.timedOut) return { kind: 'implementation timed out', trace };
  if (run.exitCode !== 0) return { kind: `implementation exit ${run.exitCode ?? run.signal}`, trace };
  if (countSteps(trace) !== events) return { kind: 'step count', trace };
  const check = await execa(r.replayer.file, [...r.replayer.args, '-'], { ...common, input: trace });
  if (check.exitCode !== 0) return { kind: `checker exit ${check.exitCode}`, trace };
  if (wantInvariant && trace.split('\n').some((l) => l !== '' && invariantBreak(Buffer.from(l)) !== undefined)) return { kind: 'invariant', trace };
  return { kind: undefined, trace };
}

export interface ImplMinimized {
  readonly lines: readonly string[];
  readonly originalEvents: number;
  readonly runs: number;
  readonly complete: boolean;
  /** The minimal stream, and the implementation's trace for it. */
  readonly eventsText: string;
  readonly trace: string;
}

/**
 * Shrinks the stream at `eventsPath`; undefined when the whole stream does
 * not fail the same way again (a flaky implementation).
 */
export async function minimizeImplFailure(eventsPath: string, outcome: CycleOutcome, r: ImplRunners, budget: number): Promise<ImplMinimized | { error: string }> {
  const stream = readEventStream(eventsPath);
  const wantInvariant = outcome.reason?.includes('image invariant') ?? false;
  const original = await classify(eventStreamTextOf(stream.lines, stream.seed), stream.lines.length, r, wantInvariant);
  if (original.kind === undefined) return { error: 'the failure does not reproduce when the event stream is fed to the implementation again' };
  const result = await ddmin(
    stream.lines,
    async (candidate) => (await classify(eventStreamTextOf(candidate, stream.seed), candidate.length, r, wantInvariant)).kind === original.kind,
    budget,
  );
  if (result === undefined) return { error: 'the failure does not reproduce when the event stream is fed to the implementation again' };
  const eventsText = eventStreamTextOf(result.items, stream.seed);
  const { trace } = await classify(eventsText, result.items.length, r, wantInvariant);
  return { lines: result.items, originalEvents: stream.lines.length, runs: result.runs + 2, complete: result.complete, eventsText, trace };
}
