/**
 * `--impl` reads the implementation's lines as the checker does: member
 * order and whitespace are free (docs/protocol.md), a repeated `kind` keeps
 * its last value, and a line counts as a step only when its JSON object
 * says so. A conformant implementation that writes its own layout passes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ChildGroups } from '../../../fuzz/cycle/child.js';
import { isEventLine, isStepLine, runImplCycle } from '../../../fuzz/cycle/impl.js';
import { traceLineKind } from '../../../replay/index.js';
import { fixture, ROOT } from '../../helpers.js';

const node = (script: string, ...args: string[]) => ({ file: process.execPath, args: [script, ...args] });
const kind = (text: string) => traceLineKind(Buffer.from(text));

describe('--impl: lines classified by parsing', () => {
  it('a step is a JSON object whose last "kind" is "step", whatever the layout', () => {
    assert.equal(kind('{"kind":"step","step":0}'), 'step');
    assert.equal(kind(' { "step" : 0 , "kind" : "step" }\r'), 'step');
    assert.equal(kind('{"step":0,"kind":"step"}'), 'step');
    assert.equal(kind('{"\\u006bind":"step","step":0}'), 'step');
    // A repeated member keeps its last value: these are not steps.
    assert.equal(kind('{"kind":"step","step":0,"kind":"summary"}'), 'summary');
    assert.equal(kind('{"kind":"step","x":1,"\\u006bind":"other"}'), 'other');
    // A nested "kind" is no top-level kind.
    assert.equal(kind('{"kind":"step","event":{"kind":"x"}}'), 'step');
    assert.equal(kind('{"type":"DeleteStart","info":{"kind":"step"}}'), 'event');
    assert.equal(kind('{"step":0,"kind":"step"'), 'unreadable');
    // Compact and cut short: counted by its bytes; the checker rejects it whatever it counts as.
    assert.equal(kind('{"kind":"step",'), 'step');
    assert.equal(kind('   '), 'blank');
    assert.equal(kind('# a comment'), 'skipped');
    assert.equal(kind('{"kind":"summary","seed":18446744073709551615,"events":3}'), 'summary');
  });

  it('isStepLine and isEventLine follow it', () => {
    assert.ok(isStepLine(Buffer.from('{ "step":1, "kind":"step" }')));
    assert.ok(!isStepLine(Buffer.from('{"kind":"step","kind":"summary"}')));
    assert.ok(isEventLine(Buffer.from('{ "peer" : 3 , "type" : "PeerQueryTimeout" }')));
    assert.ok(!isEventLine(Buffer.from('{ "events":1, "seed":1, "kind":"summary" }')));
  });

  it('passes a conformant implementation that reorders members and adds whitespace', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'impl-hostile-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const outcome = await runImplCycle(
      { cycle: 1, profile: 'full', seed: 21n, events: 12 },
      {
        generator: node(join(ROOT, 'dist', 'scripts', 'cross-validate.js')),
        impl: node(fixture('protocol/reformat-impl.js')),
        replayer: node(join(ROOT, 'dist', 'scripts', 'peering-replay-ts.js')),
        requireInvariant: true,
        timeoutMs: 60_000,
        traceTemp: join(dir, 'c1.jsonl'),
        signal: new AbortController().signal,
        groups: new ChildGroups(),
      },
    );
    assert.equal(outcome.reason, undefined);
    assert.equal(outcome.ok, true);
    assert.ok(outcome.events > 1);
  });
});
