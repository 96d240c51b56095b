/**
 * `--model both` on two threads against BothChecker on one: the same verdict
 * to the byte for a trace cut into chunks of several sizes. The traces:
 * passing ones, each of a set of one-line mutations, the divergence
 * fixtures. Shared by test/replay/models/parallel-both.test.ts (a sample)
 * and test/long/parallel-both.test.ts (every mutation and chunk size).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ReplayFailure, replayText, type ReplayStats } from '../../../replay/index.js';
import { replayStream } from '../../../replay/models/run.js';
import { traceText } from '../../../tracegen/index.js';
import { fixture } from '../../helpers.js';

/** The chunk sizes a stream is cut into: one chunk, page-sized, and odd small ones. */
export const CHUNK_SIZES = [1 << 20, 4096, 97] as const;

export type Verdict = { ok: true; stats: ReplayStats } | { ok: false; report: unknown; progress: unknown; kind: string };

export function settle(run: () => ReplayStats): Verdict;
export function settle(run: () => Promise<ReplayStats>): Promise<Verdict>;
export function settle(run: () => ReplayStats | Promise<ReplayStats>): Verdict | Promise<Verdict> {
  const fail = (err: unknown): Verdict => {
    if (!(err instanceof ReplayFailure)) throw err;
    return { ok: false, report: err.report, progress: err.progress, kind: err.report.kind };
  };
  try {
    const r = run();
    if (r instanceof Promise) return r.then((stats) => ({ ok: true, stats }) as Verdict, fail);
    return { ok: true, stats: r };
  } catch (err) {
    return fail(err);
  }
}

/** The text as a stream cut into `size`-byte chunks. */
export function chunked(text: string, size: number): Readable {
  const bytes = Buffer.from(text);
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts, { objectMode: false });
}

/** The verdict of one thread, asserted equal to that of two threads (small inputs too: `oneThreadMaxBytes` 0) at each chunk size. */
export async function sameVerdict(text: string, what: string, maxLineBytes?: number, sizes: readonly number[] = CHUNK_SIZES): Promise<Verdict> {
  const options = { model: 'both' as const, ...(maxLineBytes === undefined ? {} : { maxLineBytes }) };
  const one = settle(() => replayText(text, options));
  for (const size of sizes) {
    const two = await settle(() => replayStream(chunked(text, size), { ...options, oneThreadMaxBytes: 0 }));
    assert.deepEqual(two, one, `${what} (chunks of ${size})`);
  }
  return one;
}

export function mutateLine(text: string, index: number, mutate: (line: string) => string): string {
  const lines = text.split('\n');
  lines[index] = mutate(lines[index]!);
  return lines.join('\n');
}

/** One-line mutations: a value, a flag, an order, a number's form, a kind, a cut, an acting set. */
export const MUTATIONS: readonly ((line: string) => string)[] = [
  (l) => l.replace(/"committed_seq":(\d+)/, (_m, d: string) => `"committed_seq":${Number(d) + 1}`),
  (l) => l.replace('"image_invariant":true', '"image_invariant":false'),
  (l) => l.replace(/"peers_queried":\[(\d+),(\d+)\]/, '"peers_queried":[$2,$1]'),
  (l) => l.replace(/"epoch":(\d+)/, '"epoch":$1.0'),
  (l) => l.replace('"kind":"step"', '"kind":"stp"'),
  (l) => l.slice(0, 40),
  (l) => l.replace(/"acting":\{"osds":\[(\d+),(\d+)/, '"acting":{"osds":[$2,$1'),
];

export interface Mutated {
  readonly what: string;
  readonly text: string;
  /** Which mutation, for spreading chunk sizes over them. */
  readonly kind: number;
}

/** Each mutation applied to one line of the traces of seeds 1..`seeds` (lean-core and full alternate). */
export function mutatedTraces(seeds: number): Mutated[] {
  const out: Mutated[] = [];
  for (let seed = 1n; seed <= BigInt(seeds); seed++) {
    const text = traceText({ seed, events: 40, profile: seed % 2n === 0n ? 'full' : 'lean-core' });
    const steps = text.split('\n').length - 2;
    for (const [k, mutate] of MUTATIONS.entries()) {
      const index = Number((seed * 13n + BigInt(k)) % BigInt(steps));
      out.push({ what: `seed ${seed} mutation ${k} line ${index + 1}`, text: mutateLine(text, index, mutate), kind: k });
    }
  }
  return out;
}

/** The divergence fixtures, by folder and file. */
export function fixtureTraces(): { what: string; text: string }[] {
  const root = fixture('divergences');
  return readdirSync(root)
    .sort()
    .flatMap((name) =>
      readdirSync(join(root, name))
        .filter((f) => f.endsWith('.jsonl'))
        .sort()
        .map((file) => ({ what: `${name}/${file}`, text: readFileSync(join(root, name, file), 'utf8') })),
    );
}
