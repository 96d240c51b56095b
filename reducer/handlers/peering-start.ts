/**
 * Primary-side peering start: record prior-interval OSDs, count ourselves as
 * answered, query everyone else, and continue at once if nobody is pending.
 */
import { effectiveImage } from '../state/image.js';
import {
  refreshImageState,
  transitionTo,
  type Effects,
  type Machine,
} from '../state/machine.js';
import { EMPTY, mapSet, setAdd, setHas } from '../state/ordered.js';
import type { OsdId, OsdSet } from '../state/types.js';
import { chooseActing } from './acting.js';

/** Acting, up and prior-interval OSDs other than ourselves. */
export function buildProbeSet(m: Machine): OsdSet {
  const candidates = m.acting.osds.concat(m.up.osds, m.priorOsds);
  let probes: OsdSet = EMPTY;
  for (let i = 0; i < candidates.length; i++) {
    const osd = candidates[i]!;
    if (osd !== m.whoami && osd >= 0) probes = setAdd(probes, osd);
  }
  return probes;
}

/** Every queried peer has answered or timed out, and so has every acting replica. */
export function haveEnoughInfo(m: Machine): boolean {
  const queried = m.peersQueried;
  for (let i = 0; i < queried.length; i++) if (!setHas(m.peersResponded, queried[i]!)) return false;
  const acting = m.acting.osds;
  for (let i = 0; i < acting.length; i++) {
    const osd = acting[i]!;
    if (osd >= 0 && osd !== m.whoami && !setHas(m.peersResponded, osd)) return false;
  }
  return true;
}

/**
 * `haveEnoughInfo` as it will be once `answering` has responded; used to
 * decide before the answer is recorded.
 */
export function enoughInfoOnceAnswered(m: Machine, answering: OsdId): boolean {
  const queried = m.peersQueried;
  for (let i = 0; i < queried.length; i++) {
    const osd = queried[i]!;
    if (osd !== answering && !setHas(m.peersResponded, osd)) return false;
  }
  const acting = m.acting.osds;
  for (let i = 0; i < acting.length; i++) {
    const osd = acting[i]!;
    if (osd >= 0 && osd !== m.whoami && osd !== answering && !setHas(m.peersResponded, osd)) return false;
  }
  return true;
}

export function sendQueries(m: Machine, fx: Effects): void {
  const probes = buildProbeSet(m);
  for (let i = 0; i < probes.length; i++) {
    const osd = probes[i]!;
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
