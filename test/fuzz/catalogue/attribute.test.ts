/**
 * Cause attribution by repair: each repair changes only the input feature
 * it names, attribution names the cause a fixture was built for, and a
 * divergence no registered cause explains comes out `unknown`, never as
 * a known class, including when a registry lacks the class that would.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { attributeDivergence, firstDivergence } from '../../../fuzz/catalogue/attribute.js';
import { loadCauseRegistry, matchCause, primaryRepair, type CauseEvidence } from '../../../fuzz/catalogue/registry.js';
import { parseEvents, REPAIRS, type Repair } from '../../../fuzz/catalogue/repairs.js';
import { extractWireEvents } from '../../../fuzz/minimize/catalogue-minimize.js';
import type { PeeringEvent } from '../../../reducer/index.js';
import { decodeEvent, parseJson } from '../../../replay/index.js';
import type { WireEvent } from '../../../tracegen/index.js';
import { CASES, traces } from '../../lean/divergence-cases.js';

const registry = loadCauseRegistry();
const repair = (id: string): Repair => REPAIRS.find((r) => r.id === id)!;
const wire = (o: object): WireEvent => {
  const text = JSON.stringify(o);
  return { event: decodeEvent(parseJson(text)) as PeeringEvent, text };
};
const pg = (x: object = {}) => ({ pgid: 1, committed_seq: 3, committed_length: 0, image: [], blob_meta: [], last_epoch_started: 0, last_interval_started: 0, last_epoch_clean: 0, epoch_created: 0, same_interval_since: 0, same_up_since: 0, same_primary_since: 0, ...x });
const init = (x: object = {}) => wire({ type: 'Initialize', pgid: 1, whoami: 0, epoch: 5, acting: { osds: [0, 1], epoch: 5 }, up: { osds: [0, 1], epoch: 5 }, pool_size: 2, pool_min_size: 1, local_info: pg(), prior_osds: [], ...x });
const peer = (osd: number, x: object = {}) => ({ osd, committed_seq: 3, committed_length: 0, image: [], blob_meta: [], last_epoch_started: 0, last_interval_started: 0, ...x });
const reply = (from: number, x: object = {}) => wire({ type: 'PeerInfoReceived', from, info: peer(from, x), query_epoch: 5 });
const images = (events: readonly WireEvent[]) => events.map((e) => JSON.stringify((JSON.parse(e.text) as { info?: { image: unknown } }).info?.image ?? null));
const fixtureEvents = (name: string) => extractWireEvents(traces(CASES.find((c) => c.name === name)!).cpp);

describe('repairs', () => {
  it('a repair with nothing to do says so, and costs no replay', () => {
    const clean = parseEvents([init(), reply(1, { image: [{ obj: 0, len: 3 }] })]);
    for (const id of ['sort-images', 'drop-zero-length', 'dedupe-objects', 'drop-blob-meta', 'renumber-objects', 'renumber-osds', 'first-seen-objects', 'local-join-order', 'drop-replies-outside-peering', 'acting-for-whoami-none', 'dedupe-blob-meta', 'sort-blob-meta']) {
      assert.equal(repair(id).apply(clean), undefined, id);
    }
  });

  it('sorting is stable, so a duplicate keeps the entry a last-wins decoder keeps', () => {
    const events = [init(), reply(1, { image: [{ obj: 2, len: 5 }, { obj: 0, len: 7 }, { obj: 0, len: 4 }] })];
    const r = repair('sort-images').apply(parseEvents(events))!;
    assert.deepEqual(images(r.events)[1], '[{"obj":0,"len":7},{"obj":0,"len":4},{"obj":2,"len":5}]');
    assert.deepEqual(r.events[1]!.event, events[1]!.event, 'what C++ reads is unchanged');
  });

  it('dedupe keeps the last entry of an object in place; dropping zero lengths keeps the rest', () => {
    const events = [init(), reply(1, { image: [{ obj: 0, len: 12 }, { obj: 1, len: 0 }, { obj: 0, len: 4 }] })];
    assert.equal(images(repair('dedupe-objects').apply(parseEvents(events))!.events)[1], '[{"obj":1,"len":0},{"obj":0,"len":4}]');
    assert.equal(images(repair('drop-zero-length').apply(parseEvents(events))!.events)[1], '[{"obj":0,"len":12},{"obj":0,"len":4}]');
  });

  it('renumbering keeps object 0 and OSD -1, and makes printed order numeric order everywhere an id appears', () => {
    const events = [init({ acting: { osds: [10, 2], epoch: 5 }, up: { osds: [10, 2], epoch: 5 }, whoami: 2 }), reply(10, { image: [{ obj: 0, len: 1 }, { obj: 2, len: 5 }, { obj: 10, len: 5 }] })];
    const objs = repair('renumber-objects').apply(parseEvents(events))!;
    assert.equal(images(objs.events)[1], '[{"obj":0,"len":1},{"obj":1,"len":5},{"obj":2,"len":5}]');
    const osds = repair('renumber-osds').apply(parseEvents(events))!;
    const first = JSON.parse(osds.events[0]!.text) as { whoami: number; acting: { osds: number[] } };
    assert.deepEqual([first.whoami, first.acting.osds], [0, [1, 0]]);
    assert.equal((JSON.parse(osds.events[1]!.text) as { from: number }).from, 1);
  });

  it('first-seen renames objects into the order Lean meets them, spelling out an implicit object 0 first', () => {
    const { events } = fixtureEvents('support-order');
    const r = repair('first-seen-objects').apply(parseEvents(events))!;
    assert.deepEqual(images(r.events).slice(1), ['[{"obj":0,"len":5}]', '[{"obj":1,"len":3}]']);
    assert.equal(firstDivergence(r.events, 1n), undefined);
  });

  it("local join order renames objects into the order of Lean's joined image and keeps sorted images sorted", () => {
    const { events } = fixtureEvents('replica-join-order');
    const r = repair('local-join-order').apply(parseEvents(events))!;
    assert.deepEqual(images(r.events)[0], 'null');
    assert.equal(JSON.parse(r.events[0]!.text).local_info.image[0].obj, 0, "the replica's own object 1 becomes 0");
    assert.deepEqual(JSON.parse(r.events[2]!.text).recovered_image, [{ obj: 0, len: 5 }, { obj: 1, len: 5 }]);
    assert.equal(firstDivergence(r.events, 1n), undefined);
  });

  it('dropping replies outside peering keeps the index of every event it keeps', () => {
    const { events } = fixtureEvents('peer-info-outside-peering');
    const r = repair('drop-replies-outside-peering').apply(parseEvents(events))!;
    assert.deepEqual(r.kept, [0]);
  });

  it('an empty acting set gets a fresh member only while whoami is -1', () => {
    const r = repair('acting-for-whoami-none').apply(parseEvents([init({ whoami: -1, acting: { osds: [], epoch: 5 }, up: { osds: [], epoch: 5 } })]))!;
    assert.deepEqual((JSON.parse(r.events[0]!.text) as { acting: { osds: number[] } }).acting.osds, [0]);
    assert.equal(repair('acting-for-whoami-none').apply(parseEvents([init({ acting: { osds: [], epoch: 5 } })])), undefined);
  });
});

describe('attributeDivergence', () => {
  it('events on which both models agree have nothing to attribute', () => {
    const a = attributeDivergence([init(), reply(1, { image: [{ obj: 0, len: 3 }] })], 1n, registry);
    assert.deepEqual([a.diverges, a.cause, a.known], [false, 'unknown', false]);
  });

  it('is deterministic, and the signature names the from-state and only the input tags that matter', () => {
    const { events, seed } = fixtureEvents('zero-length-image-entry');
    const a = attributeDivergence(events, seed, registry);
    const b = attributeDivergence(events.map((e) => ({ ...e })), seed, registry);
    assert.deepEqual(a, b);
    assert.equal(a.signature, 'lean-disagrees | PeerInfoReceived in GetPeerInfo | after | auth_sources');
    const tagged = [events[0]!, { ...events[1]!, text: events[1]!.text.replace(/\}$/, ',"ill_formed":["zero-length","unsorted"]}') }];
    assert.equal(attributeDivergence(tagged, seed, registry).signature, 'lean-disagrees | PeerInfoReceived in GetPeerInfo | after | auth_sources | ill-formed:zero-length');
  });

  it('attributes the first divergence only: events after it change nothing', () => {
    const { events, seed } = fixtureEvents('duplicate-object-in-image');
    const longer = [...events, reply(1, { image: [{ obj: 0, len: 3 }] }), wire({ type: 'UpThruUpdated', epoch: 5 })];
    const a = attributeDivergence(longer, seed, registry);
    assert.deepEqual([a.cause, a.step], ['duplicate-object-in-image', 1]);
  });

  const unseen: [string, WireEvent[]][] = [
    ['an object twice in blob metadata', [init(), reply(1, { committed_length: 20, image: [{ obj: 0, len: 20 }], blob_meta: [{ obj: 0, sealed: true, final_len: 20 }, { obj: 0, sealed: false }] })]],
    ['the last of two blob metadata entries sealed', [init(), reply(1, { committed_length: 20, image: [{ obj: 0, len: 20 }], blob_meta: [{ obj: 0, sealed: false }, { obj: 0, sealed: true, final_len: 20 }] })]],
  ];
  for (const [what, events] of unseen) {
    it(`a divergence no registered cause explains is unknown: ${what}`, () => {
      const a = attributeDivergence(events, 1n, registry);
      assert.equal(a.diverges, true);
      assert.deepEqual([a.cause, a.known], ['unknown', false], a.signature);
    });
  }

  it('a registry without a class leaves its findings unknown instead of filing them under a neighbour', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'attribute-test-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    for (const c of registry.causes) {
      const path = join(dir, `without-${c.id}.json`);
      writeFileSync(path, JSON.stringify({ causes: registry.causes.filter((x) => x.id !== c.id) }));
      const fewer = loadCauseRegistry(path);
      const { events, seed } = fixtureEvents(c.id);
      const a = attributeDivergence(events, seed, fewer);
      assert.deepEqual([a.cause, a.known], ['unknown', false], `${c.id} without its entry: ${a.cause}`);
    }
  });
});

describe('matchCause', () => {
  const evidence = (x: Partial<CauseEvidence>): CauseEvidence => ({ class: 'cpp-lean-divergence', event: 'PeerInfoReceived', fromState: 'GetPeerInfo', stage: 'after', fields: ['auth_sources'], removedBy: [], changedBy: [], explains: {}, ...x });

  it('the primary repair is the first that removes the divergence, else the first that changes it', () => {
    assert.equal(primaryRepair(evidence({ removedBy: ['sort-images', 'first-seen-objects'], changedBy: ['drop-blob-meta'] })), 'sort-images');
    assert.equal(primaryRepair(evidence({ changedBy: ['drop-blob-meta'] })), 'drop-blob-meta');
    assert.equal(primaryRepair(evidence({})), undefined);
  });

  it('a rule holds only for the fields its repair explains', () => {
    const zero = evidence({ removedBy: ['drop-zero-length'], explains: { 'drop-zero-length': ['auth_sources'] } });
    assert.equal(matchCause(registry, zero)?.id, 'zero-length-image-entry');
    assert.equal(matchCause(registry, { ...zero, fields: ['local_info'], explains: { 'drop-zero-length': ['local_info'] } }), undefined);
    assert.equal(matchCause(registry, { ...zero, stage: 'effects' }), undefined);
    assert.equal(matchCause(registry, { ...zero, class: 'producer-bug' }), undefined);
  });
});

