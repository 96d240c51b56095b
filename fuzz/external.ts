/**
 * One cycle with external processes: the generator's stdout is piped into
 * the checker's stdin with backpressure and, on the way, appended to a
 * temporary file (so a failing trace can be kept without ever holding it in
 * memory) and scanned for steps that report a broken image invariant.
 */
import { once } from 'node:events';
import { closeSync, openSync, writeSync } from 'node:fs';
import { execa } from 'execa';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from '../replay/index.js';
import type { CycleConfig } from './campaign.js';
import type { Command } from './command.js';
import { invariantBreak, invariantReason, type CycleOutcome, type InvariantBreak } from './outcome.js';

export interface ExternalOptions {
  readonly generator: Command;
  readonly replayer: Command;
  readonly requireInvariant: boolean;
  /** Per-process time limit; 0 means none. */
  readonly timeoutMs: number;
  readonly traceTemp: string;
  readonly signal: AbortSignal;
}

const STDERR_LIMIT = 1 << 20;

export function generatorArgs(config: CycleConfig): string[] {
  return ['--profile', config.profile, '--seed', String(config.seed), '--events', String(config.events)];
}

function describeEnd(label: string, r: { timedOut: boolean; isCanceled: boolean; signal?: string | undefined; exitCode?: number | undefined }, timeoutMs: number): string | undefined {
  if (r.timedOut) return `${label} timed out after ${timeoutMs / 1000} s and was killed`;
  if (r.isCanceled) return `${label} was stopped (interrupted)`;
  if (r.signal !== undefined) return `${label} was killed by ${r.signal}`;
  return undefined;
}

export async function runExternalCycle(config: CycleConfig, o: ExternalOptions): Promise<CycleOutcome> {
  const common = {
    reject: false,
    cancelSignal: o.signal,
    forceKillAfterDelay: 2000,
    maxBuffer: { stderr: STDERR_LIMIT },
    stripFinalNewline: false,
    ...(o.timeoutMs > 0 ? { timeout: o.timeoutMs } : {}),
  } as const;
  const gen = execa(o.generator.file, [...o.generator.args, ...generatorArgs(config)], {
    ...common,
    stdin: 'ignore',
    buffer: { stdout: false, stderr: true },
  });
  const rep = execa(o.replayer.file, [...o.replayer.args, '-'], {
    ...common,
    stdin: 'pipe',
    buffer: { stdout: true, stderr: true },
    maxBuffer: { stdout: STDERR_LIMIT, stderr: STDERR_LIMIT },
  });

  let replayerOpen = true;
  rep.stdin!.on('error', () => {
    replayerOpen = false; // the checker stopped reading (it may fail early); keep saving the trace
  });
  let steps = 0;
  let broken: InvariantBreak | undefined;
  let scanning = true;
  const splitter = new LineSplitter((line) => {
    if (line[0] === 0x7b && line[9] === 0x73) steps++; // {"kind":"s(tep)
    if (o.requireInvariant && broken === undefined) broken = invariantBreak(line);
  }, DEFAULT_MAX_LINE_BYTES);

  const fd = openSync(o.traceTemp, 'w', 0o644);
  try {
    for await (const chunk of gen.stdout!) {
      const bytes = chunk as Buffer;
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      if (scanning) {
        try {
          splitter.push(bytes);
        } catch {
          scanning = false; // an over-long line: the checker will report it
        }
      }
      if (replayerOpen && !rep.stdin!.write(bytes)) {
        await Promise.race([once(rep.stdin!, 'drain'), once(rep.stdin!, 'close'), rep]);
      }
    }
  } catch {
    // The generator stream failed (killed, timed out): its result says why.
  } finally {
    closeSync(fd);
    if (replayerOpen) rep.stdin!.end();
  }
  if (scanning) {
    try {
      splitter.end();
    } catch {
      /* reported by the checker */
    }
  }

  const [g, r] = await Promise.all([gen, rep]);
  const reasons = [
    describeEnd('cross-validate', g, o.timeoutMs),
    describeEnd('replayer', r, o.timeoutMs),
    broken === undefined ? undefined : invariantReason(broken),
  ].filter((x): x is string => x !== undefined);
  const ok = g.exitCode === 0 && r.exitCode === 0 && reasons.length === 0;
  return {
    config,
    ok,
    events: steps,
    generatorExit: g.exitCode ?? null,
    replayerExit: r.exitCode ?? null,
    generatorStderr: String(g.stderr ?? ''),
    replayerStderr: `${String(r.stdout ?? '') === '' || r.exitCode === 0 ? '' : String(r.stdout)}${String(r.stderr ?? '')}`,
    ...(reasons.length === 0 ? {} : { reason: reasons.join('; ') }),
    traceTemp: o.traceTemp,
  };
}
