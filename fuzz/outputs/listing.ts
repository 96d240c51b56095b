/**
 * The end-of-run failure listing on stdout: one block per cause (the
 * grouping of catalogue/causes.ts) with its count, whether it is a known
 * divergence, its signatures, and one fully described example (reproduce
 * command, trace, checker output), then the other cycles of that cause one
 * line each, capped; the complete list is in failures.json. Tools' output
 * is echoed here, so the listing is passed through neutralizeCommands: no
 * line of it can be read as a CI workflow command.
 */
import { basename, join } from 'node:path';
import { groupFailures, type CauseGroup } from '../catalogue/causes.js';
import type { FailureRecord } from '../store/store.js';
import { neutralizeCommands } from './escape.js';

/** Other cycles listed per cause before "... and N more". */
const MORE_PER_CAUSE = 5;
const STDERR_LINES = 12;

function cycleLine(f: FailureRecord): string {
  return `cycle=${f.config.cycle} seed=${f.config.seed} event=${f.config.event} profile=${f.config.profile}`;
}

function exampleLines(f: FailureRecord): string[] {
  const implRc = f.implementation_returncode === undefined ? '' : ` implementation_rc=${f.implementation_returncode}`;
  const out = [`    example: ${cycleLine(f)} cross_validate_rc=${f.cross_validate_returncode}${implRc} replayer_rc=${f.replayer_returncode}`];
  if (f.trace_path !== null) out.push(`    trace: ${f.trace_path}`);
  if (f.events_path !== undefined) out.push(`    events: ${f.events_path}`);
  if (f.minimized !== undefined) {
    out.push('error' in f.minimized ? `    minimize: ${f.minimized.error}` : `    minimized: ${f.minimized.events} of ${f.minimized.original_events} events${f.minimized.trace_path ? ` (${basename(f.minimized.trace_path)})` : ''}`);
    if (!('error' in f.minimized) && f.minimized.reproduce !== undefined) out.push(`    reproduce minimized: ${f.minimized.reproduce}`);
  }
  if (f.failure_reason !== null) out.push(`    reason: ${f.failure_reason}`);
  out.push(`    reproduce: ${f.reproduce}`);
  for (const [label, text] of [
    ['cross_validate stderr', f.cross_validate_stderr],
    ['implementation stderr', f.implementation_stderr ?? ''],
    ['replayer stderr', f.replayer_stderr],
  ] as const) {
    if (text.trim() === '') continue;
    const lines = text.trim().split('\n');
    out.push(`    ${label}:`);
    for (const l of lines.slice(0, STDERR_LINES)) out.push(`      ${l}`);
    if (lines.length > STDERR_LINES) out.push(`      ... ${lines.length - STDERR_LINES} more line(s)`);
  }
  return out;
}

/** How a finding's group stands (` (known divergence)`, ` (NEW: ...)`); nothing for a failure that is not a finding. */
export function groupStanding(g: CauseGroup): string {
  return g.known === true ? ' (known divergence)' : g.known === false ? ' (NEW: not a known divergence)' : '';
}

export function groupedFailureListing(failures: readonly FailureRecord[], saveDir: string | undefined): string {
  const groups = groupFailures(failures);
  const findings = groups.filter((g) => g.known !== undefined);
  const known = findings.filter((g) => g.known === true).length;
  const out = ['', `Failures: ${failures.length} cycle(s), ${groups.length} cause(s)${findings.length === 0 ? '' : `, ${known} of them known divergences`}`];
  groups.forEach((g, i) => {
    out.push(`[${i + 1}] ${g.count} x ${g.cause}${groupStanding(g)}`);
    for (const s of g.signatures) out.push(`    ${String(s.count).padStart(5)} x ${s.signature}`);
    out.push(...exampleLines(g.example));
    const others = g.members.slice(1);
    for (const f of others.slice(0, MORE_PER_CAUSE)) out.push(`    also: ${cycleLine(f)}${f.trace_path === null ? '' : ` trace: ${f.trace_path}`}`);
    if (others.length > MORE_PER_CAUSE) out.push(`    ... and ${others.length - MORE_PER_CAUSE} more with this cause${saveDir === undefined ? '' : ' (see failures.json)'}`);
  });
  if (saveDir !== undefined) out.push(`failure summary: ${join(saveDir, 'failures.json')}`);
  return neutralizeCommands(out.join('\n') + '\n');
}
