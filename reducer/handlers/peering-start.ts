/**
 * Primary-side peering start: record prior-interval OSDs, count ourselves as
 * answered, query everyone else, and continue at once if nobody is pending.
 */
import { effectiveImage } from '../image.js';
import {
  refreshImageState,
  transitionTo,
  type Effects,
  type Machine,
} from '../machine.js';
import { EMPTY, mapSet, setAdd, setFrom, setHas } from '../ordered.js';
import type { OsdId, OsdSet } from '../types.js';
import { chooseActing } from './acting.js';

/** Acting, up and prior-interval OSDs other than ourselves. */
export function buildProbeSet(m: Machine): OsdSet {
  const probes: OsdId[] = [];
  for (const osds of [m.acting.osds, m.up.osds, m.priorOsds]) {
    for (const osd of osds) if (osd !== m.whoami && osd >= 0) probes.push(osd);
  }
  return setFrom(probes);
}

/** Every queried peer has answered or timed out, and so has every acting replica. */
export function haveEnoughInfo(m: Machine): boolean {
  for (const osd of m.peersQueried) if (!setHas(m.peersResponded, osd)) return false;
  for (const osd of m.acting.osds) {
    if (osd >= 0 && osd !== m.whoami && !setHas(m.peersResponded, osd)) return false;
  }
  return true;
}

/**
 * `haveEnoughInfo` as it will be once `answering` has responded; used to
 * decide before the answer is recorded.
 */
export function enoughInfoOnceAnswered(m: Machine, answering: OsdId): boolean {
  for (const osd of m.peersQueried) {
    if (osd !== answering && !setHas(m.peersResponded, osd)) return false;
  }
  for (const osd of m.acting.osds) {
    if (osd >= 0 && osd !== m.whoami && osd !== answering && !setHas(m.peersResponded, osd)) return false;
  }
  return true;
}

export function sendQueries(m: Machine, fx: Effects): void {
  for (const osd of buildProbeSet(m)) {
    if (!setHas(m.peersResponded, osd) && !setHas(m.peersQueried, osd)) {
      fx.push({ type: 'SendQuery', target: osd, pgid: m.pgid, epoch: m.epoch });
      m.peersQueried = setAdd(m.peersQueried, osd);
    }
  }
}

export function startPeeringPrimary(m: Machine, priorOsds: readonly OsdId[], fx: Effects): void {
  transitionTo(m, 'GetPeerInfo', 'start peering as primary', fx);

  let prior: OsdSet = EMPTY;
  for (const osd of priorOsds) if (osd >= 0 && osd !== m.whoami) prior = setAdd(prior, osd);
  m.priorOsds = prior;

  const local = m.localInfo;
  m.peerInfo = mapSet(m.peerInfo, m.whoami, {
    osd: m.whoami,
    committedSeq: local.committedSeq,
    committedLength: local.committedLength,
    image: effectiveImage(local),
    blobMeta: EMPTY,
    lastEpochStarted: local.lastEpochStarted,
    lastIntervalStarted: local.lastIntervalStarted,
  });
  m.peersResponded = setAdd(m.peersResponded, m.whoami);
  refreshImageState(m);

  sendQueries(m, fx);
  if (haveEnoughInfo(m)) chooseActing(m, fx);
}
