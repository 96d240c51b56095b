/**
 * The first step at which the two models disagree on a list of events, as
 * `--model both` reports it for their C++ trace. The events are stepped in
 * lockstep (replay/models/lockstep.ts) rather than written and read back,
 * and a run can start from a pair of states an earlier run reached, which
 * is what makes one replay per repair cheap. An event whose text the C++
 * decoder reads as another event makes the written trace the judge.
 */
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, ReplayFailure } from '../../replay/index.js';
import { createChecker } from '../../replay/models/both-checker.js';
import { LockstepChecker, ROOT, UnfaithfulEvent, type PairState } from '../../replay/models/lockstep.js';
import { ByteWriter, renderWireEvents, type WireEvent } from '../../tracegen/index.js';
import { findingOf, type ComparisonLike } from './catalogue.js';

/** The first divergence of an event list, as both models see its C++ rendering. */
export interface FirstDivergence {
  readonly comparison: ComparisonLike & { readonly step?: number; readonly line: number };
  readonly step: number;
  readonly fromState: string;
  readonly fields: readonly string[];
}

/**
 * The first divergence of `events`; undefined when the models agree.
 * `states`, when given, receives the pair of states before each event
 * stepped in lockstep (none when the written trace had to judge).
 */
export function firstDivergence(events: readonly WireEvent[], seed: bigint, states?: PairState[]): FirstDivergence | undefined {
  return firstDivergenceFrom(events, seed, 0, ROOT, states);
}

/** The same, from `state`, reached by `events[0..start)`. */
export function firstDivergenceFrom(events: readonly WireEvent[], seed: bigint, start: number, state: PairState, states?: PairState[]): FirstDivergence | undefined {
  try {
    return inLockstep(events, start, state, states);
  } catch (err) {
    if (!(err instanceof UnfaithfulEvent)) throw err;
    if (states !== undefined) states.length = 0;
    return firstDivergenceOfTrace(events, seed);
  }
}

function inLockstep(events: readonly WireEvent[], start: number, from: PairState, states: PairState[] | undefined): FirstDivergence | undefined {
  const checker = new LockstepChecker();
  let state = from;
  for (let i = start; i < events.length; i++) {
    states?.push(state);
    const outcome = checker.check(state, events[i]!);
    if (outcome.kind === 'ok') {
      state = outcome.next;
      continue;
    }
    const c = outcome.failure.report.comparison;
    if (c === undefined || c.step === undefined) return undefined;
    return { comparison: c, step: c.step, fromState: outcome.step.from, fields: findingOf(c, []).fields };
  }
  return undefined;
}

const FROM_STATE = /"from_state":"(\w+)"/;

/**
 * The same, read off the C++ rendering of `events` checked by both models
 * line by line as it is rendered (rendering stops soon after the first
 * divergence).
 */
export function firstDivergenceOfTrace(events: readonly WireEvent[], seed: bigint): FirstDivergence | undefined {
  const checker = createChecker('both');
  let failingLine = '';
  const splitter = new LineSplitter((bytes, lineNo, terminated) => {
    try {
      checker.feedLine(bytes, lineNo, terminated);
    } catch (err) {
      failingLine = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 200)).toString('latin1');
      throw err;
    }
  }, DEFAULT_MAX_LINE_BYTES);
  const w = new ByteWriter(1 << 14, (chunk) => splitter.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
  try {
    renderWireEvents(events, seed, w);
    w.flush();
    splitter.end();
    checker.finish();
    return undefined;
  } catch (err) {
    if (!(err instanceof ReplayFailure)) throw err;
    const c = err.report.comparison;
    if (c === undefined || c.step === undefined) return undefined;
    return { comparison: c, step: c.step, fromState: FROM_STATE.exec(failingLine)?.[1] ?? '?', fields: findingOf(c, []).fields };
  }
}
