/**
 * Failures grouped by cause, for people: a campaign that finds one bug
 * usually finds it in many cycles, and 28 copies of the same failure hide a
 * second, different one. A cause is the failure's kind and message with
 * the numbers taken out (step numbers, seeds, counts differ per cycle).
 */
import type { FailureRecord } from '../store/store.js';

export interface CauseGroup {
  readonly cause: string;
  readonly count: number;
  /** The first failure with this cause, in campaign order. */
  readonly example: FailureRecord;
  readonly members: readonly FailureRecord[];
}

const generalize = (text: string): string => text.replace(/\d+/g, 'N').replace(/\s+/g, ' ').trim();
const firstLine = (text: string): string => text.split('\n').find((l) => l.trim() !== '') ?? '';

export function failureCause(f: FailureRecord): string {
  if (f.replay_failure !== undefined) {
    const r = f.replay_failure;
    return `${r.kind === 'malformed' ? 'malformed trace' : 'replay mismatch'} at ${r.stage}${r.event ? ` (${r.event})` : ''}: ${generalize(r.message)}`;
  }
  if (f.failure_reason !== null) return generalize(f.failure_reason);
  if (f.cross_validate_returncode !== 0) return `generator exited ${f.cross_validate_returncode}: ${generalize(firstLine(f.cross_validate_stderr))}`;
  if (f.replayer_returncode !== 0) return `checker exited ${f.replayer_returncode}: ${generalize(firstLine(f.replayer_stderr))}`;
  return 'unknown failure';
}

/** Groups in order of size (largest first), ties in campaign order. */
export function groupFailures(failures: readonly FailureRecord[]): CauseGroup[] {
  const byCause = new Map<string, FailureRecord[]>();
  const ordered = [...failures].sort((a, b) => a.config.cycle - b.config.cycle);
  for (const f of ordered) {
    const cause = failureCause(f);
    const list = byCause.get(cause);
    if (list === undefined) byCause.set(cause, [f]);
    else list.push(f);
  }
  return [...byCause.entries()]
    .map(([cause, members]) => ({ cause, count: members.length, example: members[0]!, members }))
    .sort((a, b) => b.count - a.count || a.example.config.cycle - b.example.config.cycle);
}
