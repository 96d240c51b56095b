/**
 * `replay-fuzz rerun DIR`: every failure recorded in DIR/failures.json run
 * again with today's tools (after a fix, say): same profile, seed and
 * event count, checked by the checker given now (default: ours,
 * in-process). A failure that came from a broken image invariant is
 * rechecked for it too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompareMode } from '../../replay/index.js';
import type { Profile } from '../../tracegen/index.js';
import type { CycleConfig } from '../plan/campaign.js';
import { failureCause } from '../catalogue/causes.js';
import type { ChildGroups } from '../cycle/child.js';
import type { Command } from '../plan/command.js';
import { runExternalCycle } from '../cycle/external.js';
import { runInProcessCycle } from '../cycle/inprocess.js';
import { DEFAULT_GENERATOR, DEFAULT_REPLAYER } from './runner.js';
import { exactFailureRecord, INDEX_NAME, readJsonFile, type FailureRecord } from '../store/store.js';

export interface RerunSettings {
  readonly dir: string;
  readonly generator?: Command;
  readonly replayer?: Command;
  readonly requireInvariant: boolean;
  readonly mode: CompareMode;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly groups: ChildGroups;
}

export interface RerunVerdict {
  readonly record: FailureRecord;
  readonly stillFails: boolean;
  /** Why it still fails, in the grouping's words. */
  readonly cause?: string;
}

export function readFailureIndex(dir: string): FailureRecord[] {
  const path = join(dir, INDEX_NAME);
  const value = readJsonFile(path, 'the failure index');
  if (!Array.isArray(value)) throw new Error(`${path} is not a failure list`);
  return value.map((r, i) => exactFailureRecord(r, `${path}: [${i}]`));
}

/** One check per distinct cycle configuration, in campaign order. */
function distinct(records: readonly FailureRecord[]): FailureRecord[] {
  const seen = new Set<string>();
  return records.filter((r) => {
    const key = `${r.config.profile}/${r.config.seed}/${r.config.event}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export async function rerunFailures(s: RerunSettings, onVerdict: (v: RerunVerdict) => void): Promise<RerunVerdict[]> {
  const records = distinct(readFailureIndex(s.dir));
  const external = s.generator !== undefined || s.replayer !== undefined;
  const scratch = mkdtempSync(join(tmpdir(), 'replay-fuzz-rerun-'));
  const verdicts: RerunVerdict[] = [];
  try {
    for (const [i, record] of records.entries()) {
      if (s.signal.aborted) break;
      const config: CycleConfig = { cycle: record.config.cycle, profile: record.config.profile as Profile, seed: record.config.seed, events: record.config.event };
      const requireInvariant = s.requireInvariant || /image invariant/.test(record.failure_reason ?? '');
      const outcome = external
        ? await runExternalCycle(config, {
            generator: s.generator ?? DEFAULT_GENERATOR,
            replayer: s.replayer ?? DEFAULT_REPLAYER,
            requireInvariant,
            timeoutMs: s.timeoutMs,
            traceTemp: join(scratch, `rerun-${i}.jsonl`),
            signal: s.signal,
            groups: s.groups,
          })
        : runInProcessCycle(config, { requireInvariant, mode: s.mode });
      const verdict: RerunVerdict = outcome.ok
        ? { record, stillFails: false }
        : {
            record,
            stillFails: true,
            cause: failureCause({
              ...record,
              cross_validate_returncode: outcome.generatorExit,
              replayer_returncode: outcome.replayerExit,
              cross_validate_stderr: outcome.generatorStderr,
              replayer_stderr: outcome.replayerStderr,
              failure_reason: outcome.reason ?? null,
              ...(outcome.replayFailure === undefined ? { replay_failure: undefined } : { replay_failure: outcome.replayFailure }),
            } as FailureRecord),
          };
      verdicts.push(verdict);
      onVerdict(verdict);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return verdicts;
}
