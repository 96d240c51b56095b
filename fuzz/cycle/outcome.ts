/** What one fuzz cycle produced. */
import type { FailureReport } from '../../replay/index.js';
import type { CycleConfig } from '../plan/campaign.js';
import type { CapturedStream } from './capture.js';
import type { Coverage } from './coverage.js';

export interface CycleOutcome {
  readonly config: CycleConfig;
  readonly ok: boolean;
  /** Trace steps seen (for events/s). */
  readonly events: number;
  /** What the cycle's trace exercised, up to where checking stopped. */
  readonly coverage?: Coverage;
  readonly generatorExit: number | null;
  readonly replayerExit: number | null;
  readonly generatorStderr: string;
  readonly replayerStderr: string;
  /** Why the cycle failed beyond the exit codes (invariant, timeout, crash). */
  readonly reason?: string;
  /** Set when an in-process cycle ended without any verdict (timed out, or its worker crashed): nothing to triage. */
  readonly lost?: 'timeout' | 'crash';
  /** The `ill_formed` tags of the failing step's event (explore traces). */
  readonly illFormed?: readonly string[];
  /** The in-process checker's structured report, when it failed. */
  readonly replayFailure?: FailureReport;
  /** A fully written (not yet durable) temporary file holding the trace. */
  readonly traceTemp?: string;
  /** Why there is no trace to keep (a full disk while capturing it). */
  readonly traceError?: string;
  /** External processes' stderr, whole, when it is more than the index shows. */
  readonly captures?: { readonly generator: CapturedStream; readonly replayer: CapturedStream };
  /** With `--impl`: how the implementation under test ended, and the event stream it was fed. */
  readonly implementation?: ImplementationEnd;
}

export interface ImplementationEnd {
  readonly exit: number | null;
  readonly stderr: string;
  readonly capture?: CapturedStream;
  /** A fully written temporary file holding the cycle's event stream. */
  readonly eventsTemp?: string;
}

/** Where in a trace line the producer says the image invariant broke. */
export interface InvariantBreak {
  readonly step: number | undefined;
  readonly event: string | undefined;
}

const AFTER_CHECKS = Buffer.from('"after_checks"');

/**
 * Upstream's `--require-cpp-image-invariant` test on one line: does this
 * step report `after_checks.image_invariant = false`?
 */
export function invariantBreak(line: Uint8Array): InvariantBreak | undefined {
  const buf = Buffer.from(line.buffer, line.byteOffset, line.byteLength);
  // From the end, where a step line has it (coverage.ts looks the same way).
  const at = buf.lastIndexOf(AFTER_CHECKS);
  if (at < 0) return undefined;
  const checks = buf.subarray(at, Math.min(buf.length, at + 160)).toString('latin1');
  if (!/^"after_checks"\s*:\s*\{[^}]*"image_invariant"\s*:\s*false/.test(checks)) return undefined;
  const head = buf.subarray(0, Math.min(buf.length, 200)).toString('latin1');
  const step = /"step"\s*:\s*(\d+)/.exec(head)?.[1];
  const event = /"event"\s*:\s*\{\s*"type"\s*:\s*"(\w+)"/.exec(buf.toString('latin1'))?.[1];
  return { step: step === undefined ? undefined : Number(step), event };
}

export function invariantReason(b: InvariantBreak): string {
  return `cpp image invariant failed at step=${b.step ?? '?'} event=${b.event ?? '?'}`;
}

const ILL_FORMED = /"ill_formed"\s*:\s*\[([^\]]*)\]/;

/** The `ill_formed` tags of a step line's event (explore traces), or none. */
export function illFormedTags(line: Uint8Array | string): string[] {
  const text = typeof line === 'string' ? line : Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString('latin1');
  const end = text.indexOf('"before"');
  const m = ILL_FORMED.exec(end < 0 ? text : text.slice(0, end));
  return m === null ? [] : [...m[1]!.matchAll(/"([\w-]+)"/g)].map((x) => x[1]!);
}
