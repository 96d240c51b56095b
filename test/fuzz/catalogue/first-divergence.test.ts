/**
 * firstDivergence steps events in lockstep instead of writing their trace
 * and checking it with `--model both`. The two must agree exactly (step,
 * from-state and the whole comparison), on explore traces and on every
 * repair attribution makes of them, or causes would change with the path.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstDivergence, firstDivergenceOfTrace } from '../../../fuzz/catalogue/attribute.js';
import { parseEvents, REPAIRS } from '../../../fuzz/catalogue/repairs.js';
import { extractWireEvents } from '../../../fuzz/minimize/catalogue-minimize.js';
import type { PeeringEvent } from '../../../reducer/index.js';
import { decodeEvent, parseJson } from '../../../replay/index.js';
import { traceText, type WireEvent } from '../../../tracegen/index.js';

const plain = (x: unknown): unknown => (x === undefined ? undefined : JSON.parse(JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))));

function assertSame(events: readonly WireEvent[], what: string): boolean {
  const lockstep = firstDivergence(events, 7n);
  const trace = firstDivergenceOfTrace(events, 7n);
  assert.deepEqual(plain(lockstep), plain(trace), what);
  return lockstep !== undefined;
}

describe('firstDivergence in lockstep', () => {
  it('finds what the written trace checked by --model both finds, on explore traces and every repair of them', () => {
    let divergent = 0;
    let repaired = 0;
    for (let seed = 1n; seed <= 40n; seed++) {
      const { events } = extractWireEvents(traceText({ seed, events: 40, profile: 'explore' }));
      if (!assertSame(events, `explore seed ${seed}`)) continue;
      divergent++;
      const parsed = parseEvents(events);
      for (const repair of REPAIRS) {
        const r = repair.apply(parsed);
        if (r === undefined) continue;
        repaired++;
        assertSame(r.events, `explore seed ${seed}, ${repair.id}`);
      }
    }
    assert.ok(divergent >= 10 && repaired >= 20, `too few cases to compare: ${divergent} divergent, ${repaired} repaired`);
  });

  it('an event whose text decodes to another event is judged by the written trace', () => {
    const { events } = extractWireEvents(traceText({ seed: 3n, events: 6, profile: 'lean-core' }));
    const unfaithful = [events[0]!, { text: events[1]!.text, event: events[2]!.event }, ...events.slice(2)];
    assert.notDeepEqual(decodeEvent(parseJson(unfaithful[1]!.text)) as PeeringEvent, unfaithful[1]!.event);
    assert.ok(assertSame(unfaithful, 'unfaithful second event'), 'the written trace shows the C++ side disagreeing');
  });
});
