/**
 * ITF export: integers as {"#bigint": "..."} (uint64 values exactly), null
 * as a variant, one state per step with each named trace's side, and
 * `diverged` from the first difference on; `peering-trace-diff --itf`
 * writes it for two traces, or for one beside the Lean mirror's rendering.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ITF_DESCRIPTION, itfOfTraces, itfValue } from '../../../replay/diff/itf.js';
import { fixture, ROOT } from '../../helpers.js';

type State = { [key: string]: any };
type Itf = { '#meta': { format: string; 'format-description': string; source: string }; vars: string[]; states: State[] };

describe('ITF values', () => {
  it('writes every integer as #bigint, exactly, and null as the None variant', () => {
    assert.deepEqual(itfValue(18446744073709551615n), { '#bigint': '18446744073709551615' });
    assert.deepEqual(itfValue(-1), { '#bigint': '-1' });
    assert.deepEqual(itfValue(null), { tag: 'None', value: {} });
    assert.deepEqual(itfValue({ a: [1, 'x', true] }), { a: [{ '#bigint': '1' }, 'x', true] });
  });

  it('lays traces side by side, one state per step, diverged from the first difference on', () => {
    const step = (n: number, len: bigint) => `{"kind":"step","step":${n},"from_state":"Initial","to_state":"Stray","event":{"type":"UpThruUpdated","epoch":${n}},"after":{"len":${len}},"after_checks":{},"effects":[]}`;
    const a = [step(0, 1n), step(1, 18446744073709551615n), '{"kind":"summary","seed":1,"events":2}'].join('\n');
    const b = [step(0, 1n), step(1, 2n)].join('\n');
    const itf = JSON.parse(itfOfTraces([{ name: 'a', text: a }, { name: 'b', text: b }], 'src', 'what', 1)) as Itf;
    assert.deepEqual(itf['#meta'], { format: 'ITF', 'format-description': ITF_DESCRIPTION, source: 'src', description: 'what' });
    assert.deepEqual(itf.vars, ['step', 'event', 'a', 'b', 'diverged']);
    assert.deepEqual(itf.states.map((s) => [s['#meta'].index, s.step['#bigint'], s.diverged]), [[0, '0', false], [1, '1', true]]);
    assert.deepEqual(itf.states[1]!.a.after.len, { '#bigint': '18446744073709551615' });
    assert.deepEqual(itf.states[1]!.event, { type: 'UpThruUpdated', epoch: { '#bigint': '1' } });
  });
});

describe('peering-trace-diff --itf', () => {
  const BIN = join(ROOT, 'dist', 'scripts', 'peering-trace-diff.js');
  const trace = fixture('divergences/support-order/cpp-consistent.jsonl');
  const lean = fixture('divergences/support-order/lean-consistent.jsonl');

  it('one trace: beside the Lean mirror rendering its events, diverged from the step the models disagree at', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'itf-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const r = spawnSync(process.execPath, [BIN, '--itf', join(dir, 'w.itf.json'), trace], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const itf = JSON.parse(readFileSync(join(dir, 'w.itf.json'), 'utf8')) as Itf;
    assert.deepEqual(itf.vars, ['step', 'event', 'trace', 'lean', 'diverged']);
    assert.deepEqual(itf.states.map((s) => s.diverged), [false, false, true]);
    const plan = (side: State) => side.after.local_recovery_plan.map((r: State) => r.obj['#bigint']);
    assert.deepEqual([plan(itf.states[2]!.trace), plan(itf.states[2]!.lean)], [['0', '1'], ['1', '0']]);
  });

  it('two traces: a and b, and the usual verdict', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'itf-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const r = spawnSync(process.execPath, [BIN, trace, lean, '--itf', join(dir, 'ab.itf.json')], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    const itf = JSON.parse(readFileSync(join(dir, 'ab.itf.json'), 'utf8')) as Itf;
    assert.deepEqual(itf.vars, ['step', 'event', 'a', 'b', 'diverged']);
    assert.equal(itf.states.length, 3);
    assert.equal(itf.states.at(-1)!.diverged, true);
  });

  it('without B and without --itf it is a usage error in one line', () => {
    const r = spawnSync(process.execPath, [BIN, trace], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^peering-trace-diff: missing trace B \(usage: peering-trace-diff <a> <b>\)\n$/);
  });
});
