/** Public API of the trace-generation layer. */
export { Mt19937 } from './rng/mt19937.js';
export { uniformInt, uniformBigInt } from './rng/uniform-int.js';
export { shuffleInPlace } from './rng/shuffle.js';
export { EventGenerator, PROFILES, UPSTREAM_PROFILES, type Profile, type UpstreamProfile, type GeneratorConfig } from './generator.js';
export * from './explore/index.js';
export { runTrace, renderTrace, traceText, FORMATS, type Format, type TraceOptions, type StepSink } from './trace.js';
export { writeStepHead, writeStepLine, writeStepTail, SnapshotRenderer } from './encode/step-line.js';
export * from './encode/encode.js';
export { legacyEvent, legacyState } from './encode/legacy.js';
export { ByteWriter } from './encode/byte-writer.js';
export { parseCliArgs, EXIT, type CliOptions, type CliParse } from './cli/cli-args.js';
export { parseCliInt, parseCliUnsigned } from './cli/c-integer.js';
export { renderEvents, eventsTraceText } from './render-events.js';
export { renderEventStream, eventStreamText, EMITS, type Emit } from './event-stream.js';
