/**
 * `PeerInfoReceived`: store a peer's report if we asked for it (or the peer is
 * in acting/up/prior) and it is not from an earlier interval, then re-run the
 * acting choice when enough is known or when peering had stalled.
 */
import { normalizedPeerInfo, withPeerInfo } from '../state/image.js';
import { actingContains, refreshImageState, type Effects, type Machine } from '../state/machine.js';
import { mapSet, setAdd, setHas } from '../state/ordered.js';
import type { PeerInfo, PeerInfoReceived } from '../state/types.js';
import { chooseActing } from './acting.js';
import { enoughInfoOnceAnswered } from './peering-start.js';

export type PeerInfoReceivedDecision =
  | { readonly kind: 'None' }
  | { readonly kind: 'StoreOnly' | 'StoreAndChooseActing'; readonly info: PeerInfo };

export function decidePeerInfoReceived(m: Machine, e: PeerInfoReceived): PeerInfoReceivedDecision {
  const known =
    setHas(m.peersQueried, e.from) ||
    actingContains(m.acting, e.from) ||
    actingContains(m.up, e.from) ||
    setHas(m.priorOsds, e.from);
  if (!known) return { kind: 'None' };
  if (e.queryEpoch > 0 && e.queryEpoch < m.lastPeeringReset) return { kind: 'None' };

  // Trust the transport sender over the payload's own osd field.
  const info = withPeerInfo(e.info, { osd: e.from });
  if (m.state === 'Down' || m.state === 'Incomplete' || m.state === 'WaitUpThru') {
    return { kind: 'StoreAndChooseActing', info };
  }
  if (m.state !== 'GetPeerInfo') return { kind: 'None' };
  return { kind: enoughInfoOnceAnswered(m, e.from) ? 'StoreAndChooseActing' : 'StoreOnly', info };
}

export function applyPeerInfoReceived(m: Machine, fx: Effects, d: PeerInfoReceivedDecision): void {
  if (d.kind === 'None') return;
  m.peerInfo = mapSet(m.peerInfo, d.info.osd, normalizedPeerInfo(d.info));
  m.peersResponded = setAdd(m.peersResponded, d.info.osd);
  refreshImageState(m);
  if (d.kind === 'StoreAndChooseActing') chooseActing(m, fx);
}

export function onPeerInfoReceived(m: Machine, e: PeerInfoReceived, fx: Effects): void {
  applyPeerInfoReceived(m, fx, decidePeerInfoReceived(m, e));
}
