/**
 * Long: the exhaustive runs docs/exhaust.md reports, each complete, and
 * every documented class (test/fixtures/divergences/*, a cause of
 * divergences/known.json) whose fixture is short enough for a run's depth
 * found there, attributed to its cause, with a witness no longer than its
 * fixture.
 *
 * Run with `npm run test:long` (several minutes: `small` to depth 4 alone
 * checks about three million transitions).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadCauseRegistry } from '../../fuzz/catalogue/registry.js';
import { fixture, ROOT, runBin } from '../helpers.js';

const BIN = join(ROOT, 'dist', 'bin', 'replay-fuzz.js');
const WORK = mkdtempSync(join(tmpdir(), 'exhaust-long-'));
after(() => rmSync(WORK, { recursive: true, force: true }));

/** Where each documented class must turn up, or why no run here reaches it (docs/exhaust.md has the table). */
const WHERE: Readonly<Record<string, { readonly run: string } | { readonly unreachable: string }>> = {
  'whoami-minus-one-empty-acting': { run: 'small-4' },
  'peer-info-outside-peering': { run: 'small-4' },
  'support-order': { run: 'small-4' },
  'replica-join-order': { run: 'small-4' },
  'zero-length-image-entry': { run: 'small-3-ill-formed' },
  'image-not-in-object-order': { run: 'small-3-ill-formed' },
  'duplicate-object-in-image': { run: 'tiny-2-ill-formed' },
  'object-ids-printed-order': { run: 'medium-2' },
  'object-ids-printed-order-in-effects': { run: 'medium-2' },
  'initialize-self-blob-meta': { run: 'blob-meta-2' },
  'auth-blob-meta-on-refresh': { run: 'blob-meta-2' },
  'blob-meta-in-image-invariant': { run: 'blob-meta-2' },
  'activation-local-blob-meta': { run: 'blob-meta-2' },
  'osd-ids-printed-order': { run: 'osd-order-3' },
  'recovered-kept-through-down': { unreachable: 'needs eight events' },
};

const RUNS: Readonly<Record<string, readonly string[]>> = {
  'small-4': ['--scope', 'small', '--depth', '4'],
  'small-3-ill-formed': ['--scope', 'small', '--depth', '3', '--ill-formed'],
  'tiny-2-ill-formed': ['--scope', 'tiny', '--depth', '2', '--ill-formed'],
  'medium-2': ['--scope', 'medium', '--depth', '2'],
  'blob-meta-2': ['--scope', 'blob-meta', '--depth', '2'],
  // No preset has three OSDs at depth 3: this scope is the narrowest that does (docs/exhaust.md).
  'osd-order-3': ['--scope', join(WORK, 'osd-order.json'), '--depth', '3'],
};
writeFileSync(join(WORK, 'osd-order.json'), JSON.stringify({ name: 'osd-order', osds: [0, 2, 10], objects: [0], lengths: [10], epochs: [10], pool_sizes: [3], min_sizes: [1] }));

interface Exhaust {
  complete: boolean;
  depth: number;
  states: number;
  transitions_per_depth: number[];
  causes: { cause: string; known: boolean; events: number; witness: string }[];
  /** The report's duration, copied here. */
  seconds: number;
}

const results = new Map<string, Promise<Exhaust>>();

function runOnce(name: string): Promise<Exhaust> {
  let r = results.get(name);
  if (r === undefined) {
    const report = join(WORK, `${name}.json`);
    r = runBin(BIN, ['exhaust', ...RUNS[name]!, '--jobs', '2', '--no-progress', '--report', report, '--witnesses', join(WORK, name)]).then((run) => {
      assert.ok(run.code === 0 || run.code === 1, `${name}: exit ${run.code}: ${run.stderr}`);
      const r = JSON.parse(readFileSync(report, 'utf8')) as { exhaust: Exhaust; duration_s: number };
      return { ...r.exhaust, seconds: r.duration_s };
    });
    results.set(name, r);
  }
  return r;
}

/** The registry's cause for a fixture folder, and the fixture's length in events. */
function fixtureCause(name: string): { cause: string; events: number } {
  const cause = loadCauseRegistry().causes.find((c) => c.fixture?.endsWith(`/divergences/${name}`));
  assert.ok(cause !== undefined, `no registry cause has the fixture ${name}`);
  const text = readFileSync(join(fixture('divergences'), name, 'cpp-consistent.jsonl'), 'utf8');
  return { cause: cause.id, events: text.split('\n').filter((l) => l.startsWith('{"kind":"step"')).length };
}

describe('replay-fuzz exhaust, long runs', () => {
  it('every documented class has a place in the table', () => {
    const classes = readdirSync(fixture('divergences'));
    assert.deepEqual(classes.filter((c) => WHERE[c] === undefined), []);
  });

  for (const name of Object.keys(RUNS)) {
    it(`${RUNS[name]!.join(' ')} --jobs 2 completes`, async (t) => {
      const x = await runOnce(name);
      assert.equal(x.complete, true);
      const transitions = x.transitions_per_depth.reduce((a, b) => a + b, 0);
      t.diagnostic(`${x.states} states, ${transitions} transitions, ${x.causes.length} causes, ${x.seconds.toFixed(0)} s`);
      const unknown = x.causes.filter((c) => !c.known);
      t.diagnostic(unknown.length === 0 ? 'every cause known' : `not known: ${unknown.map((c) => `${c.cause} (${c.witness})`).join('; ')}`);
    });
  }

  for (const name of readdirSync(fixture('divergences'))) {
    const where = WHERE[name];
    if (where === undefined || !('run' in where)) continue;
    it(`${name}: found by ${RUNS[where.run]!.join(' ')}, no longer than its fixture`, async () => {
      const { cause, events } = fixtureCause(name);
      const x = await runOnce(where.run);
      const found = x.causes.find((c) => c.cause === cause);
      assert.ok(found !== undefined, `${cause} not among ${x.causes.map((c) => c.cause).join('; ')}`);
      assert.ok(found.events <= events, `${found.events} events, the fixture has ${events}`);
    });
  }
});
