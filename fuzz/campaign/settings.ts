/**
 * What a campaign is asked to do (`FuzzSettings`), what it gives back
 * (`CampaignResult`), and the tools each cycle runs, resolved once.
 */
import type { CompareMode } from '../../replay/index.js';
import type { ModelChoice } from '../../replay/models/model.js';
import { packagePath } from '../../tracegen/version.js';
import type { ChildGroups } from '../cycle/child.js';
import { generatorArgs } from '../cycle/external.js';
import { eventStreamArgs } from '../cycle/impl.js';
import type { FileIo } from '../store/durable.js';
import type { FailureRecord } from '../store/store.js';
import type { CauseRegistry } from '../catalogue/registry.js';
import type { CycleResult } from '../outputs/junit.js';
import type { CampaignReport } from '../outputs/report.js';
import type { CampaignPlan, CycleConfig } from '../plan/campaign.js';
import { showCommand, type Command } from '../plan/command.js';

/** Our own bins, used for whichever side is not named when the other is external. */
export const DEFAULT_GENERATOR: Command = { file: process.execPath, args: [packagePath('dist', 'bin', 'cross-validate.js')] };
export const DEFAULT_REPLAYER: Command = { file: process.execPath, args: [packagePath('dist', 'scripts', 'peering-replay-ts.js')] };

/** setTimeout's limit: longer delays fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

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
  /** Known causes to name findings from (default: the built-in registry, divergences/known.json). */
  readonly registry?: CauseRegistry;
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

/** The commands a campaign's cycles run; `external` when any of them is a process of the user's. */
export interface CampaignTools {
  readonly external: boolean;
  readonly generator: Command;
  readonly replayer: Command;
  readonly impl?: Command;
}

export function campaignTools(s: FuzzSettings): CampaignTools {
  const external = s.generator !== undefined || s.replayer !== undefined || s.impl !== undefined;
  const generator = s.generator ?? DEFAULT_GENERATOR;
  const replayer = s.replayer ?? { file: DEFAULT_REPLAYER.file, args: [...DEFAULT_REPLAYER.args, '--model', s.model, ...(s.mode === 'strict' ? ['--strict'] : [])] };
  return { external, generator, replayer, ...(s.impl === undefined ? {} : { impl: s.impl }) };
}

/** The shell pipeline that reproduces one cycle. */
export function reproduceCommand(tools: CampaignTools, c: CycleConfig): string {
  return tools.impl === undefined
    ? `${showCommand(tools.generator, generatorArgs(c))} | ${showCommand(tools.replayer, ['-'])}`
    : `${showCommand(tools.generator, eventStreamArgs(c))} | ${showCommand(tools.impl)} | ${showCommand(tools.replayer, ['-'])}`;
}

export function traceBaseName(c: CycleConfig): string {
  return `failure-cycle-${String(c.cycle).padStart(4, '0')}-seed-${c.seed}`;
}
