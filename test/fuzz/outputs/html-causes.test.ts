/**
 * The HTML report's divergences, per cause: known or new, description and
 * docs link, signatures, the witness's events, the first differing step
 * side by side with the differing lines marked, and a reproduce command with
 * paths relative to the working directory; states never reached in the
 * heatmap; tool metadata. Everything a run or a registry supplies is escaped.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DivergenceEntry, DivergenceExample } from '../../../fuzz/catalogue/catalogue.js';
import { stepDiff } from '../../../fuzz/catalogue/witness.js';
import { causesHtml, relativeCommand, stepDiffHtml } from '../../../fuzz/outputs/html-causes.js';
import { heatmapHtml } from '../../../fuzz/outputs/html.js';
import { docsUrl } from '../../../fuzz/outputs/meta.js';
import { extractWireEvents } from '../../../fuzz/minimize/catalogue-minimize.js';
import { EMPTY_COVERAGE } from '../../../fuzz/cycle/coverage.js';
import { readFileSync } from 'node:fs';
import { fixture } from '../../helpers.js';

const witness = readFileSync(fixture('divergences/support-order/cpp-consistent.jsonl'), 'utf8');
const example = (over: Partial<DivergenceExample> = {}): DivergenceExample => ({
  cycle: 3,
  seed: 18446744073709551615n,
  events: 3,
  original_events: 40,
  reproduce: `${process.execPath} /work/proj/dist/scripts/peering-replay-ts.js --model both /work/proj/out/x.min.jsonl`,
  trace: witness,
  trace_path: null,
  minimized: true,
  ...over,
});
const entry = (over: Partial<DivergenceEntry> = {}): DivergenceEntry => ({
  cause: 'support-order',
  known: true,
  summary: 'Lean lists objects as it first meets them',
  docs: 'docs/divergences.md#support-order',
  count: 2,
  example: example(),
  signatures: [{ signature: 'lean-disagrees | PeerInfoReceived in GetPeerInfo | after | recovery_plans', count: 2, class: 'cpp-lean-divergence', event: 'PeerInfoReceived', from_state: 'GetPeerInfo', stage: 'after', fields: ['recovery_plans'], ill_formed: [], repairs: ['first-seen-objects'], example: example() }],
  ...over,
});

describe('HTML: divergences by cause', () => {
  it('a known cause: badge, description, docs link, signatures and repairs, witness events, reproduce command', () => {
    const html = causesHtml([entry()], '/work/proj').text;
    assert.match(html, /support-order<span class="badge known">known<\/span>/);
    assert.ok(html.includes('href="https://github.com/peering-crossval/peering-crossval/blob/main/docs/divergences.md#support-order"'));
    assert.ok(html.includes('<td>first-seen-objects</td>'));
    assert.equal((html.match(/<li>/g) ?? []).length, 3, 'the three witness events');
    assert.ok(html.includes('seed 18446744073709551615, minimized to 3 of 40 events'));
    assert.ok(html.includes('<pre class="copy">node dist/scripts/peering-replay-ts.js --model both out/x.min.jsonl</pre>'));
  });

  it('an unknown cause says so; hostile text from a run or a registry is escaped', () => {
    const evil = '<script>alert(1)</script>';
    const html = causesHtml([entry({ cause: 'unknown', known: false, summary: null, docs: null, signatures: [{ ...entry().signatures[0]!, signature: evil }], example: example({ reproduce: `x ${evil}`, trace: null }) })], '/w').text;
    assert.match(html, /<span class="badge new">new<\/span>/);
    assert.match(html, /No registered cause explains these findings/);
    assert.ok(!html.includes('<script>'), html);
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.match(html, /too large to show/);
    const summaryEvil = causesHtml([entry({ summary: evil, docs: 'javascript:alert(1)' })], '/w').text;
    assert.ok(!summaryEvil.includes('<script>') && !summaryEvil.includes('href="javascript:'), summaryEvil);
  });

  it('the first differing step, C++ and Lean side by side, with the differing lines marked', () => {
    const w = extractWireEvents(witness);
    const d = stepDiff(w.events, w.seed, 2)!;
    assert.deepEqual([d.step, d.event, d.from_state], [2, 'PeerInfoReceived', 'GetPeerInfo']);
    assert.ok(d.paths.some((p) => p.startsWith('after.local_recovery_plan')), d.paths.join(' '));
    const html = stepDiffHtml(d).text;
    assert.match(html, /<th colspan="2">after\.local_recovery_plan<\/th>/);
    assert.match(html, /<span class="d">\s+&quot;obj&quot;: 0,<\/span>/, 'object 0 is where the two plans part');
  });

  it('commands keep paths outside the working directory as they are', () => {
    assert.equal(relativeCommand('/usr/bin/x /w/a/b.jsonl /other/c.jsonl', '/w'), '/usr/bin/x a/b.jsonl /other/c.jsonl');
  });

  it('docs links are into the repository unless an http(s) URL; never another scheme', () => {
    assert.equal(docsUrl('https://example.org/x#y'), 'https://example.org/x#y');
    assert.equal(docsUrl('docs/divergences.md#a'), 'https://github.com/peering-crossval/peering-crossval/blob/main/docs/divergences.md#a');
    assert.ok(docsUrl('javascript:alert(1)').startsWith('https://github.com/'));
  });
});

describe('HTML: heatmap', () => {
  it('lists the states never reached', () => {
    const c = { ...EMPTY_COVERAGE, transitions: [{ from: 'Initial', event: 'Initialize', to: 'Stray', count: 4 }] } as typeof EMPTY_COVERAGE;
    const html = heatmapHtml(c).text;
    assert.match(html, /<tr class="unreached"><th>Clean <span class="note">never reached<\/span><\/th>/);
    assert.ok(!/<tr class="unreached"><th>Stray /.test(html), 'Stray was reached as a to-state');
    assert.match(html, /States: never reached: [^.]*Clean/);
  });
});
