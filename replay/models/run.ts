/** Runs a whole trace stream through a checker. */
import { Readable } from 'node:stream';
import type { ReplayOptions, ReplayStats } from '../check/checker.js';
import { createChecker } from './both-checker.js';
import type { ModelChoice } from './model.js';
import { malformed } from '../verdict/failure.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, LineTooLongError, splitStream } from '../input/line-reader.js';
import { replayBothParallel } from './parallel-both.js';

export interface StreamOptions extends ReplayOptions {
  readonly maxLineBytes?: number;
  /** Which model replays the trace; the library default is `cpp`, the CLI's is `lean`. */
  readonly model?: ModelChoice;
  /** Under `both`: a heap limit for the Lean checker thread, in MB (default: Node's). */
  readonly leanHeapMb?: number;
  /** Under `both`: an input that ends within this many bytes is checked on one thread (default ONE_THREAD_MAX_BYTES; 0: always two). */
  readonly oneThreadMaxBytes?: number;
}

/**
 * Under `both`, an input no bigger than this is checked on this thread
 * alone. Starting the Lean thread costs about 80 ms of CPU on Node 20, more
 * than checking a quarter of a megabyte with both models here; the
 * verdict is the same either way (test/replay/models/parallel-both.test.ts).
 */
export const ONE_THREAD_MAX_BYTES = 256 * 1024;

/** Resolves with stats, rejects with `ReplayFailure` (or an I/O error from the stream). */
export async function replayStream(stream: Readable, options: StreamOptions = {}): Promise<ReplayStats> {
  // Two models, two threads: the same verdict as one BothChecker, in about the time of the slower model.
  if (options.model === 'both') return replayBoth(stream, options);
  return replayOnThisThread(stream, options);
}

async function replayOnThisThread(stream: Readable, options: StreamOptions): Promise<ReplayStats> {
  const checker = createChecker(options.model ?? 'cpp', options.mode === undefined ? {} : { mode: options.mode });
  const splitter = new LineSplitter((bytes, lineNo, terminated) => checker.feedLine(bytes, lineNo, terminated), options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  try {
    await splitStream(stream, splitter);
  } catch (err) {
    if (err instanceof LineTooLongError) throw malformed(err.lineNo, `line longer than the ${err.limit}-byte limit (--max-line-bytes)`);
    throw err;
  }
  return checker.finish();
}

/** `both`: on this thread when the whole input fits in ONE_THREAD_MAX_BYTES, else on two. */
async function replayBoth(stream: Readable, options: StreamOptions): Promise<ReplayStats> {
  const max = options.oneThreadMaxBytes ?? ONE_THREAD_MAX_BYTES;
  let input = stream;
  if (max > 0) {
    const head = await readHead(stream, max);
    if (head.rest === undefined) return replayOnThisThread(Readable.from(head.chunks, { objectMode: false }), options);
    input = Readable.from(concat(head.chunks, head.rest), { objectMode: false });
  }
  const { mode, maxLineBytes, leanHeapMb } = options;
  return replayBothParallel(input, { ...(mode === undefined ? {} : { mode }), ...(maxLineBytes === undefined ? {} : { maxLineBytes }), ...(leanHeapMb === undefined ? {} : { leanHeapMb }) });
}

/** The stream's first chunks, until they hold more than `max` bytes; `rest` reads on from there, undefined when the stream ended first. */
async function readHead(stream: Readable, max: number): Promise<{ chunks: Buffer[]; rest: AsyncIterator<Buffer> | undefined }> {
  const chunks: Buffer[] = [];
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  for (let bytes = 0; bytes <= max; ) {
    const next = await it.next();
    if (next.done === true) return { chunks, rest: undefined };
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    chunks.push(chunk);
    bytes += chunk.length;
  }
  return { chunks, rest: it as AsyncIterator<Buffer> };
}

async function* concat(head: readonly Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield* head;
  for (let next = await rest.next(); next.done !== true; next = await rest.next()) yield next.value;
}

/** Checks a trace held in memory (tests, the fuzz driver). */
export function replayText(text: string | Uint8Array, options: StreamOptions = {}): ReplayStats {
  const checker = createChecker(options.model ?? 'cpp', options.mode === undefined ? {} : { mode: options.mode });
  const splitter = new LineSplitter((bytes, lineNo, terminated) => checker.feedLine(bytes, lineNo, terminated), options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  try {
    splitter.push(typeof text === 'string' ? Buffer.from(text) : Buffer.from(text.buffer, text.byteOffset, text.byteLength));
    splitter.end();
  } catch (err) {
    if (err instanceof LineTooLongError) throw malformed(err.lineNo, `line longer than the ${err.limit}-byte limit (--max-line-bytes)`);
    throw err;
  }
  return checker.finish();
}
