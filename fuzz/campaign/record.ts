/**
 * The record phase: counts each cycle, and makes each failure durable
 * before it is reported (trace committed, stderr and event stream kept
 * beside it, minimized when asked, catalogued, listed in the index). A crash
 * after a failure's line was printed loses nothing.
 */
import { rmSync } from 'node:fs';
import type { CycleOutcome } from '../cycle/outcome.js';
import { commitFile, writeFileDurably } from '../store/durable.js';
import { fileDigest, type CommandRecord, type FailureRecord, type RecordedTools } from '../store/store.js';
import { showCommand, type Command } from '../plan/command.js';
import type { FiledFinding } from '../catalogue/catalogue-run.js';
import { shrinkDivergence, shrinkFailure, shrinkImplFailure, type Shrunk } from './shrink.js';
import { reproduceCommand, traceBaseName } from './settings.js';
import type { CampaignState } from './state.js';

/** Counts a finished cycle; a failure is written (in order) before its line is printed. */
export async function recordOutcome(state: CampaignState, outcome: CycleOutcome): Promise<void> {
  const s = state.settings;
  const c = state.counters;
  const config = outcome.config;
  c.done++;
  c.events += outcome.events;
  if (outcome.coverage !== undefined) state.coverage.add(outcome.coverage);
  if (outcome.ok) {
    c.passed++;
    if (outcome.traceTemp !== undefined) rmSync(outcome.traceTemp, { force: true });
    if (s.progress === 'lines') s.out(`  ok [${config.cycle}/${s.plan.cycles}]\n`);
    return;
  }
  // Durable first, reported second: a crash after this line loses nothing.
  const recorded = state.persisting.then(() => persistFailure(state, outcome)).then(
    () => true,
    (err: unknown) => {
      c.unrecorded++;
      s.err.write(`replay-fuzz: cycle ${config.cycle} failed but its record could not be written: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
      return false;
    },
  );
  state.persisting = recorded.then(() => undefined);
  const ok = await recorded;
  if (s.progress === 'lines') s.out(ok ? `  failure [${config.cycle}/${s.plan.cycles}]\n` : `  failure [${config.cycle}/${s.plan.cycles}] (not recorded)\n`);
  if (s.stopOnFirstFailure) state.stop = true;
}

/** Commits the failing cycle's files and adds its record to the index. */
async function persistFailure(state: CampaignState, outcome: CycleOutcome): Promise<FailureRecord> {
  const config = outcome.config;
  const temp = outcome.traceTemp;
  const saved = await commitTrace(state, outcome);
  const tracePath = saved.path;
  const reproduce = reproduceCommand(state.tools, config);
  const eventsPath = keepEvents(state, outcome, tracePath);
  const implEvents = eventsPath ?? outcome.implementation?.eventsTemp;
  const filed = fileFinding(state, outcome, reproduce, tracePath, implEvents);
  const shrunk = await shrink(state, outcome, filed, saved.error === undefined ? (tracePath ?? temp) : undefined, implEvents);
  if (filed !== undefined) state.divergences.fillExample(filed, shrunk?.witness);
  if (temp !== undefined && tracePath === null) rmSync(temp, { force: true });
  if (eventsPath === undefined && outcome.implementation?.eventsTemp !== undefined) rmSync(outcome.implementation.eventsTemp, { force: true });
  const stderrPaths = keepStderr(state, outcome, tracePath);
  const reason = [outcome.reason, saved.error].filter((x) => x !== undefined).join('; ');
  const record: FailureRecord = {
    config: { cycle: config.cycle, profile: config.profile, seed: config.seed, event: config.events },
    cross_validate_returncode: outcome.generatorExit,
    replayer_returncode: outcome.replayerExit,
    cross_validate_stderr: outcome.generatorStderr,
    replayer_stderr: outcome.replayerStderr,
    ...stderrPaths,
    failure_reason: reason === '' ? null : reason,
    trace_path: tracePath,
    ...(saved.digest === undefined ? {} : { trace_sha256: saved.digest.sha256, trace_bytes: saved.digest.bytes }),
    reproduce,
    campaign_seed: state.settings.plan.campaignSeed,
    ...(outcome.replayFailure === undefined ? {} : { replay_failure: outcome.replayFailure }),
    ...implementationMembers(state, outcome, eventsPath),
    ...(shrunk === undefined ? {} : { minimized: shrunk.record }),
    ...(filed === undefined ? {} : { divergence: filed.divergence }),
    tools: recordedTools(state),
  };
  state.store.add(record);
  return record;
}

/**
 * Files the failure in the catalogue when both models can be asked about
 * its failing step. The catalogue never costs a record: if it cannot read
 * the finding back, the failure is recorded without a cause.
 */
function fileFinding(state: CampaignState, outcome: CycleOutcome, reproduce: string, tracePath: string | null, eventsFile: string | undefined): FiledFinding | undefined {
  const s = state.settings;
  // Our generator's cycles (in-process or as our bin) can be rendered again from their configuration.
  const regenerable = s.generator === undefined && s.impl === undefined;
  try {
    return state.divergences.record({ outcome, reproduce, tracePath, traceFile: tracePath ?? outcome.traceTemp, eventsFile, regenerable });
  } catch (err) {
    state.settings.err.write(`replay-fuzz: cycle ${outcome.config.cycle}: no cause attributed (${(err as Error).message.split('\n')[0]})\n`);
    return undefined;
  }
}

/** `--minimize`, by the kind of failure (see shrink.ts). */
async function shrink(state: CampaignState, outcome: CycleOutcome, filed: FiledFinding | undefined, trace: string | undefined, implEvents: string | undefined): Promise<Shrunk | undefined> {
  if (!state.settings.minimize) return undefined;
  // An implementation's failure shrinks against the implementation, not our reducer.
  if (state.tools.impl !== undefined) return implEvents === undefined ? undefined : shrinkImplFailure(state, outcome, implEvents);
  if (filed?.witness !== undefined && filed.divergence.class !== 'producer-bug') return shrinkDivergence(state, filed);
  return trace === undefined ? undefined : shrinkFailure(state, outcome, trace);
}

const commandRecord = (c: Command): CommandRecord => ({ file: c.file, args: [...c.args] });

/** What produced and judged this campaign's cycles (settings.ts resolves the commands). */
export function recordedTools(state: CampaignState): RecordedTools {
  const s = state.settings;
  return {
    engine: state.tools.external ? 'processes' : 'in-process',
    profile: s.plan.profile,
    model: s.model,
    compare: s.mode,
    require_image_invariant: s.requireInvariant,
    generator: s.generator === undefined ? null : commandRecord(s.generator),
    replayer: s.replayer === undefined ? null : commandRecord(s.replayer),
    implementation: s.impl === undefined ? null : commandRecord(s.impl),
  };
}

interface CommittedTrace {
  readonly path: string | null;
  readonly digest?: { sha256: string; bytes: number };
  /** Why the trace is not kept (the cycle's own reason, or a full disk now). */
  readonly error?: string;
}

/** Moves the cycle's trace into the failure directory (when there is one). */
async function commitTrace(state: CampaignState, outcome: CycleOutcome): Promise<CommittedTrace> {
  const temp = outcome.traceTemp;
  const saveDir = state.settings.saveDir;
  const kept = outcome.traceError === undefined ? {} : { error: outcome.traceError };
  if (temp === undefined || saveDir === undefined) return { path: null, ...kept };
  const finalPath = state.store.freeName(traceBaseName(outcome.config), '.jsonl');
  try {
    commitFile(temp, finalPath, state.io);
    return { path: finalPath, digest: await fileDigest(finalPath), ...kept };
  } catch (err) {
    return { path: null, error: `the trace could not be saved: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
}

function implementationMembers(state: CampaignState, outcome: CycleOutcome, eventsPath: string | undefined): Partial<FailureRecord> {
  const impl = state.tools.impl;
  if (impl === undefined || outcome.implementation === undefined) return {};
  return {
    implementation: showCommand(impl),
    implementation_returncode: outcome.implementation.exit,
    implementation_stderr: outcome.implementation.stderr,
    ...(eventsPath === undefined ? {} : { events_path: eventsPath }),
  };
}

/** Keeps the event stream an implementation was fed, beside its trace. */
function keepEvents(state: CampaignState, outcome: CycleOutcome, tracePath: string | null): string | undefined {
  const temp = outcome.implementation?.eventsTemp;
  if (temp === undefined || state.settings.saveDir === undefined) return undefined;
  const path = tracePath === null ? state.store.freeName(traceBaseName(outcome.config), '.events.jsonl') : tracePath.replace(/\.jsonl$/, '.events.jsonl');
  try {
    commitFile(temp, path, state.io);
    return path;
  } catch {
    return undefined; // a full disk: the record says what it can
  }
}

/** The whole stderr of a tool beside the trace, when the index only shows part of it. */
function keepStderr(state: CampaignState, outcome: CycleOutcome, tracePath: string | null): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  const c = outcome.captures;
  if (c === undefined) return out;
  const implCapture = outcome.implementation?.capture;
  for (const [label, key, capture] of [
    ['cross-validate', 'cross_validate_stderr_path', c.generator],
    ['replayer', 'replayer_stderr_path', c.replayer],
    ...(implCapture === undefined ? [] : ([['implementation', 'implementation_stderr_path', implCapture]] as const)),
  ] as const) {
    const spill = capture.finishFile();
    if (tracePath === null || state.settings.saveDir === undefined || capture.tailIsWhole) {
      capture.discardFile();
      continue;
    }
    const path = tracePath.replace(/\.jsonl$/, `.${label}-stderr.txt`);
    try {
      if (spill !== undefined) commitFile(spill, path, state.io);
      else writeFileDurably(path, capture.memory, state.io);
      out[key] = path;
    } catch {
      capture.discardFile(); // a full disk: the index keeps the tail
    }
  }
  return out;
}
