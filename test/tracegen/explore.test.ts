/**
 * The explore profile: deterministic, self-consistent under the C++ port,
 * and actually reaching the input classes it exists for.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeEvent, isJsonObject, parseJson, replayText, type JsonObject, type ReplayFailure } from '../../replay/index.js';
import type { PeeringEvent } from '../../reducer/index.js';
import { EXPLORE_FEATURES, ByteWriter, eventStreamText, renderTraceWithLean, runExploreTrace, traceText, writeEvent, writeExploreEvent, type ExploreEvent } from '../../tracegen/index.js';
import { bySize, CROSS_VALIDATE, runBin } from '../helpers.js';

/** Explore traces per property: 60 in npm test, 200 at full size (test:long), or PROPERTY_RUNS. */
const RUNS = Math.max(20, Math.min(200, Number(process.env.PROPERTY_RUNS ?? bySize(60, 200))));

function encodeEvent(e: PeeringEvent): string {
  const w = new ByteWriter(1 << 12);
  writeEvent(w, e);
  return w.text();
}

function eventJson(ev: ExploreEvent): JsonObject {
  const w = new ByteWriter(1 << 12);
  writeExploreEvent(w, ev);
  const value = parseJson(w.text());
  assert.ok(isJsonObject(value));
  return value;
}

interface Reached {
  readonly seen: Set<string>;
  readonly pirStates: Set<string>;
  readonly deleteStates: Set<string>;
}

/** Names every listed input class a trace step reaches. */
function classify(index: number, ev: ExploreEvent, before: { state: string; epoch: number; acting: { osds: readonly number[] }; up: { osds: readonly number[] }; peersQueried: readonly number[]; priorOsds: readonly number[]; whoami: number }, r: Reached): void {
  const e = ev.event;
  const json = eventJson(ev);
  const text = JSON.stringify(json, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
  const seen = r.seen;
  for (const tag of (json.ill_formed as string[] | undefined) ?? []) seen.add(`ill-formed:${tag}`);
  if (/"obj":(1\d|20|100)\b/.test(text)) seen.add('object-id>=10');
  if (/"final_len":null/.test(text)) seen.add('final_len:null');
  switch (e.type) {
    case 'Initialize':
      if (index > 0) seen.add('second-initialize');
      if (e.whoami < 0) seen.add('whoami-1');
      if (e.acting.osds.length === 0) seen.add('empty-acting');
      if (e.whoami < 0 && e.acting.osds.length === 0) seen.add('whoami-1+empty-acting');
      if (e.localInfo.blobMeta.some(([, m]) => m.sealed)) seen.add('blob-meta:local');
      break;
    case 'AdvanceMap': {
      const same = JSON.stringify(e.newActing.osds) === JSON.stringify(before.acting.osds) && JSON.stringify(e.newUp.osds) === JSON.stringify(before.up.osds);
      seen.add(same ? 'advance-map:same-interval' : 'advance-map:new-interval');
      if (e.newActing.osds.includes(-1) || e.newUp.osds.includes(-1)) seen.add('hole');
      if (e.newActing.osds.some((o) => o >= 10)) seen.add('osd-id>=10');
      if (e.newActing.osds.length === 0) seen.add('empty-acting');
      if (e.newUp.osds.length === 0) seen.add('empty-up');
      break;
    }
    case 'PeerInfoReceived':
      r.pirStates.add(before.state);
      if (e.queryEpoch > 0 && e.queryEpoch < (before as unknown as { lastPeeringReset: number }).lastPeeringReset) seen.add('peer-info:stale');
      if (e.info.blobMeta.some(([, m]) => m.sealed)) seen.add('blob-meta:peer');
      for (const [, m] of e.info.blobMeta) seen.add(m.finalLen === undefined ? 'final_len:absent' : 'final_len:present');
      break;
    case 'PeerQueryTimeout':
      if (!before.peersQueried.includes(e.peer) && !before.acting.osds.includes(e.peer) && !before.priorOsds.includes(e.peer)) seen.add('timeout:unknown-peer');
      break;
    case 'ReplicaActivate':
      if (e.authBlobMeta.some(([, m]) => m.sealed) || e.authInfo.blobMeta.some(([, m]) => m.sealed)) seen.add('blob-meta:activate');
      break;
    case 'DeleteStart':
    case 'DeleteComplete':
      r.deleteStates.add(`${e.type}@${before.state}`);
      break;
    default:
      break;
  }
}

describe('cross-validate --profile explore', () => {
  it('is deterministic from the seed and differs between seeds', () => {
    for (const seed of [0n, 7n, 18446744073709551615n]) {
      assert.equal(traceText({ seed, events: 120, profile: 'explore' }), traceText({ seed, events: 120, profile: 'explore' }));
    }
    assert.notEqual(traceText({ seed: 1n, events: 120, profile: 'explore' }), traceText({ seed: 2n, events: 120, profile: 'explore' }));
  });

  it('writes traces the C++-port checker accepts, step for step', () => {
    for (let seed = 0; seed < RUNS; seed++) {
      const text = traceText({ seed: BigInt(seed), events: 200, profile: 'explore' });
      assert.doesNotThrow(() => replayText(text, { model: 'cpp' }), `seed ${seed}`);
    }
  });

  it('writes events that decode to exactly the event the C++ port stepped', () => {
    for (let seed = 0; seed < 40; seed++) {
      runExploreTrace({ seed: BigInt(seed), events: 150 }, (_i, ev) => {
        const decoded = decodeEvent(eventJson(ev));
        assert.equal(encodeEvent(decoded), encodeEvent(ev.event), `seed ${seed}`);
      });
    }
  });

  it('--emit events writes each step line\'s event member byte for byte', () => {
    for (const seed of [1n, 2n, 3n, 4n]) {
      const steps = traceText({ seed, events: 150, profile: 'explore' }).trimEnd().split('\n').slice(0, -1);
      const events = eventStreamText({ seed, events: 150, profile: 'explore' }).trimEnd().split('\n');
      assert.equal(events.pop(), `{"kind":"summary","seed":${seed},"events":${steps.length}}`);
      assert.deepEqual(events, steps.map((l) => l.slice(l.indexOf('"event":') + 8, l.indexOf(',"before":'))));
    }
  });

  it('tags every ill-formed image with what makes it ill-formed, and nothing else', () => {
    let tagged = 0;
    for (let seed = 0; seed < 80; seed++) {
      runExploreTrace({ seed: BigInt(seed), events: 200 }, (_i, ev) => {
        const json = eventJson(ev);
        const img = (json.info ?? json.auth_info ?? json.local_info) as JsonObject | undefined;
        const entries = ((img?.image ?? json.recovered_image ?? []) as JsonObject[]).map((x) => [Number(x.obj), Number(x.len)] as const);
        const tags = new Set((json.ill_formed as string[] | undefined) ?? []);
        if (tags.size > 0) tagged++;
        const objs = entries.map(([o]) => o);
        const where = `seed ${seed}: ${JSON.stringify(json)}`;
        assert.equal(entries.some(([, l]) => l === 0), tags.has('zero-length'), where);
        assert.equal(new Set(objs).size !== objs.length, tags.has('duplicate-object'), where);
        assert.equal(objs.some((o, i) => i > 0 && objs[i - 1]! > o), tags.has('unsorted'), where);
      });
    }
    assert.ok(tagged > 0);
  });

  it('reaches every input class it is meant to reach within 200 traces of 300 events', () => {
    const r: Reached = { seen: new Set(), pirStates: new Set(), deleteStates: new Set() };
    const featureCounts = new Map<string, number>();
    for (let seed = 0; seed < 200; seed++) {
      runExploreTrace({ seed: BigInt(seed), events: 300 }, (index, ev, result) => {
        if (index === 0) for (const f of ev.wire?.features ?? []) featureCounts.set(f, (featureCounts.get(f) ?? 0) + 1);
        classify(index, ev, result.before as never, r);
      });
    }
    const expected = [
      'object-id>=10',
      'osd-id>=10',
      'hole',
      'blob-meta:local',
      'blob-meta:peer',
      'blob-meta:activate',
      'final_len:present',
      'final_len:absent',
      'final_len:null',
      'ill-formed:zero-length',
      'ill-formed:unsorted',
      'ill-formed:duplicate-object',
      'peer-info:stale',
      'timeout:unknown-peer',
      'empty-acting',
      'empty-up',
      'whoami-1',
      'whoami-1+empty-acting',
      'advance-map:same-interval',
      'advance-map:new-interval',
      'second-initialize',
    ];
    for (const c of expected) assert.ok(r.seen.has(c), `never reached: ${c}`);
    // Incomplete is unreachable: the wanted acting set always holds the primary.
    for (const state of ['GetPeerInfo', 'WaitUpThru', 'Recovering', 'Clean', 'Stray', 'ReplicaActive', 'Down', 'Deleting']) {
      assert.ok(r.pirStates.has(state), `no PeerInfoReceived in ${state}`);
      assert.ok(r.deleteStates.has(`DeleteStart@${state}`) || state === 'Deleting', `no DeleteStart in ${state}`);
    }
    // Swarm testing: each feature is on in some traces and off in others.
    for (const f of EXPLORE_FEATURES) {
      const n = featureCounts.get(f) ?? 0;
      assert.ok(n > 40 && n < 160, `feature ${f} on in ${n} of 200 traces`);
    }
  });
});

describe('--model lean: the same events with the Lean mirror\'s snapshots', () => {
  it('the Lean checker accepts every such trace, its events are byte for byte the C++ rendering\'s, and both models tell which one it follows', () => {
    const eventMember = (l: string) => l.slice(l.indexOf('"event":'), l.indexOf(',"before":'));
    let diverging = 0;
    for (let seed = 0; seed < Math.min(RUNS, 60); seed++) {
      const w = new ByteWriter(1 << 16);
      renderTraceWithLean({ seed: BigInt(seed), events: 200, profile: 'explore' }, w);
      const lean = w.text();
      const cpp = traceText({ seed: BigInt(seed), events: 200, profile: 'explore' });
      assert.deepEqual(lean.split('\n').map(eventMember), cpp.split('\n').map(eventMember), `seed ${seed}`);
      assert.doesNotThrow(() => replayText(lean, { model: 'lean' }), `seed ${seed}`);
      try {
        replayText(lean, { model: 'both' });
      } catch (err) {
        assert.equal((err as ReplayFailure).report.comparison?.class, 'lean-cpp-divergence', `seed ${seed}`);
        diverging++;
      }
    }
    assert.ok(diverging > 0);
  });
});

describe('cross-validate --profile explore (bin)', () => {
  it('prints the explore banner and a summary line', async () => {
    const r = await runBin(CROSS_VALIDATE, ['--profile', 'explore', '--seed', '5', '--events', '40']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /^Cross-validation driver: seed=5 events=40 format=jsonl profile=explore\nDone\. Total events: \d+\n$/);
    assert.equal(r.stdout, traceText({ seed: 5n, events: 40, profile: 'explore' }));
  });

  it('--model lean writes the Lean rendering; it needs --format jsonl', async () => {
    const r = await runBin(CROSS_VALIDATE, ['--profile', 'explore', '--seed', '5', '--events', '40', '--model', 'lean']);
    assert.equal(r.code, 0);
    const w = new ByteWriter(1 << 16);
    renderTraceWithLean({ seed: 5n, events: 40, profile: 'explore' }, w);
    assert.equal(r.stdout, w.text());
    const legacy = await runBin(CROSS_VALIDATE, ['--model', 'lean', '--format', 'legacy']);
    assert.equal(legacy.code, 105);
    assert.equal(legacy.stderr, 'cross-validate: --model lean needs --format jsonl (run with --help for more information)\n');
  });

  it('keeps upstream wording for an unknown profile', async () => {
    const r = await runBin(CROSS_VALIDATE, ['--profile', 'explorer']);
    assert.equal(r.code, 105);
    assert.equal(r.stderr, 'cross-validate: --profile: explorer not in {full,lean-core} (run with --help for more information)\n');
  });
});
