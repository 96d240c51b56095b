/**
 * `PeerQueryTimeout` only matters while gathering info: the peer counts as
 * answered but is remembered as timed out, so the acting choice can stay
 * conservative about data it may hold.
 */
import type { Effects, Machine } from '../state/machine.js';
import { setAdd } from '../state/ordered.js';
import type { OsdId, PeerQueryTimeout } from '../state/types.js';
import { chooseActing } from './acting.js';
import { enoughInfoOnceAnswered } from './peering-start.js';

export type PeerQueryTimeoutDecision =
  | { readonly kind: 'None' }
  | { readonly kind: 'RecordTimeout' | 'RecordTimeoutAndChooseActing'; readonly peer: OsdId };

export function decidePeerQueryTimeout(m: Machine, e: PeerQueryTimeout): PeerQueryTimeoutDecision {
  if (m.state !== 'GetPeerInfo') return { kind: 'None' };
  const kind = enoughInfoOnceAnswered(m, e.peer) ? 'RecordTimeoutAndChooseActing' : 'RecordTimeout';
  return { kind, peer: e.peer };
}

export function applyPeerQueryTimeout(m: Machine, fx: Effects, d: PeerQueryTimeoutDecision): void {
  if (d.kind === 'None') return;
  m.peersResponded = setAdd(m.peersResponded, d.peer);
  m.timedOutProbes = setAdd(m.timedOutProbes, d.peer);
  if (d.kind === 'RecordTimeoutAndChooseActing') chooseActing(m, fx);
}

export function onPeerQueryTimeout(m: Machine, e: PeerQueryTimeout, fx: Effects): void {
  applyPeerQueryTimeout(m, fx, decidePeerQueryTimeout(m, e));
}
