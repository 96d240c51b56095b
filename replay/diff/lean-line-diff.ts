/**
 * Two trace lines compared the way the Lean checker would see them (for
 * `peering-trace-diff --model lean`): parsed with Lean's readers, snapshots
 * normalised, effects as a multiset. Lines Lean skips compare equal.
 */
import { normalizeSnapshot, parseReplayLine, ReplayParseError, sameEffectMultiset, valueKey, type ReplayLine } from '../../lean/Replay.js';
import type { DiffEntry } from '../compare/diff.js';
import { malformed } from '../verdict/failure.js';
import { diffModelValues } from '../compare/lean-diff.js';

export function parseLeanLine(text: string, lineNo: number, side: string): ReplayLine | null {
  try {
    return parseReplayLine(text);
  } catch (err) {
    if (err instanceof ReplayParseError) throw malformed(lineNo, `trace ${side}: rejected by the Lean parser: ${err.message}`);
    throw err;
  }
}

export function diffLeanLines(a: ReplayLine | null, b: ReplayLine | null): DiffEntry[] {
  const out: DiffEntry[] = [];
  if (a === null || b === null || a.kind !== 'step' || b.kind !== 'step') return diffModelValues('', a, b, out);
  const x = a.line;
  const y = b.line;
  diffModelValues('step', x.step, y.step, out);
  diffModelValues('from_state', x.fromState, y.fromState, out);
  diffModelValues('to_state', x.toState, y.toState, out);
  diffModelValues('event', x.event, y.event, out);
  diffModelValues('before', normalizeSnapshot(x.before), normalizeSnapshot(y.before), out);
  diffModelValues('before_checks', x.beforeChecks, y.beforeChecks, out);
  diffModelValues('after', normalizeSnapshot(x.after), normalizeSnapshot(y.after), out);
  diffModelValues('after_checks', x.afterChecks, y.afterChecks, out);
  if (!sameEffectMultiset(x.effects, y.effects)) {
    const sorted = (fx: typeof x.effects) => [...fx].sort((p, q) => (valueKey(p) < valueKey(q) ? -1 : valueKey(p) > valueKey(q) ? 1 : 0));
    diffModelValues('effects', sorted(x.effects), sorted(y.effects), out);
  }
  return out;
}
