/**
 * Unit tests of the Lean mirror, one block per mirrored Lean file, on small
 * hand-built values. Expected values come from reading the Lean definitions.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  authoritativeBlobMeta,
  authoritativeSources,
  authorityFromImage,
  authorityImageValues,
  buildPeerRecoveryPlans,
  clampImageTo,
  effectivePeerImage,
  eraseDups,
  lookupAuthority,
  lookupBlobMeta,
  lookupLength,
  normalizedPeerInfo,
} from '../../lean/Image.js';
import { computeInvariantChecks } from '../../lean/Invariants.js';
import { asInt, asNat, getObjValD, LeanJsonError, LeanNumber, LeanObject, parseLeanJson } from '../../lean/LeanJson.js';
import {
  buildProbeSet,
  chooseActingWantActing,
  emptySnapshot,
  insertPeerInfo,
  osdSetInsert,
  step,
  type Snapshot,
} from '../../lean/Machine.js';
import { normalizeByRepr, normalizeSnapshot, parseBlobMeta, parseReplayLine, parseSnapshot, reprImageEntry, reprInt, ReplayParseError } from '../../lean/Replay.js';
import { actingPrimary, natOf, peerInfo, pgInfo, type InitializeEvent, type ObjectImage } from '../../lean/Types.js';
import { appendReadable, readFromReadable, sealBlob } from '../../lean/Visibility.js';

const img = (...entries: [number, number][]): ObjectImage => ({ entries });

function initialize(fields: Partial<InitializeEvent> = {}): InitializeEvent {
  return {
    type: 'Initialize',
    pgid: 1,
    whoami: 0,
    epoch: 5,
    acting: { osds: [0, 1, 2], epoch: 5 },
    up: { osds: [0, 1, 2], epoch: 5 },
    poolSize: 3,
    poolMinSize: 2,
    localInfo: pgInfo({ pgid: 1, committedSeq: 3, committedLength: 10 }),
    priorOsds: [],
    ...fields,
  };
}

describe('Types.lean', () => {
  it('an empty acting set has no primary', () => {
    assert.equal(actingPrimary({ osds: [], epoch: 0 }), null);
    assert.equal(actingPrimary({ osds: [4, 1], epoch: 0 }), 4);
  });

  it('keeps naturals canonical: numbers while safe, bigints beyond', () => {
    assert.equal(natOf(5n), 5);
    assert.equal(natOf(2n ** 70n), 2n ** 70n);
    assert.equal(natOf(9007199254740992n), 9007199254740992n);
  });
});

describe('Image.lean', () => {
  it('lookupLength takes the longest duplicate; absent is 0', () => {
    assert.equal(lookupLength(img([0, 3], [1, 9], [0, 7], [0, 5]), 0), 7);
    assert.equal(lookupLength(img([0, 3]), 4), 0);
  });

  it('eraseDups keeps first occurrences in order', () => {
    assert.deepEqual(eraseDups([3, 1, 3, 2, 1]), [3, 1, 2]);
  });

  it('an empty image with a committed length stands for the primary object', () => {
    assert.deepEqual(effectivePeerImage(peerInfo({ committedLength: 8 })).entries, [[0, 8]]);
    assert.deepEqual(normalizedPeerInfo(peerInfo({ committedLength: 8, image: img([0, 3]) })).committedLength, 3);
  });

  it('lookupAuthority prefers the longest, and the earliest among equals', () => {
    const auth = {
      entries: [
        [0, { authorityOsd: 1, authorityLength: 5 }],
        [0, { authorityOsd: 2, authorityLength: 5 }],
        [0, { authorityOsd: 3, authorityLength: 4 }],
      ] as const,
    };
    assert.deepEqual(lookupAuthority(auth, 0), { authorityOsd: 1, authorityLength: 5 });
    assert.deepEqual(lookupAuthority(auth, 9), { authorityOsd: -1, authorityLength: 0 });
  });

  it('authority drops zero-length entries and follows list order', () => {
    assert.deepEqual(authorityFromImage(4, img([2, 0], [10, 3], [1, 2])).entries, [
      [10, { authorityOsd: 4, authorityLength: 3 }],
      [1, { authorityOsd: 4, authorityLength: 2 }],
    ]);
    const sources = authoritativeSources([peerInfo({ osd: 1, image: img([0, 4]) }), peerInfo({ osd: 2, image: img([0, 6], [3, 1]) })]);
    assert.deepEqual(authorityImageValues(sources).entries, [
      [0, 6],
      [3, 1],
    ]);
  });

  it('authoritative blob metadata needs a sealed final length equal to the authority length', () => {
    const meta = { entries: [[0, { sealed: true, finalLen: 6 }] as const, [3, { sealed: true, finalLen: 2 }] as const] };
    const infos = [peerInfo({ osd: 2, image: img([0, 6], [3, 1]), blobMeta: meta })];
    assert.deepEqual(authoritativeBlobMeta(infos, authoritativeSources(infos)).entries, [[0, { sealed: true, finalLen: 6 }]]);
    assert.deepEqual(lookupBlobMeta(meta, 7), { sealed: false, finalLen: null });
  });

  it('clampImageTo bounds by the authority and drops zeros', () => {
    assert.deepEqual(clampImageTo(img([0, 4]), img([0, 9], [1, 3])).entries, [[0, 4]]);
  });

  it('recovery plans list lagging peers with their gaps', () => {
    const auth = authorityFromImage(1, img([0, 9]));
    const plans = buildPeerRecoveryPlans(auth, 4, [peerInfo({ osd: 2, committedSeq: 4, image: img([0, 3]) }), peerInfo({ osd: 3, committedSeq: 4, image: img([0, 9]) })]);
    assert.deepEqual(plans, [{ target: 2, peerCommittedSeq: 4, authoritativeSeq: 4, recoveries: [{ obj: 0, source: 1, fromLength: 3, toLength: 9 }] }]);
  });
});

describe('Visibility.lean', () => {
  it('reads inside the readable prefix only, appends unless sealed, seals at the current length', () => {
    assert.deepEqual(readFromReadable(img([0, 5]), 0, 2, 3), { obj: 0, fromLength: 2, toLength: 5 });
    assert.equal(readFromReadable(img([0, 5]), 0, 2, 4), null);
    const appended = appendReadable({ sealed: false, finalLen: null }, img([0, 5]), 0, 2);
    assert.deepEqual(appended?.image.entries, [
      [0, 5],
      [0, 7],
    ]);
    assert.equal(appendReadable({ sealed: true, finalLen: 5 }, img([0, 5]), 0, 2), null);
    assert.deepEqual(sealBlob({ sealed: false, finalLen: null }, img([0, 5]), 0).blobMeta, { sealed: true, finalLen: 5 });
  });
});

describe('Machine.lean', () => {
  it('osdSetInsert puts new members in front; probes come out reversed', () => {
    assert.deepEqual(osdSetInsert([1, 2], 3), [3, 1, 2]);
    assert.deepEqual(osdSetInsert([1, 2], 2), [1, 2]);
    const snap: Snapshot = { ...emptySnapshot, whoami: 0, acting: { osds: [0, 1, 2], epoch: 1 }, up: { osds: [3], epoch: 1 }, priorOsds: [4, -1] };
    assert.deepEqual(buildProbeSet(snap), [4, 3, 2, 1]);
  });

  it('the peer map stays sorted by numeric OSD with one entry per key', () => {
    let map = insertPeerInfo([], 10, peerInfo({ osd: 10 }));
    map = insertPeerInfo(map, 2, peerInfo({ osd: 2 }));
    map = insertPeerInfo(map, 10, peerInfo({ osd: 10, committedSeq: 7 }));
    assert.deepEqual(
      map.map(([k, v]) => [k, v.committedSeq]),
      [
        [2, 0],
        [10, 7],
      ],
    );
  });

  it('Initialize as primary queries every peer and waits in GetPeerInfo', () => {
    const r = step(emptySnapshot, initialize());
    assert.equal(r.toState, 'GetPeerInfo');
    assert.deepEqual(
      r.effects.filter((e) => e.type === 'SendQuery').map((e) => (e.type === 'SendQuery' ? e.target : -9)),
      [2, 1],
    );
    assert.deepEqual(r.after.peersQueried, [1, 2]);
    // The primary's own entry carries the local blob metadata.
    assert.equal(r.after.peerInfo.length, 1);
  });

  it('whoami -1 with an empty acting set takes the stray path (no primary)', () => {
    const r = step(emptySnapshot, initialize({ whoami: -1, acting: { osds: [], epoch: 5 }, up: { osds: [], epoch: 5 } }));
    assert.equal(r.toState, 'Stray');
  });

  it('PeerInfoReceived is stored and refreshes authority in any state', () => {
    const stray = step(emptySnapshot, initialize({ whoami: 1 })).after;
    assert.equal(stray.state, 'Stray');
    const r = step(stray, { type: 'PeerInfoReceived', sender: 2, info: peerInfo({ osd: 2, committedSeq: 9, committedLength: 40 }), queryEpoch: 0 });
    assert.equal(r.toState, 'Stray');
    assert.equal(r.after.authSeq, 9);
    assert.deepEqual(r.after.authImage.entries, [[0, 40]]);
  });

  it('drops messages stamped before the last peering reset', () => {
    const snap = step(emptySnapshot, initialize()).after;
    const r = step(snap, { type: 'PeerInfoReceived', sender: 1, info: peerInfo({ osd: 1 }), queryEpoch: 4 });
    assert.equal(r.after, snap);
    assert.deepEqual(r.effects, []);
  });

  it('want_acting keeps acting order, complete peers first', () => {
    let snap = step(emptySnapshot, initialize({ acting: { osds: [0, 12, 3], epoch: 5 }, up: { osds: [0, 12, 3], epoch: 5 } })).after;
    snap = { ...snap, peerInfo: insertPeerInfo(insertPeerInfo(snap.peerInfo, 12, peerInfo({ osd: 12 })), 3, peerInfo({ osd: 3, committedSeq: 3, committedLength: 10 })) };
    assert.deepEqual(chooseActingWantActing(snap), [0, 3, 12]);
  });
});

describe('Invariants.lean (computeInvariantChecks)', () => {
  it('holds on the empty snapshot and after Initialize', () => {
    assert.deepEqual(computeInvariantChecks(emptySnapshot), { haveEnoughInfo: true, imageInvariant: true, imageClean: true, imageRecovering: false });
    assert.equal(computeInvariantChecks(step(emptySnapshot, initialize()).after).imageInvariant, true);
  });

  it('fails when the authority image is not backed by any known peer', () => {
    const snap = { ...emptySnapshot, authImage: img([0, 5]) };
    assert.equal(computeInvariantChecks(snap).imageInvariant, false);
    assert.equal(computeInvariantChecks(snap).imageClean, false);
  });
});

describe('Replay.lean and Lean JSON', () => {
  it('reads numbers as Lean does: 1.5e1 is 15, 1.0 and 10e-1 are not naturals', () => {
    assert.equal(asNat(parseLeanJson('1.5e1'), 'x'), 15);
    assert.equal(asNat(parseLeanJson('-0'), 'x'), 0);
    assert.equal(asNat(parseLeanJson('1E+2'), 'x'), 100);
    assert.throws(() => asNat(parseLeanJson('1.0'), 'x'));
    assert.throws(() => asNat(parseLeanJson('10e-1'), 'x'));
    assert.throws(() => asNat(parseLeanJson('-1'), 'x'));
    assert.equal(asInt(parseLeanJson('-1'), 'x'), -1);
    assert.equal(asNat(parseLeanJson('123456789012345678901234567890'), 'x'), 123456789012345678901234567890n);
    assert.throws(() => parseLeanJson('01'));
    assert.throws(() => parseLeanJson('['.repeat(200000)), LeanJsonError);
    assert.throws(() => parseLeanJson('{"a":1,}'));
    assert.ok(parseLeanJson(' [1] ') instanceof Array);
    assert.equal(parseLeanJson('2'), 2);
    assert.ok(parseLeanJson('1.0') instanceof LeanNumber);
    assert.equal(asNat(parseLeanJson('{"__proto__":3}') instanceof LeanObject ? getObjValD(parseLeanJson('{"__proto__":3}'), '__proto__') : null, 'x'), 3);
  });

  it('keeps the last of duplicate keys; a missing member reads as null', () => {
    const o = parseLeanJson('{"a":1,"a":2}');
    assert.ok(o instanceof LeanObject);
    assert.equal(asNat(getObjValD(o, 'a'), 'a'), 2);
    assert.equal(getObjValD(o, 'b'), null);
  });

  it('decodes a surrogate escape to U+0000 as Char.ofNat does', () => {
    assert.equal(parseLeanJson('"a\\ud800b"'), 'a\u0000b');
  });

  it('reads final_len null or absent as none', () => {
    assert.deepEqual(parseBlobMeta(parseLeanJson('{"sealed":true,"final_len":null}')), { sealed: true, finalLen: null });
    assert.deepEqual(parseBlobMeta(parseLeanJson('{"sealed":false}')), { sealed: false, finalLen: null });
    assert.throws(() => parseBlobMeta(parseLeanJson('{"final_len":3}')));
  });

  it('sorts by printed form: 10 before 2, -1 first', () => {
    assert.deepEqual(normalizeByRepr([2, 10, -1, 1], reprInt), [-1, 1, 10, 2]);
    assert.deepEqual(
      normalizeByRepr(
        [
          [2, 1],
          [10, 1],
          [1, 5],
        ] as [number, number][],
        reprImageEntry,
      ),
      [
        [1, 5],
        [10, 1],
        [2, 1],
      ],
    );
  });

  it('normalises set-like lists but keeps acting order', () => {
    const snap: Snapshot = { ...emptySnapshot, acting: { osds: [2, 10], epoch: 0 }, peersQueried: [2, 10] };
    const n = normalizeSnapshot(snap);
    assert.deepEqual(n.peersQueried, [10, 2]);
    assert.deepEqual(n.acting.osds, [2, 10]);
  });

  it('skips blank and non-"{" lines and rejects what Lean rejects', () => {
    assert.equal(parseReplayLine('   '), null);
    assert.equal(parseReplayLine('Cross-validation driver: seed=1'), null);
    assert.equal(parseReplayLine('[1,2]'), null);
    assert.throws(() => parseReplayLine('{"kind":"other"}'), ReplayParseError);
    assert.throws(() => parseReplayLine('{"kind":"summary","seed":1}'), ReplayParseError);
    assert.deepEqual(parseReplayLine(' {"kind":"summary","seed":1,"events":2,"extra":[]} \r'), { kind: 'summary', line: { seed: 1, events: 2 } });
  });

  it('keys parsed peer entries by their own osd, the last duplicate winning', () => {
    const base =
      '{"state":"Initial","pgid":0,"whoami":-1,"epoch":0,"acting":{"osds":[],"epoch":0},"up":{"osds":[],"epoch":0},"pool_size":0,"pool_min_size":0,' +
      '"local_info":{"pgid":0,"committed_seq":0,"committed_length":0,"image":[],"last_epoch_started":0,"last_interval_started":0,"last_epoch_clean":0,"epoch_created":0,"same_interval_since":0,"same_up_since":0,"same_primary_since":0},' +
      '"auth_seq":0,"auth_image":[],"auth_sources":[],"peers_queried":[],"peers_responded":[],"prior_osds":[],"peer_recovery_plans":[],"local_recovery_plan":[],"recovered":[],"timed_out_probes":[],"need_up_thru":false,"activated":false,"pending_acting_change":false,"last_peering_reset":0,"peer_info":';
    const peer = (seq: number) => `{"osd":3,"committed_seq":${seq},"committed_length":0,"image":[],"last_epoch_started":0,"last_interval_started":0}`;
    const snap = parseSnapshot(parseLeanJson(`${base}[${peer(1)},${peer(2)}]}`));
    assert.equal(snap.peerInfo.length, 1);
    assert.equal(snap.peerInfo[0]![1].committedSeq, 2);
    // Without peers the parsed snapshot is the empty snapshot.
    assert.deepEqual(parseSnapshot(parseLeanJson(`${base}[]}`)), emptySnapshot);
  });
});
