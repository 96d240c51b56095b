/**
 * The replay checker on real traces: every stored upstream trace, TS traces
 * for hundreds of seeds of both profiles, a mutation corpus built here from
 * real traces (each edit must be caught at the right line, stage and member),
 * lean versus strict comparison, the --json report, and uint64 values above
 * 2^53 carried through a trace made consistent by the reducer.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { computeChecks, step, U64_MAX, type PeeringEvent, type StepResult } from '../../../reducer/index.js';
import {
  decodeEvent,
  decodeSnapshot,
  parseJson,
  projectSnapshot,
  ReplayFailure,
  replayText,
  stringifyJson,
  validators,
  type CompareMode,
  type FailureReport,
  type JsonObject,
  type JsonValue,
} from '../../../replay/index.js';
import { sameJson } from '../../../replay/compare/project.js';
import { eventsTraceText, runTrace, traceText, type Profile } from '../../../tracegen/index.js';
import { requireGolden, ROOT, runBin } from '../../helpers.js';

const CLI = join(ROOT, 'dist', 'scripts', 'peering-replay-ts.js');
const runCli = (args: readonly string[]) => runBin(CLI, args);

// ── Helpers ──────────────────────────────────────────────────────────────

const J = (v: JsonValue | undefined): JsonObject => v as JsonObject;
const A = (v: JsonValue | undefined): JsonValue[] => v as JsonValue[];

/** Lines of a trace text, without the final empty string. */
function splitLines(text: string): string[] {
  const lines = text.split('\n');
  assert.equal(lines.pop(), '', 'a trace ends with a newline');
  return lines;
}

const joinLines = (lines: readonly string[]): string => lines.map((l) => `${l}\n`).join('');

/** Edits one parsed line losslessly (member order and big integers kept). */
function editLine(line: string, change: (j: JsonObject) => void): string {
  const j = J(parseJson(line));
  change(j);
  return stringifyJson(j);
}

/** The report of a replay that must fail. */
function failure(text: string, mode: CompareMode = 'lean'): FailureReport {
  try {
    replayText(text, { mode });
  } catch (err) {
    if (err instanceof ReplayFailure) return err.report;
    throw err;
  }
  return assert.fail(`the ${mode} replay accepted the trace`);
}

interface Trace {
  readonly lines: string[];
  readonly events: PeeringEvent[];
  readonly results: StepResult[];
}

function makeTrace(profile: Profile, seed: bigint, events: number): Trace {
  const evs: PeeringEvent[] = [];
  const results: StepResult[] = [];
  runTrace({ profile, seed, events }, (_i, event, result) => {
    evs.push(event);
    results.push(result);
  });
  const lines = splitLines(traceText({ profile, seed, events }));
  assert.equal(lines.length, evs.length + 1);
  return { lines, events: evs, results };
}

/** Step lines for `events` run through the reducer from the empty snapshot, plus a summary. */
const renderEvents = (events: readonly PeeringEvent[], seed: bigint): string => eventsTraceText(events, seed);


const hasDiff = (r: FailureReport, path: string, expected?: string, actual?: string): boolean =>
  r.diff.some((d) => d.path === path && (expected === undefined || d.expected === expected) && (actual === undefined || d.actual === actual));

// ── (a) stored upstream traces ───────────────────────────────────────────

describe('stored upstream traces', () => {
  const dir = join(requireGolden(), 'traces');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl.gz'))
    .sort();

  it('are all there', () => assert.equal(files.length, 94));

  it('each replays ok in lean and strict mode, steps = lines - 1, one summary', () => {
    for (const file of files) {
      const text = gunzipSync(readFileSync(join(dir, file))).toString('utf8');
      const lines = splitLines(text).length;
      for (const mode of ['lean', 'strict'] as const) {
        let stats;
        try {
          stats = replayText(text, { mode });
        } catch (err) {
          assert.fail(`${file} (${mode}): ${err instanceof ReplayFailure ? JSON.stringify(err.report).slice(0, 600) : String(err)}`);
        }
        assert.equal(stats.steps, lines - 1, `${file} (${mode}) steps`);
        assert.equal(stats.summaries, 1, `${file} (${mode}) summaries`);
        assert.equal(stats.slowLines, 1, `${file} (${mode}): every step line should match byte for byte (only the summary is parsed)`);
      }
    }
  });

  it('also replay ok through the general (parse-and-compare) path', () => {
    // A space after the opening brace defeats the byte-level fast path.
    for (const file of files.filter((_f, i) => i % 3 === 0)) {
      const text = gunzipSync(readFileSync(join(dir, file))).toString('utf8');
      const spaced = text.replace(/^\{"kind"/gm, '{ "kind"');
      const lines = splitLines(text).length;
      for (const mode of ['lean', 'strict'] as const) {
        const stats = replayText(spaced, { mode });
        assert.equal(stats.steps, lines - 1, `${file} (${mode})`);
        assert.equal(stats.slowLines, lines, `${file} (${mode}) took the general path`);
      }
    }
  });
});

// ── (b) TS traces for many seeds ─────────────────────────────────────────

describe('TS traces for many seeds', () => {
  const TWO_32 = 1n << 32n;
  const TWO_64 = 1n << 64n;
  /** 200 seeds: small, around 2^31 and 2^32, and near 2^64, with event counts 0..120. */
  const seeds = (profile: Profile): { seed: bigint; events: number }[] => {
    const out: { seed: bigint; events: number }[] = [];
    const offset = profile === 'full' ? 7n : 0n;
    for (let i = 0n; i < 80n; i++) out.push({ seed: i + offset, events: Number(i % 7n) * 9 });
    for (let i = 0n; i < 40n; i++) out.push({ seed: TWO_32 - 20n + i * 3n, events: 5 + Number(i % 5n) * 11 });
    for (let i = 0n; i < 40n; i++) out.push({ seed: (TWO_32 << 8n) + i * 1_000_003n + offset, events: 30 + Number(i % 4n) * 30 });
    for (let i = 0n; i < 40n; i++) out.push({ seed: TWO_64 - 1n - i * 65_537n - offset, events: Number(i % 6n) * 20 + 1 });
    return out;
  };

  for (const profile of ['lean-core', 'full'] as const) {
    it(`${profile}: 200 seeds replay ok (lean; strict for every fourth)`, () => {
      const list = seeds(profile);
      assert.equal(list.length, 200);
      assert.ok(list.some((s) => s.seed >= TWO_32) && list.some((s) => s.seed === TWO_64 - 1n - (profile === 'full' ? 7n : 0n)));
      let totalSteps = 0;
      list.forEach(({ seed, events }, i) => {
        const text = traceText({ profile, seed, events });
        const lines = text.length - text.replaceAll('\n', '').length;
        const modes: CompareMode[] = i % 4 === 0 ? ['lean', 'strict'] : ['lean'];
        for (const mode of modes) {
          let stats;
          try {
            stats = replayText(text, { mode });
          } catch (err) {
            assert.fail(`${profile} seed ${seed} events ${events} (${mode}): ${err instanceof ReplayFailure ? JSON.stringify(err.report).slice(0, 600) : String(err)}`);
          }
          assert.equal(stats.steps, lines - 1, `seed ${seed}: steps`);
          assert.equal(stats.summaries, 1);
        }
        assert.ok(text.endsWith(`{"kind":"summary","seed":${seed},"events":${lines - 1}}\n`), `seed ${seed}: summary keeps the exact seed`);
        totalSteps += lines - 1;
      });
      assert.ok(totalSteps > 2000, `only ${totalSteps} steps replayed`);
    });
  }
});

// ── (c) mutation corpus ──────────────────────────────────────────────────

describe('mutations of real traces are caught at the right place', () => {
  const base = makeTrace('full', 11n, 60);
  const steps = base.lines.length - 1;
  const line = (k: number) => J(parseJson(base.lines[k]!));
  const eventType = (k: number) => base.events[k]!.type;
  /** The base trace with line `k` (0-based step) replaced. */
  const withLine = (k: number, text: string) => joinLines(base.lines.map((l, i) => (i === k ? text : l)));
  /** A step index satisfying `pred`, preferring the middle of the trace. */
  const pick = (pred: (k: number) => boolean, what: string): number => {
    const order = Array.from({ length: steps }, (_x, i) => (i + Math.floor(steps / 2)) % steps);
    const k = order.find(pred);
    assert.ok(k !== undefined, `no step with ${what} in the base trace`);
    return k;
  };
  /** Both modes reject at the same line, step and stage. */
  const rejected = (text: string, k: number, stage: string): FailureReport => {
    const lean = failure(text, 'lean');
    const strict = failure(text, 'strict');
    for (const r of [lean, strict]) {
      assert.equal(r.kind, 'mismatch', r.message);
      assert.equal(r.line, k + 1, 'line');
      assert.equal(r.step, k, 'step');
      assert.equal(r.stage, stage, `stage (${r.message})`);
    }
    assert.deepEqual(strict.diff, lean.diff, 'canonical traces give the same diff in both modes');
    return lean;
  };

  it('starts from a trace with enough variety that replays ok', () => {
    assert.ok(steps >= 20, `${steps} steps`);
    assert.equal(replayText(joinLines(base.lines)).steps, steps);
    assert.equal(replayText(joinLines(base.lines), { mode: 'strict' }).steps, steps);
    // Lossless edit round trip, so only the intended member changes.
    for (const l of base.lines) assert.equal(editLine(l, () => undefined), l);
  });

  it('a flipped after check: stage after_checks, trace-invariant', () => {
    const k = pick((i) => i > 0, 'any');
    const was = J(line(k).after_checks).image_clean as boolean;
    const r = rejected(withLine(k, editLine(base.lines[k]!, (j) => (J(j.after_checks).image_clean = !was))), k, 'after_checks');
    assert.equal(r.event, eventType(k));
    assert.ok(hasDiff(r, 'after_checks.image_clean', String(!was), String(was)), JSON.stringify(r.diff));
    assert.equal(r.diff.length, 1);
    assert.equal(r.triage, 'trace-invariant');
    assert.match(r.triageReason, /after_checks disagree with checks recomputed from its own after snapshot/);
  });

  it('a flipped before check: stage before_checks, trace-invariant', () => {
    const k = pick((i) => i > 0, 'any');
    const was = J(line(k).before_checks).have_enough_info as boolean;
    const r = rejected(withLine(k, editLine(base.lines[k]!, (j) => (J(j.before_checks).have_enough_info = !was))), k, 'before_checks');
    assert.ok(hasDiff(r, 'before_checks.have_enough_info', String(!was), String(was)), JSON.stringify(r.diff));
    assert.equal(r.triage, 'trace-invariant');
    assert.match(r.triageReason, /before_checks disagree/);
  });

  /** Expected triage for an edited after snapshot, from the trace's own checks. */
  const triageOfAfter = (edited: JsonObject): string => {
    const own = computeChecks(decodeSnapshot(edited.after!));
    const recorded = J(edited.after_checks);
    const same =
      own.haveEnoughInfo === recorded.have_enough_info &&
      own.imageInvariant === recorded.image_invariant &&
      own.imageClean === recorded.image_clean &&
      own.imageRecovering === recorded.image_recovering;
    return same && own.imageInvariant ? 'reducer-disagreement' : 'trace-invariant';
  };

  it('a changed image length in after: stage after, diff at that entry', () => {
    const k = pick((i) => A(J(line(i).after).auth_image).length > 0, 'a non-empty after.auth_image');
    const entry = J(A(J(line(k).after).auth_image)[0]);
    const len = entry.len as number;
    const edited = editLine(base.lines[k]!, (j) => (J(A(J(j.after).auth_image)[0]).len = len + 1));
    const r = rejected(withLine(k, edited), k, 'after');
    assert.ok(hasDiff(r, `after.auth_image[obj=${String(entry.obj)}].len`, String(len + 1), String(len)), JSON.stringify(r.diff));
    assert.equal(r.triage, triageOfAfter(J(parseJson(edited))));
  });

  it('a changed committed_length of a peer in after: stage after, diff keyed by osd', () => {
    const k = pick((i) => A(J(line(i).after).peer_info).length > 0, 'a non-empty after.peer_info');
    const peer = J(A(J(line(k).after).peer_info)[0]);
    const len = peer.committed_length as number;
    const edited = editLine(base.lines[k]!, (j) => (J(A(J(j.after).peer_info)[0]).committed_length = len + 7));
    const r = rejected(withLine(k, edited), k, 'after');
    assert.ok(hasDiff(r, `after.peer_info[osd=${String(peer.osd)}].committed_length`, String(len + 7), String(len)), JSON.stringify(r.diff));
    assert.equal(r.triage, triageOfAfter(J(parseJson(edited))));
  });

  it('a dropped effect: stage effects, the replayed effect is listed as extra', () => {
    const k = pick((i) => A(line(i).effects).length >= 2, 'two or more effects');
    const effects = A(line(k).effects);
    const dropped = J(effects[effects.length - 1]);
    const r = rejected(withLine(k, editLine(base.lines[k]!, (j) => A(j.effects).pop())), k, 'effects');
    const entry = r.diff.find((d) => d.path === `effects[type=${String(dropped.type)}]`);
    assert.ok(entry, JSON.stringify(r.diff));
    assert.equal(entry.expected, undefined);
    assert.ok(sameJson(parseJson(entry.actual!), dropped), `${entry.actual} is the dropped effect`);
    assert.equal(r.triage, 'reducer-disagreement');
  });

  it('an extra effect: stage effects, the trace effect is listed as missing', () => {
    const k = pick((i) => A(line(i).effects).length >= 1, 'an effect');
    const extra = J(A(line(k).effects)[0]);
    const r = rejected(withLine(k, editLine(base.lines[k]!, (j) => A(j.effects).push(extra))), k, 'effects');
    const entry = r.diff.find((d) => d.path === `effects[type=${String(extra.type)}]`);
    assert.ok(entry, JSON.stringify(r.diff));
    assert.equal(entry.actual, undefined);
    assert.ok(sameJson(parseJson(entry.expected!), extra));
    assert.equal(r.triage, 'reducer-disagreement');
  });

  it('a changed member of one effect: the diff names that member', () => {
    const k = pick((i) => A(line(i).effects).some((f) => J(f).type === 'SendQuery'), 'a SendQuery effect');
    const at = A(line(k).effects).findIndex((f) => J(f).type === 'SendQuery');
    const epoch = J(A(line(k).effects)[at]).epoch as number;
    const r = rejected(withLine(k, editLine(base.lines[k]!, (j) => (J(A(j.effects)[at]).epoch = epoch + 1000))), k, 'effects');
    assert.ok(hasDiff(r, 'effects[type=SendQuery].epoch', String(epoch + 1000), String(epoch)), JSON.stringify(r.diff));
  });

  it('a swapped event type (a swap that changes the outcome): stage after, reducer-disagreement', () => {
    const lean = validators(false);
    const strict = validators(true);
    let found: { k: number; type: string; to: string; strictValid: boolean } | undefined;
    search: for (let k = 1; k < steps; k++) {
      for (const type of lean.eventByType.keys()) {
        if (type === eventType(k) || type === 'Initialize') continue;
        const swapped = { ...J(line(k).event), type };
        if (!lean.eventByType.get(type)!(swapped)) continue; // members do not fit the new type
        const to = step(base.results[k]!.before, decodeEvent(swapped)).to;
        if (to !== base.results[k]!.to) {
          found = { k, type, to, strictValid: strict.eventByType.get(type)!(swapped) };
          break search;
        }
      }
    }
    assert.ok(found, 'no outcome-changing event swap in the base trace');
    const { k, type, to } = found;
    const text = withLine(k, editLine(base.lines[k]!, (j) => (J(j.event).type = type)));
    const r = failure(text, 'lean');
    assert.equal(r.kind, 'mismatch');
    assert.equal(r.line, k + 1);
    assert.equal(r.step, k);
    assert.equal(r.stage, 'after');
    assert.equal(r.event, type);
    assert.ok(hasDiff(r, 'after.state', JSON.stringify(base.results[k]!.to), JSON.stringify(to)), JSON.stringify(r.diff));
    assert.equal(r.triage, 'reducer-disagreement');
    // Strict mode also rejects the line: as the same mismatch, or for the old type's members.
    const s = failure(text, 'strict');
    assert.equal(s.line, k + 1);
    if (found.strictValid) assert.equal(s.stage, 'after');
    else assert.match(s.message, /^schema: \/event: unknown member /);
  });

  it('two adjacent lines swapped: malformed, step out of order at the first of them', () => {
    const k = pick((i) => i > 0 && i + 1 < steps, 'an inner step');
    const lines = [...base.lines];
    [lines[k], lines[k + 1]] = [lines[k + 1]!, lines[k]!];
    for (const mode of ['lean', 'strict'] as const) {
      const r = failure(joinLines(lines), mode);
      assert.equal(r.kind, 'malformed');
      assert.equal(r.line, k + 1);
      assert.equal(r.step, k + 1);
      assert.equal(r.stage, 'line');
      assert.equal(r.message, `step ${k + 1} out of order (expected step ${k})`);
      assert.equal(r.triage, 'parse');
    }
  });

  it('two adjacent steps swapped and renumbered: stage input, trace-invariant, diff in before', () => {
    const k = pick(
      (i) => i > 0 && i + 1 < steps && !sameJson(projectSnapshot(J(line(i).before)), projectSnapshot(J(line(i + 1).before))),
      'two adjacent steps with different before snapshots',
    );
    const lines = [...base.lines];
    lines[k] = editLine(base.lines[k + 1]!, (j) => (j.step = k));
    lines[k + 1] = editLine(base.lines[k]!, (j) => (j.step = k + 1));
    const r = rejected(joinLines(lines), k, 'input');
    assert.equal(r.event, eventType(k + 1));
    assert.ok(r.diff.length > 0 && r.diff.every((d) => d.path.startsWith('before.')), JSON.stringify(r.diff));
    assert.equal(r.triage, 'trace-invariant');
    assert.match(r.triageReason, /does not start from the previous step's after snapshot/);
  });

  it('a first step that does not start from the empty snapshot: stage input', () => {
    const r = rejected(withLine(0, editLine(base.lines[0]!, (j) => (J(j.before).epoch = 3))), 0, 'input');
    assert.ok(hasDiff(r, 'before.epoch', '3', '0'), JSON.stringify(r.diff));
    assert.match(r.triageReason, /first step does not start from the empty snapshot/);
  });

  it('a changed to_state: stage to_state', () => {
    const k = pick((i) => i > 0, 'any');
    const to = base.results[k]!.to;
    const other = to === 'Deleting' ? 'Reset' : 'Deleting';
    const r = rejected(withLine(k, editLine(base.lines[k]!, (j) => (j.to_state = other))), k, 'to_state');
    assert.ok(hasDiff(r, 'to_state', JSON.stringify(other), JSON.stringify(to)));
  });
});

// ── (d) lean versus strict ───────────────────────────────────────────────

describe('lean versus strict comparison', () => {
  const base = makeTrace('full', 3n, 60);
  const steps = base.lines.length - 1;
  const line = (k: number) => J(parseJson(base.lines[k]!));
  const withLine = (k: number, text: string) => joinLines(base.lines.map((l, i) => (i === k ? text : l)));

  it('reversed effects pass lean (a multiset) but fail strict with an "effects (order)" entry', () => {
    const k = Array.from({ length: steps }, (_x, i) => i).find((i) => {
      const types = A(line(i).effects).map((f) => J(f).type);
      return new Set(types).size >= 2;
    });
    assert.ok(k !== undefined, 'a step with two different effect types');
    const effects = A(line(k).effects);
    const types = (list: JsonValue[]) => `[${list.map((f) => String(J(f).type)).join(',')}]`;
    const text = withLine(k, editLine(base.lines[k]!, (j) => A(j.effects).reverse()));
    assert.equal(replayText(text, { mode: 'lean' }).steps, steps);
    const r = failure(text, 'strict');
    assert.equal(r.kind, 'mismatch');
    assert.equal(r.line, k + 1);
    assert.equal(r.stage, 'effects');
    assert.deepEqual(r.diff, [{ path: 'effects (order)', expected: types([...effects].reverse()), actual: types(effects) }]);
  });

  it('edited recovery_targets pass lean (Lean does not read them) but fail strict', () => {
    const k = Math.floor(steps / 2);
    const targets = A(J(line(k).after).recovery_targets) as number[];
    const edited = [...targets, 77].sort((a, b) => a - b);
    const text = withLine(k, editLine(base.lines[k]!, (j) => (J(j.after).recovery_targets = edited)));
    assert.equal(replayText(text, { mode: 'lean' }).steps, steps);
    const r = failure(text, 'strict');
    assert.equal(r.kind, 'mismatch');
    assert.equal(r.line, k + 1);
    assert.equal(r.stage, 'after');
    assert.ok(hasDiff(r, 'after.recovery_targets', stringifyJson(edited), stringifyJson(targets)), JSON.stringify(r.diff));
  });

  it('recovery_targets omitted entirely pass lean but are a missing member in strict', () => {
    const k = Math.floor(steps / 3);
    const text = withLine(k, editLine(base.lines[k]!, (j) => delete J(j.before).recovery_targets));
    assert.equal(replayText(text, { mode: 'lean' }).steps, steps);
    const r = failure(text, 'strict');
    assert.equal(r.kind, 'malformed');
    assert.equal(r.line, k + 1);
    assert.equal(r.message, 'schema: /before: missing member "recovery_targets"');
  });

  for (const [where, add, message] of [
    ['the line', (j: JsonObject) => (j.x_note = 'hi'), 'schema: /: unknown member "x_note"'],
    ['the after snapshot', (j: JsonObject) => (J(j.after).x_note = 1), 'schema: /after: unknown member "x_note"'],
    ['the event', (j: JsonObject) => (J(j.event).x_note = [1, 2]), 'schema: /event: unknown member "x_note"'],
  ] as const) {
    it(`an unknown member in ${where} passes lean and is rejected by strict`, () => {
      const k = 5;
      const text = withLine(k, editLine(base.lines[k]!, add));
      assert.equal(replayText(text, { mode: 'lean' }).steps, steps);
      const r = failure(text, 'strict');
      assert.equal(r.kind, 'malformed');
      assert.equal(r.line, k + 1);
      assert.equal(r.message, message);
    });
  }

  it('reordered set members and peer entries pass lean (sorted/keyed) but fail strict', () => {
    const k = Array.from({ length: steps }, (_x, i) => i).find(
      (i) => A(J(line(i).after).peers_responded).length >= 2 && A(J(line(i).after).peer_info).length >= 2,
    );
    assert.ok(k !== undefined, 'a step with two responding peers');
    const sets = withLine(k, editLine(base.lines[k]!, (j) => A(J(j.after).peers_responded).reverse()));
    assert.equal(replayText(sets, { mode: 'lean' }).steps, steps);
    const r1 = failure(sets, 'strict');
    assert.equal(r1.stage, 'after');
    assert.deepEqual(
      r1.diff.map((d) => d.path),
      ['after.peers_responded'],
    );

    const peers = withLine(k, editLine(base.lines[k]!, (j) => A(J(j.after).peer_info).reverse()));
    assert.equal(replayText(peers, { mode: 'lean' }).steps, steps);
    const r2 = failure(peers, 'strict');
    assert.equal(r2.stage, 'after');
    const osds = A(J(line(k).after).peer_info).map((p) => String(J(p).osd));
    assert.deepEqual(r2.diff, [{ path: 'after.peer_info (order)', expected: `[${[...osds].reverse().join(',')}]`, actual: `[${osds.join(',')}]` }]);
  });
});

// ── (e) the --json report ────────────────────────────────────────────────

describe('the bin reports', () => {
  let dir = '';
  const base = makeTrace('lean-core', 5n, 12);
  const k = 2;
  const flipped = joinLines(base.lines.map((l, i) => (i === k ? editLine(l, (j) => (J(j.after_checks).image_invariant = !J(j.after_checks).image_invariant)) : l)));
  const torn = joinLines(base.lines.slice(0, 3)) + base.lines[3]!.slice(0, 100);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'replay-test-'));
    writeFileSync(join(dir, 'ok.jsonl'), joinLines(base.lines));
    writeFileSync(join(dir, 'flipped.jsonl'), flipped);
    writeFileSync(join(dir, 'torn.jsonl'), torn);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--json on a mismatch: exit 1, one JSON object on stdout with the failure fields, nothing on stderr', async () => {
    for (const mode of ['lean', 'strict'] as const) {
      const r = await runCli(['--json', ...(mode === 'strict' ? ['--model', 'cpp', '--strict'] : []), join(dir, 'flipped.jsonl')]);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, '');
      assert.ok(r.stdout.endsWith('}\n') && !r.stdout.slice(0, -1).includes('\n'), 'one line');
      const report = JSON.parse(r.stdout) as { ok: boolean; mode: string; steps: number; summaries: number; failure: FailureReport };
      assert.equal(report.ok, false);
      assert.equal(report.mode, mode);
      assert.equal(report.steps, k, 'steps verified before the failing one');
      assert.equal(report.summaries, 0);
      const f = report.failure;
      assert.equal(f.kind, 'mismatch');
      assert.equal(f.line, k + 1);
      assert.equal(f.step, k);
      assert.equal(f.event, base.events[k]!.type);
      assert.equal(f.stage, 'after_checks');
      assert.equal(f.message, 'after checks differ');
      assert.equal(f.triage, 'trace-invariant');
      assert.equal(typeof f.triageReason, 'string');
      assert.ok(f.triageReason.length > 10);
      const was = J(J(parseJson(base.lines[k]!)).after_checks).image_invariant as boolean;
      assert.deepEqual(f.diff, [{ path: 'after_checks.image_invariant', expected: String(!was), actual: String(was) }]);
    }
  });

  it('--json on malformed input: exit 3, failure kind malformed with the line', async () => {
    const r = await runCli(['--json', join(dir, 'torn.jsonl')]);
    assert.equal(r.code, 3);
    assert.equal(r.stderr, '');
    const report = JSON.parse(r.stdout) as { ok: boolean; steps: number; failure: FailureReport };
    assert.equal(report.ok, false);
    assert.equal(report.steps, 3);
    assert.equal(report.failure.kind, 'malformed');
    assert.equal(report.failure.line, 4);
    assert.equal(report.failure.stage, 'line');
    assert.equal(report.failure.triage, 'parse');
    assert.match(report.failure.message, /^truncated final line \(no newline; torn write\?\): /);
    assert.deepEqual(report.failure.diff, []);
  });

  it('--json on success: ok, mode, counts and notes', async () => {
    const r = await runCli(['--json', '--model', 'cpp', '--strict', join(dir, 'ok.jsonl')]);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.deepEqual(JSON.parse(r.stdout), { ok: true, model: 'cpp', mode: 'strict', steps: base.lines.length - 1, summaries: 1, notes: [] });
  });

  it('text report on a mismatch: location line, triage line, one diff line', async () => {
    const r = await runCli([join(dir, 'flipped.jsonl')]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.split('\n');
    assert.equal(lines.pop(), '');
    const was = J(J(parseJson(base.lines[k]!)).after_checks).image_invariant as boolean;
    assert.deepEqual(lines.length, 3, r.stderr);
    assert.equal(lines[0], `replay mismatch at line ${k + 1}, step ${k}, ${base.events[k]!.type}: after checks differ`);
    assert.match(lines[1]!, /^triage: trace-invariant: .+/);
    assert.equal(lines[2], `  after_checks.image_invariant: expected ${!was}, actual ${was}`);
  });
});

// ── (f) uint64 above 2^53 ────────────────────────────────────────────────

describe('uint64 values above 2^53', () => {
  const U64_MAX_TEXT = '18446744073709551615';
  const PGID = 9007199254740993n; // 2^53 + 1: not representable as a double
  const events: PeeringEvent[] = [];
  runTrace({ profile: 'full', seed: 21n, events: 12 }, (_i, event) => events.push(event));
  const init = events[0]!;
  assert.equal(init.type, 'Initialize');
  if (init.type === 'Initialize') {
    events[0] = { ...init, pgid: PGID, localInfo: { ...init.localInfo, pgid: PGID, committedSeq: U64_MAX } };
  }
  const text = renderEvents(events, U64_MAX);
  const lines = splitLines(text);
  let dir = '';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'replay-u64-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('renderEvents reproduces traceText for unchanged events (the construction is sound)', () => {
    const plain: PeeringEvent[] = [];
    runTrace({ profile: 'full', seed: 21n, events: 12 }, (_i, event) => plain.push(event));
    assert.equal(renderEvents(plain, 21n), traceText({ profile: 'full', seed: 21n, events: 12 }));
  });

  it('the reducer carries the values into the snapshots', () => {
    assert.ok(lines.length > 3);
    const first = J(parseJson(lines[0]!));
    assert.equal(J(J(first.event).local_info).committed_seq, U64_MAX);
    assert.equal(J(J(first.after).local_info).committed_seq, U64_MAX);
    assert.equal(J(first.after).pgid, PGID);
    assert.ok(lines[1]!.includes(`"committed_seq":${U64_MAX_TEXT}`));
    assert.ok(lines[1]!.includes(`"pgid":${PGID}`));
    assert.ok(lines.at(-1)!.startsWith(`{"kind":"summary","seed":${U64_MAX_TEXT},`));
  });

  it('replays ok in lean and strict mode, in-process and through the bin', async () => {
    for (const mode of ['lean', 'strict'] as const) assert.equal(replayText(text, { mode }).steps, lines.length - 1);
    const path = join(dir, 'u64.jsonl');
    writeFileSync(path, text);
    const r = await runCli([path]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `replay ok: steps=${lines.length - 1} summaries=1\n`);
  });

  it('a one-off change of the last digit is reported with the exact decimal values', async () => {
    const edited = [...lines];
    edited[0] = editLine(lines[0]!, (j) => (J(J(j.after).local_info).committed_seq = U64_MAX - 1n));
    assert.ok(edited[0].includes('"committed_seq":18446744073709551614'));
    const r = failure(joinLines(edited));
    assert.equal(r.line, 1);
    assert.equal(r.stage, 'after');
    assert.deepEqual(r.diff, [{ path: 'after.local_info.committed_seq', expected: '18446744073709551614', actual: U64_MAX_TEXT }]);

    const path = join(dir, 'u64-edited.jsonl');
    writeFileSync(path, joinLines(edited));
    const cli = await runCli([path]);
    assert.equal(cli.code, 1);
    assert.ok(cli.stderr.includes(`  after.local_info.committed_seq: expected 18446744073709551614, actual ${U64_MAX_TEXT}\n`), cli.stderr);
  });

  it('a one-off change of a pgid just above 2^53 is not rounded away', () => {
    const k = 1;
    const edited = lines.map((l, i) => (i === k ? editLine(l, (j) => (J(j.after).pgid = PGID + 1n)) : l));
    const r = failure(joinLines(edited));
    assert.equal(r.line, k + 1);
    assert.equal(r.stage, 'after');
    assert.deepEqual(r.diff, [{ path: 'after.pgid', expected: '9007199254740994', actual: '9007199254740993' }]);
  });
});
