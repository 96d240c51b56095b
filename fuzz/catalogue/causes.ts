/**
 * Failures grouped by cause, for people, the one grouping every output
 * uses (terminal, JSON, HTML, JUnit, annotations, step summary): a campaign
 * that finds one bug usually finds it in many cycles, and 28 copies of the
 * same failure hide a second, different one.
 *
 * A finding both models were asked about is grouped by the cause the
 * catalogue attributed (a registry id, or `unknown`), with its signature as
 * a sub-key. Any other failure (a generator crash, a checker timeout, an
 * implementation's protocol error) by its kind and message with the
 * numbers taken out (step numbers, seeds, counts differ per cycle).
 */
import type { FailureRecord } from '../store/store.js';
import { compareText } from '../store/text.js';

export interface CauseGroup {
  /** The registry id or `unknown` for a finding; the generalized failure otherwise. */
  readonly cause: string;
  /** Whether the cause is a known divergence; undefined for failures that are not findings. */
  readonly known: boolean | undefined;
  readonly count: number;
  /** The first failure with this cause, in campaign order. */
  readonly example: FailureRecord;
  readonly members: readonly FailureRecord[];
  /** Signatures of its findings with their counts, most frequent first (empty for other failures). */
  readonly signatures: readonly { readonly signature: string; readonly count: number }[];
}

const generalize = (text: string): string => text.replace(/\d+/g, 'N').replace(/\s+/g, ' ').trim();
const firstLine = (text: string): string => text.split('\n').find((l) => l.trim() !== '') ?? '';

/** What went wrong, in words, for a failure that is not a two-model finding. */
export function failureText(f: FailureRecord): string {
  if (f.replay_failure !== undefined) {
    const r = f.replay_failure;
    return `${r.kind === 'malformed' ? 'malformed trace' : 'replay mismatch'} at ${r.stage}${r.event ? ` (${r.event})` : ''}: ${generalize(r.message)}`;
  }
  if (f.failure_reason !== null) return generalize(f.failure_reason);
  if (f.cross_validate_returncode !== 0) return `generator exited ${f.cross_validate_returncode}: ${generalize(firstLine(f.cross_validate_stderr))}`;
  if (f.replayer_returncode !== 0) return `checker exited ${f.replayer_returncode}: ${generalize(firstLine(f.replayer_stderr))}`;
  return 'unknown failure';
}

/** The group a failure belongs to: its finding's cause, else its failure text. */
export function failureCause(f: FailureRecord): string {
  return f.divergence !== undefined ? f.divergence.cause : failureText(f);
}

/** A failure whose only problem is a known divergence (what `--allow-known` accepts). */
export function isKnownDivergence(f: FailureRecord): boolean {
  return f.divergence?.known === true;
}

/** `--allow-known` for a whole report: every failed cycle has its record, and each is a known divergence. */
export function onlyKnownFailures(report: { readonly cycles: { readonly failed: number }; readonly unrecorded_failures?: number; readonly failures: readonly FailureRecord[] }): boolean {
  return (report.unrecorded_failures ?? 0) === 0 && report.failures.length === report.cycles.failed && report.failures.every(isKnownDivergence);
}

function signatureCounts(members: readonly FailureRecord[]): { signature: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const f of members) if (f.divergence !== undefined) counts.set(f.divergence.signature, (counts.get(f.divergence.signature) ?? 0) + 1);
  return [...counts].map(([signature, count]) => ({ signature, count })).sort((a, b) => b.count - a.count || compareText(a.signature, b.signature));
}

/** Groups: failures that are not known divergences first, then by size (largest first), ties in campaign order. */
export function groupFailures(failures: readonly FailureRecord[]): CauseGroup[] {
  const byCause = new Map<string, FailureRecord[]>();
  const ordered = [...failures].sort((a, b) => a.config.cycle - b.config.cycle);
  for (const f of ordered) {
    const key = `${f.divergence === undefined ? 'failure' : 'finding'}\u0000${failureCause(f)}`;
    const list = byCause.get(key);
    if (list === undefined) byCause.set(key, [f]);
    else list.push(f);
  }
  return [...byCause.values()]
    .map((members) => {
      const head = members[0]!;
      return { cause: failureCause(head), known: head.divergence?.known, count: members.length, example: head, members, signatures: signatureCounts(members) };
    })
    .sort((a, b) => Number(a.known === true) - Number(b.known === true) || b.count - a.count || a.example.config.cycle - b.example.config.cycle);
}
