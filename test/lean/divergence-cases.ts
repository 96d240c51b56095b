/**
 * The C++/Lean divergence classes of docs/divergences.md as event lists.
 * For each, `traces` renders the same events twice: through the C++ port
 * (reducer/, what upstream's cross_validate would write) and through the
 * Lean mirror (what Lean's checker accepts). The fixtures in
 * test/fixtures/divergences/<class>/ are these renderings; run this file
 * with `--write` (after a build) to regenerate them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BlobMetaImage, PeeringEvent, PGInfo } from '../../lean/Types.js';
import { peerInfo, pgInfo } from '../../lean/Types.js';
import { decodeEvent } from '../../replay/input/decode.js';
import { canonicalHead } from '../../replay/check/fast-path.js';
import { parseJson } from '../../replay/input/json-lossless.js';
import { ByteWriter } from '../../tracegen/encode/byte-writer.js';
import { writeEvent } from '../../tracegen/lean-render/lean-encode.js';
import { leanEventsTraceText } from '../../tracegen/lean-render/lean-trace.js';
import { eventsTraceText } from '../../tracegen/render-events.js';
import { fixture } from '../helpers.js';

export interface DivergenceCase {
  /** Folder name under test/fixtures/divergences. */
  readonly name: string;
  readonly summary: string;
  readonly events: readonly PeeringEvent[];
}

const local = (fields: Partial<PGInfo> = {}): PGInfo => pgInfo({ pgid: 1, committedSeq: 3, committedLength: 10, ...fields });

function init(whoami: number, osds: number[], fields: Partial<PGInfo> = {}, poolMinSize = 1): PeeringEvent {
  return {
    type: 'Initialize',
    pgid: 1,
    whoami,
    epoch: 5,
    acting: { osds, epoch: 5 },
    up: { osds, epoch: 5 },
    poolSize: osds.length,
    poolMinSize,
    localInfo: local(fields),
    priorOsds: [],
  };
}

const reply = (
  sender: number,
  seq: number,
  len: number,
  image: readonly (readonly [number, number])[] = [],
  blobMeta: BlobMetaImage = { entries: [] },
): PeeringEvent => ({
  type: 'PeerInfoReceived',
  sender,
  info: peerInfo({ osd: sender, committedSeq: seq, committedLength: len, image: { entries: image }, blobMeta }),
  queryEpoch: 5,
});

const remap = (epoch: number, osds: number[], poolMinSize: number, priorOsds: number[] = []): PeeringEvent => ({
  type: 'AdvanceMap',
  newEpoch: epoch,
  newActing: { osds, epoch },
  newUp: { osds, epoch },
  newPoolSize: osds.length,
  newPoolMinSize: poolMinSize,
  priorOsds,
});

export const CASES: readonly DivergenceCase[] = [
  {
    name: 'peer-info-outside-peering',
    summary: 'PeerInfoReceived in Stray: Lean stores the reply and refreshes authority, C++ drops it',
    events: [init(1, [0, 1]), reply(0, 9, 40)],
  },
  {
    name: 'whoami-minus-one-empty-acting',
    summary: 'whoami -1 with an empty acting set: Lean has no primary (replica path), C++ compares -1 == -1 (primary path)',
    events: [init(-1, [])],
  },
  {
    name: 'initialize-self-blob-meta',
    summary: "Initialize as primary: Lean copies the local blob metadata into the primary's own peer entry",
    events: [init(0, [0, 1], { blobMeta: { entries: [[0, { sealed: true, finalLen: 10 }]] } })],
  },
  {
    name: 'zero-length-image-entry',
    summary: 'a zero-length image entry: Lean drops it from authority, C++ keeps it in auth_sources',
    events: [init(0, [0, 1]), reply(1, 3, 10, [[0, 10], [1, 0]])],
  },
  {
    name: 'duplicate-object-in-image',
    summary: 'an event image naming one object twice: Lean keeps both and looks up the longest, C++ keeps the last',
    events: [init(0, [0, 1]), reply(1, 3, 12, [[0, 12], [0, 4]])],
  },
  {
    name: 'osd-ids-printed-order',
    summary: 'prior OSDs 2 and 10: Lean normalises its cursor by printed form ("10" < "2"), so want_acting lists 10 before 2',
    events: [
      { ...(init(0, [0], {}, 1) as Extract<PeeringEvent, { type: 'Initialize' }>), poolSize: 3, priorOsds: [2, 10] },
      reply(2, 3, 10),
      reply(10, 3, 10),
    ],
  },
  {
    name: 'object-ids-printed-order',
    summary: 'objects 2 and 10 in an image: the normalised cursor lists object 10 first while the plans keep 2 first, so Lean computes image_invariant false',
    events: [init(0, [0, 1], { committedLength: 0, image: { entries: [[2, 5], [10, 5]] } })],
  },
  {
    name: 'object-ids-printed-order-in-effects',
    summary: 'objects 3 and 12 in the local image: Lean activates from its printed-order cursor, so ActivatePG, PersistState and PublishStats list object 12 before 3; effects are compared as written',
    events: [init(0, [0], { committedSeq: 40, committedLength: 0, image: { entries: [[0, 40], [3, 20], [12, 5]] } }), { type: 'UpThruUpdated', epoch: 5 }],
  },
  {
    name: 'image-not-in-object-order',
    summary: 'an image listing object 1 before object 0: Lean derives recovery-plan order from list order, C++ from object order',
    events: [init(0, [0, 1], { committedLength: 7, image: { entries: [[1, 5], [0, 7]] } })],
  },
  {
    name: 'support-order',
    summary: "sorted one-object images, peer 1 naming object 1 and peer 2 object 0: Lean's authority lists objects as it first meets them across peers (1, then 0), so its local recovery plan is [1, 0]; C++'s is [0, 1]",
    events: [
      { ...(init(0, [0, 1, 2], { committedLength: 0 }) as Extract<PeeringEvent, { type: 'Initialize' }>), poolSize: 3 },
      reply(1, 3, 0, [[1, 5]]),
      reply(2, 3, 0, [[0, 3]]),
    ],
  },
  {
    name: 'replica-join-order',
    summary: "a replica holding object 1 recovers objects 0 and 1: Lean joins images by appending, so its recovered local image lists 1 before 0 in the PersistState and PublishStats effects; C++'s lists 0 first",
    events: [
      init(1, [0, 1], { committedSeq: 0, committedLength: 0, image: { entries: [[1, 5]] } }),
      {
        type: 'ReplicaActivate',
        sender: 0,
        authInfo: peerInfo({ osd: 0, committedSeq: 3, committedLength: 5, image: { entries: [[0, 5], [1, 5]] } }),
        authSources: { entries: [] },
        authBlobMeta: { entries: [] },
        authoritativeSeq: 3,
        activationEpoch: 5,
      },
      { type: 'ReplicaRecoveryComplete', newCommittedSeq: 3, newCommittedLength: 5, recoveredImage: { entries: [[0, 5], [1, 5]] }, activationEpoch: 5 },
    ],
  },
  {
    name: 'activation-local-blob-meta',
    summary: "a primary without blob metadata hears from its only peer, whose sealed metadata covers the authority, and goes straight to Clean: Lean's activation gives the local info the authoritative blob metadata, C++ keeps the local (empty) one",
    events: [
      init(0, [0, 1], { image: { entries: [[0, 10]] }, lastEpochStarted: 5, lastIntervalStarted: 5 }),
      {
        type: 'PeerInfoReceived',
        sender: 1,
        info: peerInfo({ osd: 1, committedSeq: 3, committedLength: 10, image: { entries: [[0, 10]] }, blobMeta: { entries: [[0, { sealed: true, finalLen: 10 }]] }, lastEpochStarted: 5 }),
        queryEpoch: 5,
      },
    ],
  },
  {
    name: 'blob-meta-in-image-invariant',
    summary: "a replica activated with authoritative blob metadata its known peers do not back: C++'s image invariant compares auth_blob_meta and fails, Lean's does not compare it",
    events: [
      init(1, [0, 1], { committedLength: 0 }),
      {
        type: 'ReplicaActivate',
        sender: 0,
        authInfo: peerInfo({ osd: 0, committedSeq: 3, committedLength: 0 }),
        authSources: { entries: [] },
        authBlobMeta: { entries: [[0, { sealed: true, finalLen: 9 }]] },
        authoritativeSeq: 3,
        activationEpoch: 5,
      },
    ],
  },
  {
    name: 'auth-blob-meta-on-refresh',
    summary: "a peer's sealed blob metadata at the authority length: Lean recomputes auth_blob_meta on every refresh, C++ does not",
    events: [init(0, [0, 1]), reply(1, 3, 20, [[0, 20]], { entries: [[0, { sealed: true, finalLen: 20 }]] })],
  },
  {
    name: 'recovered-kept-through-down',
    summary: 'Recovering, then Down (min_size raised), then Clean again: Lean keeps the recovered list, the C++ snapshot hides it once Clean',
    events: [
      init(0, [0, 1, 2]),
      reply(1, 3, 5),
      reply(2, 3, 5),
      { type: 'UpThruUpdated', epoch: 5 },
      { type: 'RecoveryComplete', peer: 1, epoch: 5 },
      remap(5, [0, 1, 2], 4),
      reply(2, 3, 10),
      remap(5, [0, 1, 2], 1),
    ],
  },
];

/** Lean-form events to the C++ port's event values, through upstream's JSON. */
function cppEvents(events: readonly PeeringEvent[]) {
  return events.map((e) => decodeEvent(parseJson(eventText(e))));
}

function eventText(e: PeeringEvent): string {
  const w = new ByteWriter(1024);
  writeEvent(w, e);
  return w.text();
}

/**
 * Both renderings carry the same event bytes: the C++ port's trace gets the
 * events exactly as written (duplicates and order kept), since its own
 * encoder would rewrite images into object order.
 */
export function traces(c: DivergenceCase): { cpp: string; lean: string } {
  const cppLines = eventsTraceText(cppEvents(c.events), 1n).split('\n');
  const spliced = cppLines.map((line, i) => {
    const event = c.events[i];
    if (event === undefined) return line;
    const head = canonicalHead(Buffer.from(line));
    if (head === undefined) throw new Error(`line ${i + 1} is not in upstream's layout`);
    const bytes = Buffer.from(line);
    return bytes.subarray(0, head.eventStart).toString() + eventText(event) + bytes.subarray(head.eventEnd).toString();
  });
  return { cpp: spliced.join('\n'), lean: leanEventsTraceText(c.events, 1n) };
}

export function writeFixtures(): void {
  for (const c of CASES) {
    const dir = join(fixture('divergences'), c.name);
    mkdirSync(dir, { recursive: true });
    const t = traces(c);
    writeFileSync(join(dir, 'cpp-consistent.jsonl'), t.cpp);
    writeFileSync(join(dir, 'lean-consistent.jsonl'), t.lean);
    const expected = {
      class: c.name,
      summary: c.summary,
      'cpp-consistent.jsonl': { cpp: 'accept', lean: 'reject', both: 'cpp-lean-divergence' },
      'lean-consistent.jsonl': { cpp: 'reject', lean: 'accept', both: 'lean-cpp-divergence' },
    };
    writeFileSync(join(dir, 'expected.json'), `${JSON.stringify(expected, null, 2)}\n`);
  }
}

if (process.argv[2] === '--write' && import.meta.url === pathToFileURL(process.argv[1]!).href) writeFixtures();
