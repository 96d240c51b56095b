/**
 * V8 tuning for our short, JIT-bound runs (a trace, a fuzz campaign, a
 * replay): they spend more CPU in TurboFan's background compiles than in
 * running the code. A smaller inlining budget per compile makes each compile
 * several times cheaper, so optimized code arrives sooner and fuzz workers
 * stop competing with each other for the compiler; steady-state speed barely
 * changes. Measured figures are in docs/performance.md.
 *
 * Flags are process-wide and only read when a function is optimized, so bins
 * call this first thing, before any code is hot.
 */
import { setFlagsFromString } from 'node:v8';

/** V8's default is 920 bytes of inlined bytecode per optimized function. */
const INLINE_BUDGET_BYTES = 200;

export function tuneV8ForShortRuns(): void {
  setFlagsFromString(`--max-inlined-bytecode-size-cumulative=${INLINE_BUDGET_BYTES}`);
}
