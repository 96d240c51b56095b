/** The explore profile: this toolkit's own generator of inputs where the C++ and Lean models part ways. */
export { EXPLORE_FEATURES, FeatureSet, drawFeatures, type ExploreFeature } from './grammar/features.js';
export { ExploreGenerator, genEventOfKind, genFirstEvent } from './generator.js';
export { kindTable, EVENT_KINDS, type EventKind, type KindTable } from './grammar/choosers.js';
export type { Chooser, ValueDomain } from './grammar/chooser.js';
export type { ExploreContext } from './grammar/context.js';
export { STRANGER_OSD, type IdPools } from './grammar/ids.js';
export { runExploreTrace, renderExploreTrace, writeExploreStepLine, type ExploreTraceOptions, type ExploreStepSink } from './trace.js';
export { writeExploreEvent } from './wire-encode.js';
export { cppImage, type IllFormedTag, type RawImage, type ImageEntry } from './grammar/images.js';
export type { ExploreEvent, WireDetails } from './grammar/wire.js';
export { renderWireEvents, wireEventsTraceText, type WireEvent } from './wire-events.js';
export { renderTraceWithLean, LeanLineWriter } from '../lean-render/explore-lean.js';
