/**
 * Which kind of event comes next: a per-state mix close to the full
 * profile's (so peering makes progress), plus feature-gated kinds that may
 * arrive in any state.
 */
import type { State } from '../../../reducer/index.js';
import type { FeatureSet } from './features.js';

export const EVENT_KINDS = [
  'advance-map',
  'peer-info',
  'peer-info-late',
  'peer-info-duplicate',
  'peer-info-stale',
  'peer-info-unknown',
  'timeout',
  'timeout-unknown',
  'up-thru',
  'activate-committed',
  'recovery-complete',
  'all-recovered',
  'replica-activate',
  'replica-recovery',
  'delete-start',
  'delete-complete',
  'initialize',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

type Mix = Partial<Record<EventKind, number>>;

/** Natural events per state (weights, not percentages). */
const BY_STATE: Readonly<Record<State, Mix>> = {
  Initial: { 'advance-map': 1 },
  Reset: { 'advance-map': 1 },
  GetPeerInfo: { 'peer-info': 50, timeout: 20, 'advance-map': 15 },
  WaitUpThru: { 'up-thru': 40, 'peer-info': 20, 'advance-map': 20 },
  Active: { 'advance-map': 20, 'activate-committed': 20, 'all-recovered': 15, 'recovery-complete': 15 },
  Recovering: { 'recovery-complete': 40, 'all-recovered': 15, 'advance-map': 20, 'activate-committed': 10 },
  Clean: { 'advance-map': 50, 'activate-committed': 20 },
  Stray: { 'replica-activate': 40, 'advance-map': 30 },
  ReplicaActive: { 'replica-recovery': 30, 'advance-map': 30, 'replica-activate': 20 },
  Down: { 'peer-info': 40, 'advance-map': 30, timeout: 15 },
  Incomplete: { 'peer-info': 40, 'advance-map': 30 },
  Deleting: { 'delete-complete': 30, 'advance-map': 50 },
};

/** Kinds a feature adds in every state, with their weights. */
const ANY_STATE: readonly (readonly [keyof FeatureSetKeys, Mix])[] = [
  ['late-peer-info', { 'peer-info-late': 12, 'peer-info-duplicate': 6, 'peer-info-stale': 5, 'peer-info-unknown': 4 }],
  ['unknown-peer-timeout', { 'timeout-unknown': 6, timeout: 3 }],
  ['deletes', { 'delete-start': 4, 'delete-complete': 3 }],
  ['reinitialize', { initialize: 2 }],
  ['map-churn', { 'advance-map': 8 }],
];

type FeatureSetKeys = Record<Parameters<FeatureSet['has']>[0], true>;

/** The weight table of one state under one feature set, as parallel arrays. */
export interface KindTable {
  readonly kinds: readonly EventKind[];
  readonly weights: readonly number[];
}

export function kindTable(state: State, features: FeatureSet): KindTable {
  const total = new Map<EventKind, number>();
  const add = (mix: Mix) => {
    for (const kind of EVENT_KINDS) {
      const w = mix[kind];
      if (w !== undefined) total.set(kind, (total.get(kind) ?? 0) + w);
    }
  };
  add(BY_STATE[state]);
  for (const [feature, mix] of ANY_STATE) if (features.has(feature)) add(mix);
  const kinds = EVENT_KINDS.filter((k) => total.has(k));
  return { kinds, weights: kinds.map((k) => total.get(k)!) };
}

/** Tables for every state, built once per trace. */
export function kindTables(features: FeatureSet): ReadonlyMap<State, KindTable> {
  return new Map((Object.keys(BY_STATE) as State[]).map((s) => [s, kindTable(s, features)]));
}
