/**
 * Runs a campaign: schedules cycles over `jobs` slots, persists every
 * failure durably before reporting it, optionally shrinks failing traces,
 * and always ends with a report, also when interrupted.
 */
import { rmSync } from 'node:fs';
import { setMaxListeners } from 'node:events';
import { packagePath } from '../../tracegen/version.js';
import { REPLAY_EXIT, ReplayFailure, replayText, type CompareMode } from '../../replay/index.js';
import type { ModelChoice } from '../../replay/models/model.js';
import { shardCycle, shardSize, type CampaignPlan, type CycleConfig } from '../plan/campaign.js';
import { CapturedStream } from '../cycle/capture.js';
import { ChildGroups, startChild } from '../cycle/child.js';
import { showCommand, type Command } from '../plan/command.js';
import { DivergenceRecorder } from '../catalogue/catalogue-run.js';
import { CoverageSum } from '../cycle/coverage.js';
import { commitFile, REAL_IO, tempPathIn, writeFileDurably, type FileIo } from '../store/durable.js';
import { runExternalCycle, generatorArgs, SetupError } from '../cycle/external.js';
import { eventStreamArgs, runImplCycle } from '../cycle/impl.js';
import { minimizeImplFailure } from '../minimize/impl-minimize.js';
import { prettyJson } from '../store/json-out.js';
import { extractEvents, minimizeEvents } from '../minimize/minimize.js';
import { invariantBreak, type CycleOutcome } from '../cycle/outcome.js';
import { createSlots, type CycleSlot } from '../cycle/pool.js';
import { ProgressBar } from '../outputs/progress.js';
import { REPORT_FORMAT, type CampaignReport } from '../outputs/report.js';
import { runMeta } from '../outputs/meta.js';
import type { CycleResult } from '../outputs/junit.js';
import { createScratch, removeScratch, removeStaleScratch, type Scratch } from '../store/scratch.js';
import { fileDigest, FailureStore, type FailureRecord, type MinimizedRecord } from '../store/store.js';

/** Our own bins, used for whichever side is not named when the other is external. */
export const DEFAULT_GENERATOR: Command = { file: process.execPath, args: [packagePath('dist', 'bin', 'cross-validate.js')] };
export const DEFAULT_REPLAYER: Command = { file: process.execPath, args: [packagePath('dist', 'scripts', 'peering-replay-ts.js')] };

export interface FuzzSettings {
  readonly plan: CampaignPlan;
  readonly jobs: number;
  readonly stopOnFirstFailure: boolean;
  readonly saveDir?: string;
  readonly requireInvariant: boolean;
  /** External commands; when neither is given, cycles run in-process in worker threads. */
  readonly generator?: Command;
  readonly replayer?: Command;
  /** An implementation under test (docs/protocol.md): the trace checked is its answer to the generator's events. */
  readonly impl?: Command;
  readonly timeoutMs: number;
  readonly minimize: boolean;
  readonly minimizeBudget: number;
  readonly mode: CompareMode;
  /** Model(s) of our checker, in-process or as the default replayer process. */
  readonly model: ModelChoice;
  readonly reportPath?: string;
  readonly progress: 'bar' | 'lines';
  readonly argv: readonly string[];
  readonly out: (text: string) => void;
  readonly err: NodeJS.WriteStream;
  /** Aborting it stops the campaign cleanly (the CLI wires SIGINT to it). */
  readonly signal: AbortSignal;
  /** Process groups of running tools (the CLI kills them on a second Ctrl-C). */
  readonly groups?: ChildGroups;
  /** File operations for traces and the index (tests inject a full disk). */
  readonly io?: FileIo;
  /** Called once set-up (failure directory, scratch) has succeeded. */
  readonly started?: () => void;
  /** Called after each cycle that ran to the end (for JUnit output). */
  readonly onCycle?: (result: CycleResult) => void;
}

export interface CampaignResult {
  readonly report: CampaignReport;
  readonly failures: readonly FailureRecord[];
  readonly interrupted: boolean;
  /** Failing cycles whose record could not be written (a full disk). */
  readonly unrecorded: number;
  /** Why `--report` could not be written, if it could not. */
  readonly reportError?: string;
}

/** setTimeout's limit: longer delays fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

function traceBaseName(c: CycleConfig): string {
  return `failure-cycle-${String(c.cycle).padStart(4, '0')}-seed-${c.seed}`;
}

export async function runCampaign(s: FuzzSettings): Promise<CampaignResult> {
  const external = s.generator !== undefined || s.replayer !== undefined || s.impl !== undefined;
  const generator = s.generator ?? DEFAULT_GENERATOR;
  const replayer = s.replayer ?? { file: DEFAULT_REPLAYER.file, args: [...DEFAULT_REPLAYER.args, '--model', s.model, ...(s.mode === 'strict' ? ['--strict'] : [])] };
  const io = s.io ?? REAL_IO;
  const groups = s.groups ?? new ChildGroups();
  // Every slot listens for the abort (up to two processes each).
  setMaxListeners(Math.max(10, 3 * s.jobs + 10), s.signal);
  removeStaleScratch();
  const store = new FailureStore(s.saveDir, io);
  let scratch: Scratch;
  try {
    scratch = createScratch();
  } catch (err) {
    store.close();
    throw err;
  }
  s.started?.();
  const needTrace = s.saveDir !== undefined || s.minimize;
  const tempDir = s.saveDir ?? scratch.dir;
  const total = shardSize(s.plan);
  const started = new Date();
  const startNs = process.hrtime.bigint();
  // External cycles use a slot only as a turn (its worker never starts).
  const slots = createSlots(s.jobs, !external, s.model);
  const bar = s.progress === 'bar' ? new ProgressBar(s.err, total) : undefined;

  let next = 0;
  let stop = false;
  let done = 0;
  let passed = 0;
  let events = 0;
  let unrecorded = 0;
  let setupError: Error | undefined;
  const coverage = new CoverageSum();
  const divergences = new DivergenceRecorder({ minimize: s.minimize, minimizeBudget: s.minimizeBudget });
  let persisting: Promise<void> = Promise.resolve();
  const elapsed = () => Number(process.hrtime.bigint() - startNs) / 1e9;

  const reproduce = (c: CycleConfig): string =>
    s.impl === undefined
      ? `${showCommand(generator, generatorArgs(c))} | ${showCommand(replayer, ['-'])}`
      : `${showCommand(generator, eventStreamArgs(c))} | ${showCommand(s.impl)} | ${showCommand(replayer, ['-'])}`;

  async function runOne(config: CycleConfig, slot: CycleSlot): Promise<CycleOutcome | undefined> {
    const traceTemp = tempPathIn(tempDir, `${traceBaseName(config)}.jsonl`);
    if (s.impl !== undefined) {
      const outcome = await runImplCycle(config, { generator, impl: s.impl, replayer, requireInvariant: s.requireInvariant, timeoutMs: s.timeoutMs, traceTemp, signal: s.signal, groups, io });
      if (s.signal.aborted) {
        rmSync(traceTemp, { force: true });
        if (outcome.implementation?.eventsTemp !== undefined) rmSync(outcome.implementation.eventsTemp, { force: true });
        return undefined;
      }
      return outcome;
    }
    if (external) {
      const outcome = await runExternalCycle(config, {
        generator,
        replayer,
        requireInvariant: s.requireInvariant,
        timeoutMs: s.timeoutMs,
        traceTemp,
        signal: s.signal,
        groups,
        io,
      });
      if (s.signal.aborted) {
        rmSync(traceTemp, { force: true });
        return undefined;
      }
      return outcome;
    }
    const reply = await slot.run(
      { kind: 'cycle', config, options: { requireInvariant: s.requireInvariant, mode: s.mode, model: s.model }, ...(needTrace ? { traceTemp } : {}) },
      s.timeoutMs,
      s.signal,
    );
    switch (reply.kind) {
      case 'outcome':
        return reply.outcome;
      case 'interrupted':
        rmSync(traceTemp, { force: true });
        return undefined;
      case 'done':
      case 'produced':
        throw new Error('unexpected worker reply');
      case 'timeout':
      case 'error': {
        // Keep what the failing cycle would have produced, but never a partial file.
        let saved = false;
        if (needTrace) {
          rmSync(traceTemp, { force: true }); // what the stopped worker may have left
          const regenerate = s.timeoutMs > 0 ? Math.min(Math.max(10 * s.timeoutMs, 60_000), MAX_TIMER_MS) : 0;
          saved = (await slot.run({ kind: 'write-trace', config, path: traceTemp }, regenerate, s.signal)).kind === 'done';
          if (!saved) rmSync(traceTemp, { force: true });
        }
        const why = reply.kind === 'timeout' ? `in-process cycle timed out after ${s.timeoutMs / 1000} s` : `in-process cycle crashed: ${reply.message.split('\n')[0]}`;
        return {
          config,
          ok: false,
          events: 0,
          generatorExit: null,
          replayerExit: null,
          generatorStderr: '',
          replayerStderr: reply.kind === 'error' ? reply.message : '',
          reason: needTrace && !saved ? `${why}; the trace could not be regenerated in time and was not saved` : why,
          ...(saved ? { traceTemp } : {}),
        };
      }
    }
  }

  /** The whole stderr of a tool beside the trace, when the index only shows part of it. */
  function keepStderr(outcome: CycleOutcome, tracePath: string | null): { [key: string]: string } {
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
      if (tracePath === null || s.saveDir === undefined || capture.tailIsWhole) {
        capture.discardFile();
        continue;
      }
      const path = tracePath.replace(/\.jsonl$/, `.${label}-stderr.txt`);
      try {
        if (spill !== undefined) commitFile(spill, path, io);
        else writeFileDurably(path, capture.memory, io);
        out[key] = path;
      } catch {
        capture.discardFile(); // a full disk: the index keeps the tail
      }
    }
    return out;
  }

  async function persist(outcome: CycleOutcome): Promise<FailureRecord> {
    const config = outcome.config;
    let tracePath: string | null = null;
    let digest: { sha256: string; bytes: number } | undefined;
    let traceError = outcome.traceError;
    const temp = outcome.traceTemp;
    if (temp !== undefined && s.saveDir !== undefined) {
      const finalPath = store.freeName(traceBaseName(config), '.jsonl');
      try {
        commitFile(temp, finalPath, io);
        tracePath = finalPath;
        digest = await fileDigest(tracePath);
      } catch (err) {
        traceError = `the trace could not be saved: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
      }
    }
    // A two-model finding is minimized once per signature, by the catalogue.
    const finding = divergences.record(outcome, reproduce(config), tracePath);
    const eventsPath = keepEvents(outcome, tracePath);
    const implEvents = eventsPath ?? outcome.implementation?.eventsTemp;
    let minimized: FailureRecord['minimized'];
    if (s.minimize && s.impl !== undefined && implEvents !== undefined) {
      // An implementation's failure shrinks against the implementation, not our reducer.
      minimized = await shrinkImpl(outcome, implEvents, config);
    } else if (s.minimize && !finding && temp !== undefined && traceError === undefined) {
      minimized = await shrink(outcome, tracePath ?? temp, config);
    }
    if (temp !== undefined && tracePath === null) rmSync(temp, { force: true });
    if (eventsPath === undefined && outcome.implementation?.eventsTemp !== undefined) rmSync(outcome.implementation.eventsTemp, { force: true });
    const stderrPaths = keepStderr(outcome, tracePath);
    const reason = [outcome.reason, traceError].filter((x) => x !== undefined).join('; ');
    const record: FailureRecord = {
      config: { cycle: config.cycle, profile: config.profile, seed: config.seed, event: config.events },
      cross_validate_returncode: outcome.generatorExit,
      replayer_returncode: outcome.replayerExit,
      cross_validate_stderr: outcome.generatorStderr,
      replayer_stderr: outcome.replayerStderr,
      ...stderrPaths,
      failure_reason: reason === '' ? null : reason,
      trace_path: tracePath,
      ...(digest === undefined ? {} : { trace_sha256: digest.sha256, trace_bytes: digest.bytes }),
      reproduce: reproduce(config),
      campaign_seed: s.plan.campaignSeed,
      ...(outcome.replayFailure === undefined ? {} : { replay_failure: outcome.replayFailure }),
      ...(s.impl === undefined || outcome.implementation === undefined
        ? {}
        : {
            implementation: showCommand(s.impl),
            implementation_returncode: outcome.implementation.exit,
            implementation_stderr: outcome.implementation.stderr,
            ...(eventsPath === undefined ? {} : { events_path: eventsPath }),
          }),
      ...(minimized === undefined ? {} : { minimized }),
    };
    store.add(record);
    return record;
  }

  /** Keeps the event stream an implementation was fed, beside its trace. */
  function keepEvents(outcome: CycleOutcome, tracePath: string | null): string | undefined {
    const temp = outcome.implementation?.eventsTemp;
    if (temp === undefined || s.saveDir === undefined) return undefined;
    const path = tracePath === null ? store.freeName(traceBaseName(outcome.config), '.events.jsonl') : tracePath.replace(/\.jsonl$/, '.events.jsonl');
    try {
      commitFile(temp, path, io);
      return path;
    } catch {
      return undefined; // a full disk: the record says what it can
    }
  }

  /** Shrinks the event stream an implementation failed on, against the same implementation and checker. */
  async function shrinkImpl(outcome: CycleOutcome, eventsPath: string, config: CycleConfig): Promise<FailureRecord['minimized']> {
    let result;
    try {
      result = await minimizeImplFailure(eventsPath, outcome, { impl: s.impl!, replayer, timeoutMs: s.timeoutMs, signal: s.signal }, s.minimizeBudget);
    } catch (err) {
      return { error: `cannot minimize: ${(err as Error).message.split('\n')[0]}` };
    }
    if ('error' in result) return result;
    let minPath: string | null = null;
    let sha: string | undefined;
    let minEvents: string | undefined;
    if (s.saveDir !== undefined) {
      minPath = store.freeName(traceBaseName(config), '.min.jsonl');
      writeFileDurably(minPath, result.trace, io);
      sha = (await fileDigest(minPath)).sha256;
      minEvents = minPath.replace(/\.min\.jsonl$/, '.min.events.jsonl');
      writeFileDurably(minEvents, result.eventsText, io);
    }
    return {
      trace_path: minPath,
      ...(sha === undefined ? {} : { trace_sha256: sha }),
      ...(minEvents === undefined ? {} : { events_path: minEvents }),
      events: result.lines.length,
      original_events: result.originalEvents,
      checker_runs: result.runs,
      complete: result.complete,
    };
  }

  /** Shrinks a failing trace against the same checker and failure kind. */
  async function shrink(outcome: CycleOutcome, path: string, config: CycleConfig): Promise<FailureRecord['minimized']> {
    const wantReplayer = outcome.replayerExit !== 0 && outcome.replayerExit !== null ? outcome.replayerExit : undefined;
    const wantInvariant = outcome.reason?.includes('image invariant') ?? false;
    if (wantReplayer === undefined && !wantInvariant) return { error: 'only checker failures and broken invariants can be minimized' };
    let trace;
    try {
      trace = await extractEvents(path);
    } catch (err) {
      return { error: `cannot read events from the trace: ${(err as Error).message}` };
    }
    const fails = async (text: string): Promise<boolean> => {
      if (wantInvariant && !text.split('\n').some((l) => l !== '' && invariantBreak(Buffer.from(l)) !== undefined)) return false;
      if (wantReplayer === undefined) return true;
      if (!external) {
        try {
          replayText(text, { mode: s.mode, model: s.model });
          return false;
        } catch (err) {
          const code = err instanceof ReplayFailure ? (err.report.kind === 'malformed' ? REPLAY_EXIT.malformed : REPLAY_EXIT.mismatch) : -1;
          return code === wantReplayer;
        }
      }
      // Its own process group and deadline, like a cycle's checker.
      const child = startChild(replayer.file, [...replayer.args, '-'], {
        stdin: 'pipe',
        timeoutMs: s.timeoutMs,
        signal: s.signal,
        groups,
        stderr: new CapturedStream(undefined),
        stdout: new CapturedStream(undefined),
      });
      child.stdin?.end(text);
      const r = await child.done;
      return !r.timedOut && r.exitCode === wantReplayer;
    };
    const result = await minimizeEvents(trace, fails, s.minimizeBudget);
    if (result === undefined) return { error: 'the failure does not reproduce once the trace is rebuilt through the TS reducer' };
    let minPath: string | null = null;
    let sha: string | undefined;
    if (s.saveDir !== undefined) {
      minPath = store.freeName(traceBaseName(config), '.min.jsonl');
      writeFileDurably(minPath, result.text, io);
      sha = (await fileDigest(minPath)).sha256;
    }
    const record: MinimizedRecord = {
      trace_path: minPath,
      ...(sha === undefined ? {} : { trace_sha256: sha }),
      events: result.events.length,
      original_events: result.originalEvents,
      checker_runs: result.runs,
      complete: result.complete,
    };
    return record;
  }

  function announce(c: CycleConfig): void {
    if (s.progress === 'lines') s.out(`[${c.cycle}/${s.plan.cycles}] seed=${c.seed} event=${c.events} profile=${c.profile}\n`);
  }

  async function slotLoop(slot: CycleSlot): Promise<void> {
    while (!stop && !s.signal.aborted && next < total) {
      const config = shardCycle(s.plan, next++);
      announce(config);
      const cycleStart = process.hrtime.bigint();
      let outcome: CycleOutcome | undefined;
      try {
        outcome = await runOne(config, slot);
      } catch (err) {
        if (!(err instanceof SetupError)) throw err;
        setupError ??= err;
        stop = true;
        return;
      }
      if (outcome === undefined) return;
      s.onCycle?.({ config, ok: outcome.ok, seconds: Number(process.hrtime.bigint() - cycleStart) / 1e9 });
      done++;
      events += outcome.events;
      if (outcome.coverage !== undefined) coverage.add(outcome.coverage);
      if (outcome.ok) {
        passed++;
        if (outcome.traceTemp !== undefined) rmSync(outcome.traceTemp, { force: true });
        if (s.progress === 'lines') s.out(`  ok [${config.cycle}/${s.plan.cycles}]\n`);
      } else {
        // Durable first, reported second: a crash after this line loses nothing.
        const recorded = persisting.then(() => persist(outcome)).then(
          () => true,
          (err: unknown) => {
            unrecorded++;
            s.err.write(`replay-fuzz: cycle ${config.cycle} failed but its record could not be written: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
            return false;
          },
        );
        persisting = recorded.then(() => undefined);
        const ok = await recorded;
        if (s.progress === 'lines') s.out(ok ? `  failure [${config.cycle}/${s.plan.cycles}]\n` : `  failure [${config.cycle}/${s.plan.cycles}] (not recorded)\n`);
        if (s.stopOnFirstFailure) stop = true;
      }
      bar?.update(done, done - passed, events / Math.max(elapsed(), 1e-3));
    }
  }

  try {
    await Promise.all(slots.map((slot) => slotLoop(slot)));
    await persisting;
  } finally {
    bar?.finish();
    await Promise.all(slots.map((slot) => slot.close()));
    removeScratch(scratch);
    store.close();
  }
  if (setupError !== undefined) throw setupError;

  const duration = elapsed();
  const failures = store.added;
  const report: CampaignReport = {
    tool: 'replay-fuzz',
    format: REPORT_FORMAT,
    meta: runMeta(),
    config: {
      profile: s.plan.profile,
      cycles: s.plan.cycles,
      campaign_seed: s.plan.campaignSeed,
      shard: `${s.plan.shard.index}/${s.plan.shard.count}`,
      seed: s.plan.fixedSeed ?? null,
      event_range: [s.plan.events.min, s.plan.events.max],
      jobs: s.jobs,
      require_image_invariant: s.requireInvariant,
      cross_validate: external ? showCommand(generator) : 'in-process (TS generator)',
      replayer: external ? showCommand(replayer) : `in-process (TS checker, model ${s.model}, ${s.mode})`,
      model: s.model,
      ...(s.impl === undefined ? {} : { implementation: showCommand(s.impl) }),
      compare: s.mode,
      timeout_s: s.timeoutMs > 0 ? s.timeoutMs / 1000 : null,
      minimize: s.minimize,
      stop_on_first_failure: s.stopOnFirstFailure,
    },
    argv: s.argv,
    started_at: started.toISOString(),
    finished_at: new Date().toISOString(),
    duration_s: duration,
    interrupted: s.signal.aborted,
    cycles: { planned: total, run: done, passed, failed: done - passed },
    ...(unrecorded > 0 ? { unrecorded_failures: unrecorded } : {}),
    events,
    events_per_second: duration > 0 ? events / duration : 0,
    cycles_per_second: duration > 0 ? done / duration : 0,
    failures,
    coverage: coverage.result(),
    ...(s.model === 'both' ? { divergences: divergences.entries() } : {}),
  };
  let reportError: string | undefined;
  if (s.reportPath !== undefined) {
    try {
      writeFileDurably(s.reportPath, prettyJson(report), io);
    } catch (err) {
      reportError = `cannot write the report ${s.reportPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    }
  }
  return { report, failures, interrupted: s.signal.aborted, unrecorded, ...(reportError === undefined ? {} : { reportError }) };
}
