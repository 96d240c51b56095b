/** Public API of the reducer layer. */
export * from './state/types.js';
export * from './state/u64.js';
export type { OrdMap, OrdSet } from './state/ordered.js';
export { mapGet, mapFromEntries, setFrom, setHas } from './state/ordered.js';
export type { Snapshot } from './state/snapshot.js';
export { EMPTY_SNAPSHOT, EMPTY_ACTING } from './state/snapshot.js';
export type { StepResult } from './step.js';
export { step, stepValidated, reduce } from './step.js';
export { validateEvent, isFreshEpoch } from './state/validate.js';
export { fromSnapshot, toSnapshot, recoveryTargetsFromPlans, type Machine } from './state/machine.js';
export type { SnapshotChecks } from './state/checks.js';
export { computeChecks, sameCheckInputs, haveEnoughInfo, imageInvariant, imageClean, imageRecovering } from './state/checks.js';
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
} from './state/image.js';
