/** Public API of the replay layer. */
export { ReplayChecker, type ReplayOptions, type ReplayStats } from './check/checker.js';
export type { LeniencyNotes } from './check/line-rules.js';
export { replayStream, replayText, type StreamOptions } from './models/run.js';
export { ReplayFailure, type FailureReport, type Triage, type Stage } from './verdict/failure.js';
export { REPLAY_EXIT, failureText, okLine } from './verdict/report.js';
export { leniencyLines } from './check/line-rules.js';
export { traceLineKind, type TraceLineKind } from './check/line-kind.js';
export { reportJson } from './input/json-text.js';
export { parseJson, parseJsonWithFractions, stringifyJson, isJsonObject, type JsonValue, type JsonObject } from './input/json-lossless.js';
export { decodeEvent, decodeSnapshot } from './input/decode.js';
export { diffJson, type DiffEntry } from './compare/diff.js';
export { projectSnapshot, projectEffects, type CompareMode } from './compare/project.js';
export { SCHEMA_PATH, loadSchema, strictSchema, validators, schemaError } from './input/schema.js';
export { LineSplitter, DEFAULT_MAX_LINE_BYTES, readLines } from './input/line-reader.js';
export { diffTraces, diffLines, type TraceDiffResult } from './diff/trace-diff.js';
