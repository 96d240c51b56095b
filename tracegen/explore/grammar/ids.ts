/**
 * Id pools of one explore trace: which OSDs and objects exist. Upstream's
 * generator only ever uses OSDs 0-4 and object 0; ids of 10 and more matter
 * because the Lean checker orders some lists by their printed form.
 */
import type { ObjectId, OsdId } from '../../../reducer/index.js';
import type { Dice } from './dice.js';
import type { FeatureSet } from './features.js';

const SMALL_OSDS: readonly OsdId[] = [0, 1, 2, 3, 4, 5];
const BIG_OSDS: readonly OsdId[] = [10, 11, 12, 20, 100];
const OBJECTS: readonly ObjectId[] = [0, 1, 2, 3, 5, 9, 10, 11, 12, 20, 100];
/** Never in any pool: an OSD the cluster does not know about. */
export const STRANGER_OSD: OsdId = 77;

export interface IdPools {
  /** OSD ids of the cluster, in no particular order. */
  readonly osds: readonly OsdId[];
  /** Object ids images are drawn over; always includes object 0. */
  readonly objects: readonly ObjectId[];
}

function drawOsds(dice: Dice, features: FeatureSet): OsdId[] {
  const count = dice.int(2, 6);
  if (!features.has('big-osd-ids')) return SMALL_OSDS.slice(0, count);
  // At least one id >= 10, so the printed-form order differs from numeric order.
  const big = dice.pick(BIG_OSDS);
  const rest = dice.shuffled([...SMALL_OSDS, ...BIG_OSDS].filter((o) => o !== big));
  return [big, ...rest.slice(0, count - 1)];
}

function drawObjects(dice: Dice, features: FeatureSet): ObjectId[] {
  if (!features.has('many-objects')) return [0];
  const count = dice.int(2, 5);
  const others = dice.shuffled(OBJECTS.filter((o) => o !== 0)).slice(0, count - 1);
  // Usually include an id >= 10 next to a smaller one.
  if (!others.some((o) => (o as number) >= 10) && dice.percent(70)) others[0] = dice.pick([10, 11, 12, 20, 100]);
  return [0, ...new Set(others)];
}

export function drawIdPools(dice: Dice, features: FeatureSet): IdPools {
  const osds = drawOsds(dice, features);
  const objects = drawObjects(dice, features);
  return { osds, objects };
}
