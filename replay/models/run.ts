/** Runs a whole trace stream through a checker. */
import type { Readable } from 'node:stream';
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
}

/** Resolves with stats, rejects with `ReplayFailure` (or an I/O error from the stream). */
export async function replayStream(stream: Readable, options: StreamOptions = {}): Promise<ReplayStats> {
  // Two models, two threads: the same verdict as one BothChecker, in about the time of the slower model.
  if (options.model === 'both') {
    const { mode, maxLineBytes, leanHeapMb } = options;
    return replayBothParallel(stream, { ...(mode === undefined ? {} : { mode }), ...(maxLineBytes === undefined ? {} : { maxLineBytes }), ...(leanHeapMb === undefined ? {} : { leanHeapMb }) });
  }
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
