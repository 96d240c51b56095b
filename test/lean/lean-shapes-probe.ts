/**
 * Run by test/lean/lean-shapes.test.ts under `node --allow-natives-syntax`: steps
 * the Lean mirror through generated traces and reports how many hidden
 * classes its structures had, and how many of its lists were holey.
 */
import { getObjVal, parseLeanJson } from '../../lean/LeanJson.js';
import { emptySnapshot, step, type Snapshot } from '../../lean/Machine.js';
import { parseEvent } from '../../lean/Replay.js';
import type { ObjectImage } from '../../lean/Types.js';
import { traceText, type Profile } from '../../tracegen/index.js';

type Probe = (a: unknown, b: unknown) => boolean;
// Natives syntax only parses inside code compiled at run time.
const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as Probe;
const holey = new Function('a', 'return %HasHoleyElements(a)') as (a: unknown) => boolean;

/** Distinct hidden classes among the values seen. */
class Shapes {
  private readonly reps: unknown[] = [];
  add(value: unknown): void {
    if (!this.reps.some((r) => sameMap(r, value))) this.reps.push(value);
  }
  get count(): number {
    return this.reps.length;
  }
}

const snapshots = new Shapes();
const pgInfos = new Shapes();
const peerInfos = new Shapes();
let holeyLists = 0;
let steps = 0;

const list = (xs: readonly unknown[]): void => {
  if (xs.length > 0 && holey(xs)) holeyLists++;
};
const image = (img: ObjectImage): void => list(img.entries);

function visit(snap: Snapshot): void {
  snapshots.add(snap);
  pgInfos.add(snap.localInfo);
  image(snap.localInfo.image);
  image(snap.authImage);
  list(snap.peerInfo);
  for (const [, info] of snap.peerInfo) {
    peerInfos.add(info);
    image(info.image);
  }
  list(snap.peerRecoveryPlans);
  list(snap.localRecoveryPlan);
}

const [profile, seeds, events] = [process.argv[2] as Profile, Number(process.argv[3]), Number(process.argv[4])];
for (let seed = 1; seed <= seeds; seed++) {
  let snap = emptySnapshot;
  for (const line of traceText({ seed: BigInt(seed), events, profile }).split('\n')) {
    if (!line.startsWith('{"kind":"step"')) continue;
    const event = parseEvent(getObjVal(parseLeanJson(line), 'event'));
    snap = step(snap, event).after;
    visit(snap);
    steps++;
  }
}
process.stdout.write(JSON.stringify({ steps, snapshots: snapshots.count, pgInfos: pgInfos.count, peerInfos: peerInfos.count, holeyLists }) + '\n');
