/** Timing helpers for the benchmarks: interleaved repeated runs, robust summaries. */
import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';

export interface Sample {
  readonly ms: number;
}

export interface Summary {
  readonly min: number;
  readonly median: number;
  readonly runs: number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0] ?? NaN, median: sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN, runs: sorted.length };
}

/**
 * Runs a command with stdout to a file (default /dev/null: counting bytes
 * through a pipe would add work to the measured run); returns wall time.
 */
export async function timeCommand(command: string, args: readonly string[], stdoutFile = '/dev/null'): Promise<Sample & { stdout: string }> {
  const out = await open(stdoutFile, 'w');
  const chunks: Buffer[] = [];
  try {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', out.fd, 'pipe'] });
    child.stderr!.on('data', (d: Buffer) => chunks.push(d));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', resolve);
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}: ${Buffer.concat(chunks).toString()}`);
    return { ms, stdout: Buffer.concat(chunks).toString() };
  } finally {
    await out.close();
  }
}

/** Runs each command `rounds` times, interleaved so load spikes hit all alike. */
export async function interleave(
  rounds: number,
  commands: readonly { name: string; run: () => Promise<Sample> }[],
): Promise<Map<string, Sample[]>> {
  const results = new Map<string, Sample[]>(commands.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of commands) results.get(c.name)!.push(await c.run());
  }
  return results;
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
