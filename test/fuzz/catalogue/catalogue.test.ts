/**
 * Divergence signatures and the catalogue: the differing paths of a
 * finding are reduced to the fields its cause touches first, and findings
 * are filed by cause with the signature as a sub-key.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { witnessKey } from '../../../fuzz/catalogue/catalogue-run.js';
import { firstDivergence } from '../../../fuzz/catalogue/attribute.js';
import { extractWireEvents } from '../../../fuzz/minimize/catalogue-minimize.js';
import type { CampaignReport } from '../../../fuzz/outputs/report.js';
import { parseJsonWithFractions } from '../../../replay/index.js';
import { traceText } from '../../../tracegen/index.js';
import { bySize, ROOT } from '../../helpers.js';
import { illFormedTags } from '../../../fuzz/cycle/outcome.js';
import { Catalogue, catalogueTable, findingOf, mergeDivergences, newCauseCount, rootFields, signatureOf, topField, type CataloguedFinding, type DivergenceExample } from '../../../fuzz/catalogue/catalogue.js';

const example = (cycle: number, seed = BigInt(cycle)): DivergenceExample => ({
  cycle,
  seed,
  events: 3,
  original_events: 40,
  reproduce: `gen --seed ${seed} | check -`,
  trace: null,
  trace_path: null,
  minimized: false,
});

describe('divergence signatures', () => {
  it('names the top-level field of a path, whatever the indices and keys', () => {
    assert.equal(topField('after.peer_info[osd=3].image[0][1]'), 'peer_info');
    assert.equal(topField('after.auth_sources[0][1].authority_osd'), 'auth_sources');
    assert.equal(topField('after_checks.image_invariant'), 'image_invariant');
    assert.equal(topField('after.state'), 'state');
    assert.equal(topField('effects[2].info.image'), 'effects');
  });

  it('a stored peer report is one field, whatever it changed downstream', () => {
    const small = ['after.peer_info[osd=2]', 'after.peers_responded[1]'];
    const large = [...small, 'after.auth_seq', 'after.auth_image[0][1]', 'after.auth_sources[0][1].authority_osd', 'after.peer_recovery_plans[0]', 'after.local_recovery_plan[0].to_length'];
    const changed = ['after.peer_info[osd=2].committed_seq', 'after.peer_info[osd=2].image[0][1]', 'after.peer_info[osd=2].last_epoch_started'];
    for (const paths of [small, large, changed]) assert.deepEqual(rootFields('after', paths), ['peer_info']);
  });

  it('a different state stands for the whole path the models took', () => {
    assert.deepEqual(rootFields('after', ['after.state', 'after.peer_info[osd=-1]', 'after.pending_acting_change', 'after.peers_responded[0]']), ['state']);
  });

  it('derived fields alone: the upstream one wins, and both plans are one field', () => {
    assert.deepEqual(rootFields('after', ['after.auth_sources[1]', 'after.auth_blob_meta[0]', 'after.local_recovery_plan[0]']), ['auth_sources']);
    assert.deepEqual(rootFields('after', ['after.local_recovery_plan[0].obj']), ['recovery_plans']);
    assert.deepEqual(rootFields('after', ['after.peer_recovery_plans[0].recoveries[0].obj', 'after.local_recovery_plan[1].obj']), ['recovery_plans']);
    assert.deepEqual(rootFields('after', ['after.auth_blob_meta[0]']), ['auth_blob_meta']);
  });

  it('checks: a broken invariant carries the clean and recovering checks with it', () => {
    assert.deepEqual(rootFields('after_checks', ['after_checks.image_invariant', 'after_checks.image_recovering']), ['image_invariant']);
    assert.deepEqual(rootFields('after_checks', ['after_checks.image_invariant', 'after_checks.image_clean']), ['image_invariant']);
    assert.deepEqual(rootFields('after_checks', ['after_checks.have_enough_info']), ['have_enough_info']);
  });

  it('effects are one field; the event type tells the effect lists apart', () => {
    assert.deepEqual(rootFields('effects', ['effects[3].authoritative_image[0][0]', 'effects[4].image[1][0]']), ['effects']);
  });

  it('signatures name who disagrees, the event, the stage, the fields and any ill-formed input', () => {
    const f = findingOf({ class: 'cpp-lean-divergence', event: 'PeerInfoReceived', stage: 'after', paths: ['after.peer_info[osd=1].image[0][1]'] }, ['duplicate-object']);
    assert.equal(signatureOf(f), 'lean-disagrees | PeerInfoReceived | after | peer_info | ill-formed:duplicate-object');
    const g = findingOf({ class: 'lean-cpp-divergence', stage: 'line', paths: [] }, []);
    assert.equal(signatureOf(g), 'cpp-disagrees | - | line | -');
  });

  it('reads the ill_formed tags of the event only, not of anything after it', () => {
    assert.deepEqual(illFormedTags('{"kind":"step","event":{"type":"PeerInfoReceived","ill_formed":["unsorted","zero-length"]},"before":{}}'), ['unsorted', 'zero-length']);
    assert.deepEqual(illFormedTags('{"kind":"step","event":{"type":"X"},"before":{"ill_formed":["unsorted"]}}'), []);
    assert.deepEqual(illFormedTags(Buffer.from('{"event":{"type":"X"}}')), []);
  });
});

describe('catalogue', () => {
  const finding = (cause: string, event: string, known = true): CataloguedFinding => {
    const f = findingOf({ class: 'cpp-lean-divergence', event, stage: 'after', paths: ['after.peer_info[osd=1]'] }, []);
    return { ...f, cause, known, summary: known ? `about ${cause}` : null, docs: known ? `docs/divergences.md#${cause}` : null, fromState: 'Stray', signature: signatureOf({ ...f, event: `${event} in Stray` }), repairs: [] };
  };

  it('counts per cause and signature and keeps the earliest cycle as the example, in any arrival order', () => {
    const a = new Catalogue();
    assert.equal(a.add(finding('peer-info-outside-peering', 'PeerInfoReceived'), example(7)), true);
    assert.equal(a.add(finding('peer-info-outside-peering', 'PeerInfoReceived'), example(3)), true);
    assert.equal(a.add(finding('peer-info-outside-peering', 'Initialize'), example(5)), true);
    assert.equal(a.add(finding('peer-info-outside-peering', 'PeerInfoReceived'), example(9)), false);
    const e = a.entries();
    assert.equal(e.length, 1);
    assert.deepEqual([e[0]!.cause, e[0]!.count, e[0]!.example.cycle], ['peer-info-outside-peering', 4, 3]);
    assert.deepEqual(e[0]!.signatures.map((s) => [s.event, s.count, s.example.cycle]), [['PeerInfoReceived', 3, 3], ['Initialize', 1, 5]]);
    a.setExample('peer-info-outside-peering', e[0]!.signatures[0]!.signature, { ...example(3), events: 2, minimized: true });
    assert.equal(a.entries()[0]!.example.minimized, true);
  });

  it('lists unknown causes first, then the most frequent, and counts new signatures', () => {
    const a = new Catalogue();
    a.add(finding('zero-length-image-entry', 'Initialize'), example(1));
    a.add(finding('zero-length-image-entry', 'Initialize'), example(2));
    a.add(finding('unknown', 'PeerInfoReceived', false), example(3));
    a.add(finding('unknown', 'AdvanceMap', false), example(4));
    const e = a.entries();
    assert.deepEqual(e.map((d) => [d.cause, d.known, d.count]), [['unknown', false, 2], ['zero-length-image-entry', true, 2]]);
    assert.equal(newCauseCount(e), 2);
  });

  it('merges shard catalogues by cause and signature, summing counts', () => {
    const a = new Catalogue();
    a.add(finding('peer-info-outside-peering', 'PeerInfoReceived'), example(4));
    const b = new Catalogue();
    b.add(finding('peer-info-outside-peering', 'PeerInfoReceived'), example(2));
    b.add(finding('whoami-minus-one-empty-acting', 'AdvanceMap'), example(6));
    const m = mergeDivergences([a.entries(), b.entries()]);
    assert.deepEqual(m.map((d) => [d.cause, d.count, d.example.cycle]), [['peer-info-outside-peering', 2, 2], ['whoami-minus-one-empty-acting', 1, 6]]);
  });

  it('reads the per-signature entries of format 2 reports as unknown causes when merging', () => {
    const old = { signature: 'lean-disagrees | X | after | peer_info', count: 2, class: 'cpp-lean-divergence', event: 'X', stage: 'after', fields: ['peer_info'], ill_formed: [], example: example(1) };
    const m = mergeDivergences([[old as never]]);
    assert.deepEqual(m.map((d) => [d.cause, d.known, d.count, d.signatures.length]), [['unknown', false, 2, 1]]);
  });

  it('prints one table, a block per cause with its signatures, and the reproduce commands', () => {
    const a = new Catalogue();
    a.add(finding('peer-info-outside-peering', 'PeerInfoReceived'), example(1, 18446744073709551615n));
    a.add(finding('unknown', 'Initialize', false), example(2));
    const text = catalogueTable(a.entries());
    assert.match(text, /^Divergences by cause: 2 cause\(s\), 1 known; 2 finding\(s\) under 2 signature\(s\); new: 1\n/);
    assert.match(text, /unknown\s+NEW/);
    assert.match(text, /peer-info-outside-peering\s+yes/);
    assert.ok(text.includes('lean-disagrees | PeerInfoReceived in Stray | after | peer_info'));
    assert.ok(text.includes('seed 18446744073709551615'));
    assert.ok(text.includes('gen --seed 18446744073709551615 | check -'));
    assert.equal(catalogueTable([]), 'divergences: none\n');
  });
});

describe('replay-fuzz --profile explore --model both', () => {
  const BIN = join(ROOT, 'dist', 'bin', 'replay-fuzz.js');
  const fuzz = (args: readonly string[], cwd: string) => spawnSync(process.execPath, [BIN, ...args, '--no-progress'], { cwd, encoding: 'utf8', env: { ...process.env, TMPDIR: cwd } });
  const report = (path: string) => parseJsonWithFractions(readFileSync(path, 'utf8')) as unknown as CampaignReport;

  it('files every finding under a known cause, keeps a minimized example that shows it, exits 1, and merge adds shards up', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'catalogue-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const base = ['--profile', 'explore', '--model', 'both', '--campaign-seed', '11', '--cycles', '10', '--event-range', '32', '160'];
    const whole = fuzz([...base, '--jobs', '2', '--minimize', '--minimize-budget', '150', '--report', 'r.json', '--html', 'r.html'], dir);
    assert.equal(whole.status, 1, whole.stderr);
    assert.match(whole.stdout, /Divergences by cause: \d+ cause\(s\), \d+ known; \d+ finding\(s\) under \d+ signature\(s\); new: 0/);
    const r = report(join(dir, 'r.json'));
    const divergences = r.divergences ?? [];
    assert.ok(divergences.length >= 2, `only ${divergences.length} cause(s)`);
    assert.equal(Number(r.new_causes), 0);
    assert.equal(divergences.reduce((n, d) => n + Number(d.count), 0), Number(r.cycles.failed));
    for (const d of divergences) {
      assert.equal(d.known, true, d.cause);
      assert.equal(d.signatures.reduce((n, s) => n + Number(s.count), 0), Number(d.count));
      for (const s of d.signatures) {
        assert.equal(s.example.minimized, true, s.signature);
        assert.ok(s.example.events <= s.example.original_events);
        // The minimized trace shows the finding at its last step.
        const w = extractWireEvents(s.example.trace!);
        const first = firstDivergence(w.events, w.seed);
        assert.equal(first?.step, w.events.length - 1, s.signature);
        assert.equal(witnessKey(w), s.signature.replace(/ \| ill-formed:[\w+-]+$/, ''));
      }
    }
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    assert.match(html, new RegExp(`<h2>Divergences \\(${divergences.length}\\)</h2><p class="note">By cause`));

    for (const i of [1, 2]) assert.equal(fuzz([...base, '--shard', `${i}/2`, '--report', `s${i}.json`], dir).status, 1);
    const m = spawnSync(process.execPath, [BIN, 'merge', 's1.json', 's2.json', '--output', 'm.json'], { cwd: dir, encoding: 'utf8' });
    assert.equal(m.status, 1, m.stderr);
    const merged = report(join(dir, 'm.json'));
    const shape = (list: CampaignReport['divergences']) => (list ?? []).map((d) => [d.cause, Number(d.count), d.signatures.map((s) => [s.signature, Number(s.count), Number(s.example.cycle)])]);
    assert.deepEqual(shape(merged.divergences), shape(divergences));
    const gated = spawnSync(process.execPath, [BIN, 'merge', 's1.json', 's2.json', '--allow-known', '--output', 'm2.json'], { cwd: dir, encoding: 'utf8' });
    assert.equal(gated.status, 0, `merge --allow-known passes shards whose failures are all known: ${gated.stderr}`);
  });
});

describe('explore reaches many divergences', () => {
  const traces = bySize(60, 200);
  it(`${traces} explore traces of --events 300 show at least 8 distinct first divergences under --model both`, () => {
    const seen = new Map<string, number>();
    for (let seed = 1; seed <= traces; seed++) {
      const w = extractWireEvents(traceText({ seed: BigInt(seed), events: 300, profile: 'explore' }));
      const first = firstDivergence(w.events, w.seed);
      if (first === undefined) continue;
      const key = witnessKey({ events: w.events.slice(0, first.step + 1), seed: w.seed });
      if (key !== undefined) seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    assert.ok(seen.size >= 8, `only ${seen.size}: ${[...seen.keys()].join('; ')}`);
    assert.ok(![...seen.keys()].some((s) => s.startsWith('producer-bug')), [...seen.keys()].join('; '));
  });
});
