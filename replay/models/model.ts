/**
 * The one interface through which replay/ and fuzz/ reach a model.
 *
 * A model is a named factory of line checkers. `cpp` replays through
 * reducer/ (the port of upstream's C++ reducer), `lean` through lean/ (the
 * mirror of upstream's Lean model). A third model is a new folder with a
 * checker plus one entry in MODELS. `both` is not a model but a mode: every
 * line goes to each model of BOTH_MODELS and the first failure is triaged
 * (see both-checker.ts).
 */
import { ReplayChecker, type ReplayStats } from '../check/checker.js';
import type { ReplayProgress } from '../verdict/failure.js';
import { LeanReplayChecker } from '../check/lean-checker.js';
import type { CompareMode } from '../compare/project.js';

/** Checks a trace line by line; throws `ReplayFailure` at the first problem. */
export interface LineChecker {
  feedLine(raw: Uint8Array, lineNo: number, terminated?: boolean): void;
  /** Ends the input; throws when there was nothing to check. */
  finish(): ReplayStats;
  progress(): ReplayProgress;
}

export interface ModelOptions {
  /** `strict` compares every member and list order (the cpp model only). */
  readonly mode?: CompareMode;
}

export interface ReplayModel {
  readonly name: string;
  readonly description: string;
  createChecker(options: ModelOptions): LineChecker;
}

export const MODELS = {
  lean: {
    name: 'lean',
    description: "upstream's Lean model (Peering/*.lean), mirrored in lean/; answers what Lean's peering-replay answers",
    createChecker: () => new LeanReplayChecker(),
  },
  cpp: {
    name: 'cpp',
    description: "upstream's C++ reducer, ported in reducer/",
    createChecker: (options: ModelOptions) => new ReplayChecker(options.mode === undefined ? {} : { mode: options.mode }),
  },
} as const satisfies Record<string, ReplayModel>;

export type ModelName = keyof typeof MODELS;
export type ModelChoice = ModelName | 'both';

/** The models `both` compares, first the reference. */
export const BOTH_MODELS: readonly ModelName[] = ['lean', 'cpp'];

export const MODEL_CHOICES: readonly ModelChoice[] = [...(Object.keys(MODELS) as ModelName[]), 'both'];

export function isModelChoice(value: string): value is ModelChoice {
  return (MODEL_CHOICES as readonly string[]).includes(value);
}
