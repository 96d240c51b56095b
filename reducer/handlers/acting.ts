/**
 * Choosing the acting set: recompute authority from every known peer image,
 * then decide between Incomplete, Down, asking for a different acting set,
 * waiting for up_thru, or activating.
 */
import {
  authoritativeCommittedSeq,
  authoritativeSources,
  authorityImageValues,
  buildPeerRecoveryPlans,
  effectiveImage,
  imageRecoveryGaps,
  sameImage,
} from '../state/image.js';
import {
  actingContains,
  actingReplicaImages,
  knownPeerImages,
  lookupPeer,
  primaryOf,
  publishStats,
  transitionTo,
  type Effects,
  type Machine,
} from '../state/machine.js';
import { mapHas, setHas } from '../state/ordered.js';
import type {
  AuthorityImage,
  JournalSeq,
  ObjectImage,
  ObjRecovery,
  OsdId,
  PeerRecoveryPlan,
} from '../state/types.js';
import { tryActivate } from './activation.js';

export interface ChosenAuthority {
  readonly authSeq: JournalSeq;
  readonly authImage: ObjectImage;
  readonly authSources: AuthorityImage;
  readonly peerRecoveryPlans: readonly PeerRecoveryPlan[];
  readonly localRecoveryPlan: readonly ObjRecovery[];
}

export type ActingDecision = ChosenAuthority &
  (
    | { readonly kind: 'Incomplete' | 'Down'; readonly reason: string }
    | { readonly kind: 'NeedActingChange'; readonly wantActing: readonly OsdId[] }
    | { readonly kind: 'NeedUpThru' | 'Activate' }
  );

function chooseAuthority(m: Machine): ChosenAuthority {
  const known = knownPeerImages(m.whoami, m.localInfo, m.peerInfo);
  const authSeq = authoritativeCommittedSeq(known);
  const authSources = authoritativeSources(known);
  return {
    authSeq,
    authSources,
    authImage: authorityImageValues(authSources),
    peerRecoveryPlans: buildPeerRecoveryPlans(authSources, authSeq, actingReplicaImages(m.acting, m.whoami, m.peerInfo)),
    localRecoveryPlan: imageRecoveryGaps(effectiveImage(m.localInfo), authSources),
  };
}

/**
 * The acting set we would like: the CRUSH primary first, then peers already
 * complete with respect to authority, then short peers, up to `poolSize`.
 */
function wantedActing(m: Machine, authority: ChosenAuthority): OsdId[] {
  const primary = primaryOf(m.acting);
  const want: OsdId[] = [primary < 0 ? m.whoami : primary];
  const candidates = m.acting.osds.concat(m.up.osds, m.priorOsds);
  for (let i = 0; i < candidates.length; i++) {
    if (isComplete(m, authority, candidates[i]!)) addWanted(m, want, candidates[i]!);
  }
  for (let i = 0; i < candidates.length; i++) addWanted(m, want, candidates[i]!);
  return want;
}

/** A known peer not wanted yet joins `want` while there is room. */
function addWanted(m: Machine, want: OsdId[], osd: OsdId): void {
  if (osd < 0 || want.includes(osd)) return;
  if (want.length >= m.poolSize) return;
  if (!mapHas(m.peerInfo, osd)) return;
  want.push(osd);
}

/** The peer reported everything authority holds. */
function isComplete(m: Machine, authority: ChosenAuthority, osd: OsdId): boolean {
  const info = lookupPeer(m.peerInfo, osd);
  return (
    info !== undefined && info.committedSeq >= authority.authSeq && sameImage(effectiveImage(info), authority.authImage)
  );
}

export function decideActing(m: Machine): ActingDecision {
  const authority = chooseAuthority(m);

  // A prior-interval OSD that timed out unheard may still hold newer data.
  for (let i = 0; i < m.timedOutProbes.length; i++) {
    const osd = m.timedOutProbes[i]!;
    if (setHas(m.priorOsds, osd) && !mapHas(m.peerInfo, osd)) {
      return { ...authority, kind: 'Down', reason: 'prior-interval probe timed out' };
    }
  }

  const want = wantedActing(m, authority);
  if (want.length < m.poolMinSize) {
    // `want` always holds the primary, so the Incomplete arm needs min_size > 0 and an empty set.
    return want.length === 0
      ? { ...authority, kind: 'Incomplete', reason: 'no peers available' }
      : { ...authority, kind: 'Down', reason: 'insufficient peers for min_size' };
  }
  if (want.some((osd) => !actingContains(m.acting, osd))) {
    return { ...authority, kind: 'NeedActingChange', wantActing: want };
  }
  if (m.localInfo.lastIntervalStarted < m.epoch) return { ...authority, kind: 'NeedUpThru' };
  return { ...authority, kind: 'Activate' };
}

export function applyActing(m: Machine, fx: Effects, d: ActingDecision): void {
  m.authSeq = d.authSeq;
  m.authImage = d.authImage;
  m.authSources = d.authSources;
  m.peerRecoveryPlans = d.peerRecoveryPlans;
  m.localRecoveryPlan = d.localRecoveryPlan;

  switch (d.kind) {
    case 'Incomplete':
    case 'Down':
      transitionTo(m, d.kind, d.reason, fx);
      publishStats(m, fx);
      return;
    case 'NeedActingChange':
      fx.push({ type: 'RequestActingChange', pgid: m.pgid, wantActing: d.wantActing });
      m.pendingActingChange = true;
      return;
    case 'NeedUpThru':
      m.pendingActingChange = false;
      m.needUpThru = true;
      transitionTo(m, 'WaitUpThru', 'need up_thru', fx);
      fx.push({ type: 'RequestUpThru', epoch: m.epoch });
      return;
    case 'Activate':
      m.pendingActingChange = false;
      tryActivate(m, fx);
      return;
  }
}

export function chooseActing(m: Machine, fx: Effects): void {
  applyActing(m, fx, decideActing(m));
}
