/** Public API of the replay layer. */
export { ReplayChecker, type ReplayOptions, type ReplayStats, type LeniencyNotes } from './checker.js';
export { replayStream, replayText, type StreamOptions } from './run.js';
export { ReplayFailure, type FailureReport, type Triage, type Stage } from './failure.js';
export { REPLAY_EXIT, failureText, okLine, leniencyLines } from './report.js';
export { reportJson } from './json-text.js';
export { parseJson, parseJsonWithFractions, stringifyJson, isJsonObject, type JsonValue, type JsonObject } from './json-lossless.js';
export { decodeEvent, decodeSnapshot } from './decode.js';
export { diffJson, type DiffEntry } from './diff.js';
export { projectSnapshot, projectEffects, type CompareMode } from './project.js';
export { SCHEMA_PATH, loadSchema, strictSchema, validators, schemaError } from './schema.js';
export { LineSplitter, DEFAULT_MAX_LINE_BYTES, readLines } from './line-reader.js';
export { diffTraces, diffLines, type TraceDiffResult } from './trace-diff.js';
