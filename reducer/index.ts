/** Public API of the reducer layer. */
export * from './types.js';
export * from './u64.js';
export type { OrdMap, OrdSet } from './ordered.js';
export { mapGet, mapFromEntries, setFrom, setHas } from './ordered.js';
export type { Snapshot } from './snapshot.js';
export { EMPTY_SNAPSHOT, EMPTY_ACTING } from './snapshot.js';
export type { StepResult } from './step.js';
export { step, stepValidated, reduce } from './step.js';
export { validateEvent, isFreshEpoch } from './validate.js';
export { fromSnapshot, toSnapshot, recoveryTargetsFromPlans, type Machine } from './machine.js';
export type { SnapshotChecks } from './checks.js';
export { computeChecks, sameCheckInputs, haveEnoughInfo, imageInvariant, imageClean, imageRecovering } from './checks.js';
export {
  EMPTY_PG_INFO,
  emptyPeerInfo,
  effectiveImage,
  primaryImage,
  primaryLength,
  lookupLength,
  normalizedPeerInfo,
  normalizedPGInfo,
  authorityOsdFor,
} from './image.js';
