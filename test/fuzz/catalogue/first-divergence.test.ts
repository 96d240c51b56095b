/**
 * firstDivergence steps events in lockstep instead of writing their trace
 * and checking it with `--model both`. The two must agree exactly (step,
 * from-state and the whole comparison), on explore traces and on every
 * repair attribution makes of them, or causes would change with the path.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstDivergence, firstDivergenceFrom, firstDivergenceOfTrace } from '../../../fuzz/catalogue/first-divergence.js';
import { sharedPrefix } from '../../../fuzz/catalogue/attribute.js';
import type { PairState } from '../../../replay/models/lockstep.js';
import { parseEvents, REPAIRS } from '../../../fuzz/catalogue/repairs.js';
import { extractWireEvents } from '../../../fuzz/minimize/catalogue-minimize.js';
import type { PeeringEvent } from '../../../reducer/index.js';
import { decodeEvent, parseJson } from '../../../replay/index.js';
import { traceText, type WireEvent } from '../../../tracegen/index.js';

const plain = (x: unknown): unknown => (x === undefined ? undefined : JSON.parse(JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))));

function assertSame(events: readonly WireEvent[], what: string, states?: PairState[]): boolean {
  const lockstep = firstDivergence(events, 7n, states);
  const trace = firstDivergenceOfTrace(events, 7n);
  assert.deepEqual(plain(lockstep), plain(trace), what);
  return lockstep !== undefined;
}

describe('firstDivergence in lockstep', () => {
  it('finds what the written trace checked by --model both finds, on explore traces and every repair of them, also started past the events a repair kept', () => {
    let divergent = 0;
    let repaired = 0;
    let started = 0;
    for (let seed = 1n; seed <= 40n; seed++) {
      const { events } = extractWireEvents(traceText({ seed, events: 40, profile: 'explore' }));
      const states: PairState[] = [];
      if (!assertSame(events, `explore seed ${seed}`, states)) continue;
      divergent++;
      const prefix = events.slice(0, states.length);
      const parsed = parseEvents(prefix);
      for (const repair of REPAIRS) {
        const r = repair.apply(parsed);
        if (r === undefined) continue;
        repaired++;
        assertSame(r.events, `explore seed ${seed}, ${repair.id}`);
        const start = Math.min(sharedPrefix(prefix, r), states.length - 1);
        started += start > 0 ? 1 : 0;
        assert.deepEqual(plain(firstDivergenceFrom(r.events, 7n, start, states[start]!)), plain(firstDivergenceOfTrace(r.events, 7n)), `explore seed ${seed}, ${repair.id} from event ${start}`);
      }
    }
    assert.ok(divergent >= 10 && repaired >= 20 && started >= 10, `too few cases to compare: ${divergent} divergent, ${repaired} repaired, ${started} started past event 0`);
  });

  it('an event whose text decodes to another event is judged by the written trace', () => {
    const { events } = extractWireEvents(traceText({ seed: 3n, events: 6, profile: 'lean-core' }));
    const unfaithful = [events[0]!, { text: events[1]!.text, event: events[2]!.event }, ...events.slice(2)];
    assert.notDeepEqual(decodeEvent(parseJson(unfaithful[1]!.text)) as PeeringEvent, unfaithful[1]!.event);
    assert.ok(assertSame(unfaithful, 'unfaithful second event'), 'the written trace shows the C++ side disagreeing');
  });
});
