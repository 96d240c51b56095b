/**
 * One model checking a stream of chunks until it stops, with where it
 * stopped as data: the unit that `--model both` on two threads
 * (parallel-both.ts) and pipelined fuzz cycles (fuzz/cycle/pipeline.ts) run on
 * each thread.
 */
import type { ReplayStats } from '../check/checker.js';
import { ReplayFailure, type FailureReport, type ReplayProgress } from '../verdict/failure.js';
import { LineSplitter, LineTooLongError } from '../input/line-reader.js';
import { MODELS, type ModelName } from './model.js';
import type { CompareMode } from '../compare/project.js';

/** Where a model stopped: at a line it rejected, at an over-long line, at the end (rejected or passed). */
export type ModelEnd =
  | { readonly kind: 'failed'; readonly line: number; readonly report: FailureReport; readonly progress: ReplayProgress }
  | { readonly kind: 'too-long'; readonly line: number; readonly limit: number }
  | { readonly kind: 'end-failed'; readonly report: FailureReport; readonly progress: ReplayProgress }
  | { readonly kind: 'passed'; readonly stats: ReplayStats }
  /** Accepted every line up to `line` and was asked no further. */
  | { readonly kind: 'clear'; readonly line: number };

/**
 * One model's run over the lines, on whichever thread: feed it chunks, tell
 * it where another model stopped (`enough`), end it. `ended` is called once,
 * with where it stopped; `observe`, when given, sees every line the model is
 * fed, before the model does.
 */
export class ModelRun {
  private readonly checker;
  private readonly splitter: LineSplitter;
  private lines = 0;
  private limit = Infinity;
  private result: ModelEnd | undefined;

  constructor(
    model: ModelName,
    mode: CompareMode | undefined,
    maxLineBytes: number,
    private readonly ended: (end: ModelEnd) => void,
    observe?: (line: Uint8Array) => void,
  ) {
    this.checker = MODELS[model].createChecker(mode === undefined ? {} : { mode });
    this.splitter = new LineSplitter((bytes, lineNo, terminated) => {
      if (this.result !== undefined) return;
      observe?.(bytes);
      try {
        this.checker.feedLine(bytes, lineNo, terminated);
      } catch (err) {
        if (!(err instanceof ReplayFailure)) throw err;
        return this.end({ kind: 'failed', line: lineNo, report: err.report, progress: err.progress });
      }
      this.lines = lineNo;
      if (lineNo >= this.limit) this.end({ kind: 'clear', line: lineNo });
    }, maxLineBytes);
  }

  get done(): boolean {
    return this.result !== undefined;
  }

  /** Lines checked and accepted so far. */
  get accepted(): number {
    return this.lines;
  }

  private end(end: ModelEnd): void {
    if (this.result !== undefined) return;
    this.result = end;
    this.ended(end);
  }

  chunk(bytes: Buffer): void {
    if (this.result !== undefined) return;
    try {
      this.splitter.push(bytes);
    } catch (err) {
      if (!(err instanceof LineTooLongError)) throw err;
      this.end({ kind: 'too-long', line: err.lineNo, limit: err.limit });
    }
  }

  /** Nothing past `line` matters any more (the other model stopped there). */
  enough(line: number): void {
    this.limit = Math.min(this.limit, line);
    if (this.result === undefined && this.lines >= this.limit) this.end({ kind: 'clear', line: this.lines });
  }

  eof(): void {
    if (this.result !== undefined) return;
    try {
      this.splitter.end();
    } catch (err) {
      if (!(err instanceof LineTooLongError)) throw err;
      return this.end({ kind: 'too-long', line: err.lineNo, limit: err.limit });
    }
    if (this.result !== undefined) return;
    try {
      this.end({ kind: 'passed', stats: this.checker.finish() });
    } catch (err) {
      if (!(err instanceof ReplayFailure)) throw err;
      this.end({ kind: 'end-failed', report: err.report, progress: err.progress });
    }
  }
}
