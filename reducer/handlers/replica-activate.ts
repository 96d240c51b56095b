/**
 * Replica side: `ReplicaActivate` installs the authority chosen by the acting
 * primary for the current epoch. The local image is clamped to it, and
 * interval history advances only when the replica already holds everything.
 */
import {
  authorityFromPeerInfo,
  authorityImageValues,
  clampImageTo,
  effectiveImage,
  normalizedPeerInfo,
  prefixImage,
  primaryLength,
  withPeerInfo,
  withPGInfo,
} from '../state/image.js';
import {
  actingContains,
  persist,
  primaryOf,
  publishStats,
  refreshAuthorityFromKnownPeers,
  refreshRecoveryPlans,
  transitionTo,
  type Effects,
  type Machine,
} from '../state/machine.js';
import { mapSet } from '../state/ordered.js';
import type {
  AuthorityImage,
  BlobMetaImage,
  Epoch,
  JournalSeq,
  ObjectImage,
  PeerInfo,
  ReplicaActivate,
} from '../state/types.js';

export type ReplicaActivationDecision =
  | { readonly kind: 'None' }
  | {
      readonly kind: 'Activate';
      readonly authPeerInfo: PeerInfo;
      readonly authSeq: JournalSeq;
      readonly authImage: ObjectImage;
      readonly authSources: AuthorityImage;
      readonly authBlobMeta: BlobMetaImage;
      readonly activationEpoch: Epoch;
      readonly advanceHistory: boolean;
    };

export function decideReplicaActivation(m: Machine, e: ReplicaActivate): ReplicaActivationDecision {
  if (m.state !== 'Stray' && m.state !== 'ReplicaActive') return { kind: 'None' };
  if (!actingContains(m.acting, m.whoami)) return { kind: 'None' };
  if (e.activationEpoch !== m.epoch) return { kind: 'None' };
  if (e.from !== primaryOf(m.acting)) return { kind: 'None' };

  const authPeerInfo = withPeerInfo(normalizedPeerInfo(e.authInfo), { osd: e.from });
  // Sparse messages fall back to what the auth_info alone implies.
  const authSeq = e.authoritativeSeq > 0 ? e.authoritativeSeq : authPeerInfo.committedSeq;
  const authSources = e.authSources.length > 0 ? e.authSources : authorityFromPeerInfo(authPeerInfo);
  const authImage = authSources.length > 0 ? authorityImageValues(authSources) : authPeerInfo.image;
  return {
    kind: 'Activate',
    authPeerInfo,
    authSeq,
    authImage,
    authSources,
    authBlobMeta: e.authBlobMeta,
    activationEpoch: e.activationEpoch,
    advanceHistory: authSeq <= m.localInfo.committedSeq && prefixImage(authImage, effectiveImage(m.localInfo)),
  };
}

export function applyReplicaActivation(m: Machine, fx: Effects, d: ReplicaActivationDecision): void {
  if (d.kind === 'None') return;

  m.authSeq = d.authSeq;
  m.authImage = d.authImage;
  m.authSources = d.authSources;
  m.authBlobMeta = d.authBlobMeta;
  m.peerInfo = mapSet(m.peerInfo, d.authPeerInfo.osd, d.authPeerInfo);

  // Never keep a local tail beyond the installed authority.
  const image = clampImageTo(m.authImage, effectiveImage(m.localInfo));
  let local = withPGInfo(m.localInfo, {
    image,
    blobMeta: m.authBlobMeta,
    committedSeq: m.localInfo.committedSeq > m.authSeq ? m.authSeq : m.localInfo.committedSeq,
    committedLength: primaryLength(image),
  });
  if (d.advanceHistory) {
    local = withPGInfo(local, {
      committedSeq: m.authSeq,
      lastEpochStarted: d.activationEpoch,
      lastIntervalStarted: d.activationEpoch,
    });
  }
  m.localInfo = local;
  refreshAuthorityFromKnownPeers(m);
  m.authBlobMeta = d.authBlobMeta;
  refreshRecoveryPlans(m);

  transitionTo(m, 'ReplicaActive', 'activated by primary', fx);
  persist(m, fx);
  publishStats(m, fx);
}

export function onReplicaActivate(m: Machine, e: ReplicaActivate, fx: Effects): void {
  applyReplicaActivation(m, fx, decideReplicaActivation(m, e));
}
