/**
 * `replay-fuzz rerun DIR`: every failure recorded in DIR/failures.json run
 * again exactly as it was produced and judged (after a fix, say): same
 * profile, seed and event count, same generator, implementation and checker
 * with their arguments, same model(s) and comparison, as the record's
 * `tools` say. `--model`, `--impl`, `--replayer` and `--cross-validate`
 * replace one of them. "Fixed" means the same checker now accepts the same
 * input; a record whose producer or checker cannot be run again is reported
 * as such, never as fixed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelChoice } from '../../replay/models/model.js';
import type { Profile } from '../../tracegen/index.js';
import type { CycleConfig } from '../plan/campaign.js';
import { failureText } from '../catalogue/causes.js';
import type { ChildGroups } from '../cycle/child.js';
import { runExternalCycle, SetupError } from '../cycle/external.js';
import { runImplCycle } from '../cycle/impl.js';
import { runInProcessCycle } from '../cycle/inprocess.js';
import type { CycleOutcome } from '../cycle/outcome.js';
import { showCommand, type Command } from '../plan/command.js';
import { INDEX_NAME, readJsonFile, type FailureRecord, type RecordedTools } from '../store/store.js';
import { checkedFailureRecord, usableCommand } from './rerun-record.js';
import { DEFAULT_GENERATOR, DEFAULT_REPLAYER } from './settings.js';

/** What the command line replaces of each record's tools. */
export interface RerunOverrides {
  readonly model?: ModelChoice;
  readonly strict?: boolean;
  readonly generator?: Command;
  readonly replayer?: Command;
  readonly impl?: Command;
}

export interface RerunSettings {
  readonly dir: string;
  readonly overrides: RerunOverrides;
  /** Also fail on a broken image invariant (always on for records that were one, or whose campaign asked). */
  readonly requireInvariant: boolean;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly groups: ChildGroups;
}

export type RerunVerdict =
  | { readonly kind: 'still-fails'; readonly record: FailureRecord; readonly checker: string; readonly cause: string }
  | { readonly kind: 'fixed'; readonly record: FailureRecord; readonly checker: string }
  | { readonly kind: 'cannot-rerun'; readonly record: FailureRecord; readonly why: string };

/** How one record runs again. */
type RerunPlan =
  | { readonly engine: 'in-process'; readonly model: ModelChoice; readonly strict: boolean }
  | { readonly engine: 'processes'; readonly generator: Command; readonly replayer: Command; readonly impl: Command | undefined };

/** The index, every record checked member by member; a bad one is an error naming the file and the record. */
export function readFailureIndex(dir: string): FailureRecord[] {
  const path = join(dir, INDEX_NAME);
  const value = readJsonFile(path, 'the failure index');
  if (!Array.isArray(value)) throw new Error(`${path} is not a failure list`);
  return value.map((r, i) => checkedFailureRecord(r, `${path}: record [${i}]`));
}

/** One rerun per distinct cycle and tools, in campaign order. */
function distinct(records: readonly FailureRecord[]): FailureRecord[] {
  const seen = new Set<string>();
  return records.filter((r) => {
    const key = `${r.config.profile}/${r.config.seed}/${r.config.event}/${JSON.stringify(r.tools ?? null)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const ours = (model: ModelChoice, strict: boolean): Command => ({ file: DEFAULT_REPLAYER.file, args: [...DEFAULT_REPLAYER.args, '--model', model, ...(strict ? ['--strict'] : [])] });

/** The record's tools with the overrides applied; a string says why it cannot run again. */
export function rerunPlan(record: FailureRecord, o: RerunOverrides): RerunPlan | string {
  const t: RecordedTools | undefined = record.tools;
  if (t === undefined && o.model === undefined && o.replayer === undefined && o.impl === undefined) {
    return 'the record does not say what judged it (written before records kept their tools); name a checker with --model, --replayer or --impl';
  }
  const model = o.model ?? (t?.model as ModelChoice | undefined) ?? 'both';
  const strict = o.strict ?? t?.compare === 'strict';
  // --model picks our checker; --replayer names another one.
  const replayer = o.replayer ?? (o.model !== undefined ? null : (t?.replayer ?? null));
  const generator = o.generator ?? t?.generator ?? null;
  const impl = o.impl ?? t?.implementation ?? null;
  for (const [label, c] of [['generator', generator], ['checker', replayer], ['implementation', impl]] as const) {
    const problem = c === null ? undefined : usableCommand(c);
    if (problem !== undefined) return `the recorded ${label} cannot run again: ${problem}`;
  }
  if (replayer === null && generator === null && impl === null && (t === undefined || t.engine === 'in-process' || o.model !== undefined)) return { engine: 'in-process', model, strict };
  return { engine: 'processes', generator: generator ?? DEFAULT_GENERATOR, replayer: replayer ?? ours(model, strict), impl: impl ?? undefined };
}

function describePlan(p: RerunPlan): string {
  if (p.engine === 'in-process') return `in-process, model ${p.model}${p.strict ? ', strict' : ''}`;
  return `${p.impl === undefined ? '' : `implementation ${showCommand(p.impl)}, `}checker ${showCommand(p.replayer)}`;
}

async function runPlan(p: RerunPlan, config: CycleConfig, requireInvariant: boolean, s: RerunSettings, traceTemp: string): Promise<CycleOutcome> {
  if (p.engine === 'in-process') return runInProcessCycle(config, { requireInvariant, mode: p.strict ? 'strict' : 'lean', model: p.model });
  const common = { generator: p.generator, replayer: p.replayer, requireInvariant, timeoutMs: s.timeoutMs, traceTemp, signal: s.signal, groups: s.groups };
  return p.impl === undefined ? runExternalCycle(config, common) : runImplCycle(config, { ...common, impl: p.impl });
}

async function rerunOne(record: FailureRecord, s: RerunSettings, scratch: string, i: number): Promise<RerunVerdict> {
  const plan = rerunPlan(record, s.overrides);
  if (typeof plan === 'string') return { kind: 'cannot-rerun', record, why: plan };
  const config: CycleConfig = { cycle: record.config.cycle, profile: record.config.profile as Profile, seed: record.config.seed, events: record.config.event };
  const requireInvariant = s.requireInvariant || (record.tools?.require_image_invariant ?? false) || /image invariant/.test(record.failure_reason ?? '');
  let outcome: CycleOutcome;
  try {
    outcome = await runPlan(plan, config, requireInvariant, s, join(scratch, `rerun-${i}.jsonl`));
  } catch (err) {
    if (!(err instanceof SetupError)) throw err;
    return { kind: 'cannot-rerun', record, why: err.message };
  }
  const checker = describePlan(plan);
  if (outcome.ok) return { kind: 'fixed', record, checker };
  const now = {
    ...record,
    cross_validate_returncode: outcome.generatorExit,
    replayer_returncode: outcome.replayerExit,
    cross_validate_stderr: outcome.generatorStderr,
    replayer_stderr: outcome.replayerStderr,
    failure_reason: outcome.reason ?? null,
    replay_failure: outcome.replayFailure,
  } as FailureRecord;
  const recorded = record.divergence === undefined ? '' : ` (recorded cause: ${record.divergence.cause}, ${record.divergence.signature})`;
  const cause = `${failureText(now)}${recorded}`;
  return { kind: 'still-fails', record, checker, cause };
}

export async function rerunFailures(s: RerunSettings, onVerdict: (v: RerunVerdict) => void): Promise<RerunVerdict[]> {
  const records = distinct(readFailureIndex(s.dir));
  const scratch = mkdtempSync(join(tmpdir(), 'replay-fuzz-rerun-'));
  const verdicts: RerunVerdict[] = [];
  try {
    for (const [i, record] of records.entries()) {
      if (s.signal.aborted) break;
      const verdict = await rerunOne(record, s, scratch, i);
      verdicts.push(verdict);
      onVerdict(verdict);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return verdicts;
}
