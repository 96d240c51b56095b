/**
 * The breadth-first search: hand-counted tiny scopes, deduplication that
 * loses nothing (the same states and findings as enumerating every sequence),
 * shards whose union is the unsharded run, and worker threads (or chunks
 * taken in any order) that change nothing but the speed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Alphabet } from '../../../fuzz/exhaust/alphabet.js';
import { createJudge, findingKey, findingOfFailure } from '../../../fuzz/exhaust/judge.js';
import { mergeExhaustReports } from '../../../fuzz/exhaust/merge.js';
import { Expander, type ChunkResult, type ExpandTask } from '../../../fuzz/exhaust/expander.js';
import { createRunner, type ChunkRunner } from '../../../fuzz/exhaust/pool.js';
import { buildReport, type ExhaustReport } from '../../../fuzz/exhaust/report.js';
import { parseScope, type Scope } from '../../../fuzz/exhaust/scope.js';
import { search, type SearchResult } from '../../../fuzz/exhaust/search.js';
import { PairChecker, ROOT, type PairState } from '../../../fuzz/exhaust/transition.js';

/** One OSD, one object, one length: a lone primary of a pool of one. */
const MICRO = parseScope({ name: 'micro', osds: [0], objects: [0], lengths: [10], epochs: [10], pool_sizes: [1], min_sizes: [1] }, 'test');
/** Two OSDs and the features of three documented classes: small, with divergences. */
const T2 = parseScope(
  { name: 't2', osds: [0, 1], objects: [0], lengths: [10], epochs: [10], pool_sizes: [2], min_sizes: [1], features: ['late-peer-info', 'whoami-none', 'empty-sets'] },
  'test',
);

async function run(scope: Scope, depth: number, options: { jobs?: number; shard?: { index: number; count: number } } = {}): Promise<SearchResult> {
  const shard = options.shard ?? { index: 1, count: 1 };
  const runner = createRunner(options.jobs ?? 1, { scope, shard });
  try {
    return await search({ depth, runner, judge: createJudge(), keepFingerprints: shard.count > 1 });
  } finally {
    await runner.close();
  }
}

function report(result: SearchResult, scope: Scope, shard: string): ExhaustReport {
  return buildReport(result, { scope, jobs: 1, shard, argv: [], meta: { tool_version: 't', node_version: process.version, git_commit: null }, startedAt: new Date(0), witnesses: new Map() });
}

/** A pool of one, late replies, whoami -1: one documented class, and few sequences (enumerable without deduplication). */
const T3 = parseScope({ name: 't3', osds: [0, 1], objects: [0], lengths: [10], epochs: [10], pool_sizes: [1], min_sizes: [1], features: ['late-peer-info', 'whoami-none'] }, 'test');

/** T2 to depth 2 in one thread, run once for the tests that compare against it. */
let t2Whole: Promise<SearchResult> | undefined;
const wholeT2 = (): Promise<SearchResult> => (t2Whole ??= run(T2, 2));

/** What must not depend on how chunks were dealt out: counts per depth, each key's cause, count, rank and witness, coverage. */
const sameness = (r: SearchResult) => ({
  levels: r.levels.map(({ ms: _ms, ...l }) => l),
  keys: r.keys.map((k) => [k.key, k.judgement.cause, k.count, k.ordinal, k.texts]),
  coverage: r.coverage,
});

/** Four slots and one expander that expands whatever is waiting last-first: chunks reach it backwards. */
class BackwardsRunner implements ChunkRunner {
  readonly capacity = 4;
  backwards = 0;
  private readonly expander: Expander;
  private readonly waiting: { task: ExpandTask; resolve: (r: ChunkResult) => void }[] = [];
  private last = -1;

  constructor(scope: Scope) {
    this.expander = new Expander(scope, { index: 1, count: 1 });
  }

  run(task: ExpandTask): Promise<ChunkResult> {
    return new Promise((resolve) => {
      if (this.waiting.push({ task, resolve }) === 1) setImmediate(() => this.flush());
    });
  }

  cpuElsewhereMs(): number {
    return 0;
  }

  private flush(): void {
    for (let w = this.waiting.pop(); w !== undefined; w = this.waiting.pop()) {
      const order = w.task.depth * 1e6 + w.task.chunk;
      if (order < this.last) this.backwards++;
      this.last = order;
      w.resolve(this.expander.expand(w.task));
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

const perDepth = (r: SearchResult, key: 'states' | 'transitions' | 'divergent') => r.levels.map((l) => l[key]);

/** Every sequence, no deduplication: distinct states per depth of first reach, and each finding key's shortest witness length. */
function enumerateAll(scope: Scope, depth: number): { states: number[]; transitions: number[]; keys: Map<string, number> } {
  const alphabet = new Alphabet(scope);
  const checker = new PairChecker();
  const firstDepth = new Map<string, number>();
  const transitions = [0];
  const keys = new Map<string, number>();
  const walk = (state: PairState): void => {
    if (state.depth === depth) return;
    for (const letter of state.depth === 0 ? alphabet.first() : alphabet.of(state.cpp)) {
      transitions[state.depth + 1] = (transitions[state.depth + 1] ?? 0) + 1;
      const o = checker.check(state, letter);
      if (o.kind === 'divergent') {
        const key = findingKey(findingOfFailure(letter, o.failure, o.step.from));
        keys.set(key, Math.min(keys.get(key) ?? Infinity, state.depth + 1));
        continue;
      }
      const key = `${o.hi >>> 0}:${o.lo >>> 0}`;
      firstDepth.set(key, Math.min(firstDepth.get(key) ?? Infinity, state.depth + 1));
      walk(o.next);
    }
  };
  walk(ROOT);
  const states = Array.from({ length: depth + 1 }, (_, d) => (d === 0 ? 1 : 0));
  for (const d of firstDepth.values()) states[d]!++;
  return { states, transitions, keys };
}

describe('replay-fuzz exhaust: the search', () => {
  it('micro scope, counted by hand', async () => {
    // Depth 1: Initialize as the lone primary of a pool of one, local info
    // empty with seq 0, empty with seq 10, or {0: 10} with seq 10, times
    // prior OSDs [], [0], [0, 0] (explore draws one or two picks of the
    // pool): 9 events. The primary goes straight to Clean and its prior
    // OSDs (only itself) leave no trace: 3 states.
    // Depth 2: Clean allows AdvanceMap (same acting, epoch 11; prior OSDs as
    // above) and ActivateCommitted: 4 events from each of 3 states. The
    // three AdvanceMaps reach one state, ActivateCommitted another: 6.
    assert.equal(new Alphabet(MICRO).first().length, 9);
    const r = await run(MICRO, 2);
    assert.deepEqual(perDepth(r, 'states'), [1, 3, 6]);
    assert.deepEqual(perDepth(r, 'transitions'), [0, 9, 12]);
    assert.deepEqual(perDepth(r, 'divergent'), [0, 0, 0]);
    assert.equal(r.complete, true);
    assert.equal(r.depthCompleted, 2);
    assert.deepEqual(r.causes, []);
  });

  it('deduplication loses nothing: the same states per depth and findings as every sequence enumerated (depth 2)', async () => {
    for (const scope of [MICRO, T3]) {
      const all = enumerateAll(scope, 2);
      const r = await run(scope, 2);
      assert.ok(scope === MICRO || r.keys.length > 0, 'T3 has findings to compare');
      assert.deepEqual(perDepth(r, 'states'), all.states, scope.name);
      assert.deepEqual(new Map(r.keys.map((k) => [k.key, k.events])), all.keys, scope.name);
      // Deduplication saves transitions only below depth 1.
      assert.equal(r.levels[1]!.transitions, all.transitions[1], scope.name);
      assert.ok(r.levels[2]!.transitions <= all.transitions[2]!, scope.name);
    }
  });

  it('finds the two documented classes T2 can reach, each at its shortest, attributed by the registry', async () => {
    const r = await wholeT2();
    const byCause = new Map(r.causes.map((c) => [c.cause, c]));
    // whoami -1 with an empty acting set, at Initialize and again when a map takes the acting set away.
    assert.deepEqual(byCause.get('whoami-minus-one-empty-acting')?.keys.map((k) => [k.key, k.events]), [
      ['lean-disagrees | Initialize in Initial | after | state', 1],
      ['lean-disagrees | AdvanceMap in Stray | after | state', 2],
    ]);
    // A reply outside peering, to a replica (Stray) and to a lone primary (Clean).
    assert.deepEqual(byCause.get('peer-info-outside-peering')?.keys.map((k) => [k.key, k.events]), [
      ['lean-disagrees | PeerInfoReceived in Stray | after | peer_info', 2],
      ['lean-disagrees | PeerInfoReceived in Clean | after | peer_info', 2],
    ]);
    assert.equal(r.causes.length, 2);
    for (const c of r.causes) {
      assert.equal(c.known, true);
      for (const k of c.keys) {
        assert.equal(k.texts.length, k.events);
        assert.match(k.texts[0]!, /^\{"type":"Initialize"/);
        assert.equal(k.failure.line, k.events, 'the witness diverges at its last step');
      }
    }
    assert.equal(r.keys.reduce((n, k) => n + k.count, 0), r.levels.reduce((n, l) => n + l.divergent, 0), 'every divergence counted under one key');
  });

  it('--jobs 2 gives exactly what --jobs 1 gives: counts, causes and witnesses', async () => {
    const one = await wholeT2();
    const two = await run(T2, 2, { jobs: 2 });
    assert.deepEqual(sameness(two), sameness(one));
  });

  it('one expander fed its chunks backwards finds the same states, counts and witnesses as in order', async () => {
    const one = await wholeT2();
    const runner = new BackwardsRunner(T2);
    const other = await search({ depth: 2, runner, judge: createJudge() });
    assert.ok(runner.backwards > 10, `chunks came backwards ${runner.backwards} times`);
    assert.deepEqual(sameness(other), sameness(one));
  });

  it('shards 1/2 and 2/2, merged, are the unsharded run: states, transitions, causes, and the union is complete', async () => {
    const whole = await wholeT2();
    const parts = [await run(T2, 2, { shard: { index: 1, count: 2 } }), await run(T2, 2, { shard: { index: 2, count: 2 } })];
    assert.ok(parts.every((p) => p.levels[1]!.transitions > 0), 'both shards got work');
    const { report: merged, problems, gaps } = mergeExhaustReports(parts.map((p, i) => report(p, T2, `${i + 1}/2`)));
    assert.deepEqual(problems, []);
    assert.deepEqual(gaps, []);
    assert.equal(merged.exhaust.complete, true);
    assert.deepEqual(merged.exhaust.states_per_depth, perDepth(whole, 'states'));
    assert.deepEqual(merged.exhaust.transitions_per_depth, perDepth(whole, 'transitions'));
    assert.deepEqual(
      new Map(merged.exhaust.causes.map((c) => [c.cause, c.events])),
      new Map(whole.causes.map((c) => [c.cause, c.first.events])),
    );
    if (merged.exhaust.overlap_states === 0) assert.deepEqual(merged.exhaust.divergent_per_depth, perDepth(whole, 'divergent'));
  });

  it('a merge missing a shard, or of an incomplete shard, says the union is not complete', async () => {
    const part = report(await run(T2, 2, { shard: { index: 1, count: 2 } }), T2, '1/2');
    const missing = mergeExhaustReports([part]);
    assert.equal(missing.report.exhaust.complete, false);
    assert.match(missing.gaps.join('\n'), /missing shard\(s\): 2\/2/);
    const other = report(await run(MICRO, 2, { shard: { index: 2, count: 2 } }), MICRO, '2/2');
    assert.match(mergeExhaustReports([part, other]).problems.join('\n'), /disagree on the scope/);
  });

  it('a budget stops cleanly: incomplete, with the depth it completed', async () => {
    const runner = createRunner(1, { scope: T2, shard: { index: 1, count: 1 } });
    const r = await search({ depth: 3, runner, judge: createJudge(), maxStates: 100 });
    await runner.close();
    assert.equal(r.complete, false);
    assert.equal(r.stoppedBy, 'max-states');
    assert.ok(r.depthCompleted < 3);
    const x = report(r, T2, '1/1').exhaust;
    assert.equal(x.complete, false);
    assert.equal(x.stopped_by, 'max-states');
  });
});
