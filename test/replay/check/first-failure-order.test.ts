/**
 * Which failure is named when a trace has a mismatching step and, later, a
 * line Lean cannot parse: Lean parses every line first and names the parse
 * error; the streaming checker names the first failure in the file. Both
 * reject; docs/replay.md says so among the differences from Lean.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { replayTrace } from '../../../lean/Replay.js';
import { ReplayFailure, replayText } from '../../../replay/index.js';
import { traceText } from '../../../tracegen/index.js';
import { ROOT } from '../../helpers.js';

describe('streaming names the first failure, Lean the first parse error', () => {
  const lines = traceText({ seed: 11n, events: 6, profile: 'lean-core' }).split('\n');
  lines[2] = lines[2]!.replace(/"to_state":"\w+"/, '"to_state":"Stray"');
  lines[5] = '{"kind":"step",';
  const text = lines.join('\n');

  it('the same verdict, a different line', () => {
    const lean = replayTrace(text);
    assert.equal(lean.ok, false);
    assert.match((lean as { error: string }).error, /^line 6: /);
    assert.throws(
      () => replayText(text, { model: 'lean' }),
      (err: unknown) => err instanceof ReplayFailure && err.report.line === 3 && err.report.kind === 'mismatch',
    );
  });

  it("is written down in docs/replay.md's differences from the Lean checker", () => {
    const doc = readFileSync(join(ROOT, 'docs', 'replay.md'), 'utf8');
    const section = doc.slice(doc.indexOf('### Differences from the Lean checker'));
    assert.match(section, /parses every line of the trace\s+before it replays any/);
    assert.match(section, /the verdict is the same/);
  });
});
