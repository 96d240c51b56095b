/**
 * `UpThruUpdated` is accepted only in `WaitUpThru` and only for the exact
 * current epoch; stale and premature notifications are both ignored.
 */
import { withPGInfo } from '../state/image.js';
import type { Effects, Machine } from '../state/machine.js';
import type { UpThruUpdated } from '../state/types.js';
import { tryActivate } from './activation.js';

export interface UpThruDecision {
  readonly proceed: boolean;
}

export function decideUpThruUpdated(m: Machine, e: UpThruUpdated): UpThruDecision {
  return { proceed: m.state === 'WaitUpThru' && e.epoch === m.epoch };
}

export function applyUpThru(m: Machine, fx: Effects, d: UpThruDecision): void {
  if (!d.proceed) return;
  m.needUpThru = false;
  if (m.localInfo.lastIntervalStarted < m.epoch) {
    m.localInfo = withPGInfo(m.localInfo, { lastIntervalStarted: m.epoch });
  }
  tryActivate(m, fx);
}

export function onUpThruUpdated(m: Machine, e: UpThruUpdated, fx: Effects): void {
  applyUpThru(m, fx, decideUpThruUpdated(m, e));
}
