/**
 * schema/trace-line.schema.json: its header, that every line of generated
 * traces of both profiles validates in lean and strict mode, that invalid
 * lines are rejected with a useful message, which members are optional in
 * lean mode only, and that strict mode rejects unknown members.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { encodeEffect, traceText, type Profile } from '../../../tracegen/index.js';
import { loadSchema, parseJson, ReplayFailure, replayText, SCHEMA_PATH, strictSchema, stringifyJson, validators, type JsonObject, type JsonValue } from '../../../replay/index.js';
import { schemaError } from '../../../replay/input/schema.js';
import { ROOT } from '../../helpers.js';

const J = (v: JsonValue | undefined): JsonObject => v as JsonObject;
const A = (v: JsonValue | undefined): JsonValue[] => v as JsonValue[];

const lean = validators(false);
const strict = validators(true);

/** Our own compile of a schema, for validators of single definitions. */
function compileDefs(schema: { [key: string]: unknown }): (def: string) => ValidateFunction {
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true });
  ajv.addSchema(schema);
  return (def) => ajv.getSchema(`${String(schema.$id)}#/$defs/${def}`) as ValidateFunction;
}

/** A parsed copy of a line, edited. */
function edited(line: string, change: (j: JsonObject) => void): JsonObject {
  const j = J(parseJson(line));
  change(j);
  return j;
}

/** The message of a line that must fail validation. */
function problem(validate: ValidateFunction, value: JsonValue): string {
  const message = schemaError(validate, value);
  assert.ok(message !== undefined, `expected ${stringifyJson(value).slice(0, 200)} to be rejected`);
  return message;
}

const sample = traceText({ profile: 'full', seed: 9n, events: 60 }).split('\n').filter((l) => l !== '');
/** Step lines of a few traces of both profiles, to pick examples from. */
const pool = [
  ...sample,
  ...[1n, 2n, 3n, 4n].flatMap((seed) => traceText({ profile: 'lean-core', seed, events: 60 }).split('\n')),
].filter((l) => l.startsWith('{"kind":"step"'));
const poolJson = pool.map((l) => J(parseJson(l)));
/** First step line whose parsed form satisfies `pred`. */
function stepWhere(pred: (j: JsonObject) => boolean, what: string): string {
  const i = poolJson.findIndex(pred);
  assert.ok(i >= 0, `no step with ${what}`);
  return pool[i]!;
}
const STEP = stepWhere(
  (j) => A(J(j.after).peer_info).length > 0 && A(J(J(j.after).local_info).image).length > 0 && A(j.effects).length > 1,
  'peers, a local image and effects',
);

describe('schema file', () => {
  const raw = JSON.parse(readFileSync(join(ROOT, 'schema', 'trace-line.schema.json'), 'utf8')) as { [key: string]: unknown };

  it('declares draft 2020-12 and an $id', () => {
    assert.equal(raw.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(typeof raw.$id, 'string');
    assert.match(raw.$id as string, /^https?:\/\/\S+\/trace-line\.schema\.json$/);
    assert.equal(typeof raw.title, 'string');
  });

  it('is the file the replay layer loads', () => {
    assert.equal(SCHEMA_PATH, join(ROOT, 'schema', 'trace-line.schema.json'));
    assert.deepEqual(loadSchema(), raw);
  });

  it('compiles under ajv strict mode, and so does its strict variant (with its own $id)', () => {
    const base = loadSchema();
    const before = JSON.stringify(base);
    const s = strictSchema(base);
    assert.equal(JSON.stringify(base), before, 'strictSchema does not modify its input');
    assert.notEqual(s.$id, base.$id);
    assert.match(String(s.$id), /\.strict\.schema\.json$/);
    for (const schema of [base, s]) {
      const def = compileDefs(schema);
      for (const name of ['event', 'effect', 'snapshot', 'stepLine', 'summaryLine']) assert.equal(typeof def(name), 'function', name);
    }
  });
});

describe('generated traces validate', () => {
  it('every line of 300 traces (both profiles) validates in lean and strict mode', () => {
    const events = new Set<string>();
    const effects = new Set<string>();
    let checked = 0;
    for (const profile of ['lean-core', 'full'] as Profile[]) {
      for (let seed = 0; seed < 150; seed++) {
        const text = traceText({ profile, seed: BigInt(seed * 104729 + 17), events: (seed % 8) * 9 });
        for (const line of text.split('\n')) {
          if (line === '') continue;
          const value = parseJson(line);
          const a = schemaError(lean.line, value);
          const b = schemaError(strict.line, value);
          if (a !== undefined || b !== undefined) assert.fail(`${profile} seed ${seed}: lean: ${a}; strict: ${b}; line ${line.slice(0, 200)}`);
          const j = J(value);
          if (j.kind === 'step') {
            events.add(String(J(j.event).type));
            for (const f of A(j.effects)) effects.add(String(J(f).type));
          }
          checked++;
        }
      }
    }
    assert.ok(checked > 5000, `${checked} lines`);
    const schemaEvents = (J(J(J(loadSchema().$defs as JsonObject).event).properties).type as JsonObject).enum as string[];
    assert.deepEqual([...events].sort(), [...schemaEvents].sort(), 'every event type was exercised');
    assert.ok(effects.size >= 14, `effect types exercised: ${[...effects].join(', ')}`);
  });

  it('an encoded SendNotify effect (rare in traces) validates too', () => {
    const def = compileDefs(strictSchema(loadSchema()))('effect');
    const notify = encodeEffect({
      type: 'SendNotify',
      target: 3,
      pgid: 7,
      info: { osd: 1, committedSeq: 5, committedLength: 5, image: [[0, 5]], blobMeta: [], lastEpochStarted: 2, lastIntervalStarted: 2 },
      epoch: 9,
    });
    assert.ok(def(JSON.parse(notify)), `${notify}: ${JSON.stringify(def.errors)}`);
  });
});

describe('invalid lines are rejected with a useful message', () => {
  it('hand-written events', () => {
    assert.equal(problem(lean.event, { type: 'RecoveryComplete', peer: 1 }), '/: missing member "epoch"');
    assert.equal(problem(lean.event, { type: 'UpThruUpdated', epoch: '12' }), '/epoch: must be integer');
    assert.equal(problem(lean.event, { type: 'UpThruUpdated', epoch: -3 }), '/epoch: must be >= 0');
    assert.equal(problem(lean.event, { type: 'UpThruUpdated', epoch: 4294967296 }), '/epoch: must be <= 4294967295');
    assert.equal(problem(lean.event, { type: 'PeerQueryTimeout', peer: 1.5 }), '/peer: must be integer');
    assert.equal(problem(lean.event, { type: 'AllReplicasRecovered', epoch: 3, peers: [1, 'two'] }), '/peers/1: must be integer');
    assert.equal(problem(lean.event, {}), '/: missing member "type"');
    const unknown = problem(lean.event, { type: 'Teleport' });
    assert.match(unknown, /^\/type: must be equal to one of the allowed values \(Initialize, AdvanceMap, .*DeleteComplete\)$/);
  });

  it('hand-written summary and kind problems', () => {
    assert.equal(problem(lean.line, { kind: 'summary', seed: 1 }), '/: missing member "events"');
    assert.equal(problem(lean.line, { kind: 'summary', seed: '1', events: 1 }), '/seed: must be integer');
    assert.equal(problem(lean.line, { kind: 'summary', seed: -1, events: 1 }), '/seed: must be >= 0');
    assert.equal(problem(lean.line, { seed: 1, events: 1 }), '/: missing member "kind"');
    assert.match(problem(lean.line, { kind: 'steps' }), /^\/kind: must be equal to one of the allowed values \(step, summary\)$/);
  });

  it('the summary validator (loaded without the step-line code) judges summaries exactly as the line validator', () => {
    const summaries: JsonObject[] = [
      { kind: 'summary', seed: 1, events: 3 },
      { kind: 'summary', seed: 18446744073709551615n, events: 0 },
      { kind: 'summary', seed: 1 },
      { kind: 'summary', events: 1 },
      { kind: 'summary', seed: '1', events: 1 },
      { kind: 'summary', seed: -1, events: 1 },
      { kind: 'summary', seed: 1, events: -1 },
      { kind: 'summary', seed: 1, events: 2147483648 },
      { kind: 'summary', seed: 1.5, events: 1 },
      { kind: 'summary', seed: 1, events: 3, host: 'ci' },
      { kind: 'summary', seed: null, events: [] },
    ];
    for (const v of [lean, strict]) {
      for (const value of summaries) assert.equal(schemaError(v.summary, value), schemaError(v.line, value), stringifyJson(value));
    }
  });

  it('a real step line with a hand-written bad event, snapshot or effect', () => {
    const cases: [(j: JsonObject) => void, string][] = [
      [(j) => (j.event = { type: 'UpThruUpdated' }), '/event: missing member "epoch"'],
      [(j) => (j.event = { type: 'UpThruUpdated', epoch: -1 }), '/event/epoch: must be >= 0'],
      [(j) => (j.event = { type: 'Warp', epoch: 1 }), '/event/type: must be equal to one of the allowed values'],
      [(j) => (J(j.before).epoch = -1), '/before/epoch: must be >= 0'],
      [(j) => (J(j.after).state = 'Peering'), '/after/state: must be equal to one of the allowed values'],
      [(j) => (J(J(j.after).acting).osds = [0, 2147483648]), '/after/acting/osds/1: must be <= 2147483647'],
      [(j) => (J(A(J(j.after).peer_info)[0]).image = {}), '/after/peer_info/0/image: must be array'],
      [(j) => delete J(j.after).need_up_thru, '/after: missing member "need_up_thru"'],
      [(j) => (J(A(j.effects)[1]).type = 'Shout'), '/effects/1/type: must be equal to one of the allowed values'],
      [(j) => delete j.after_checks, '/: missing member "after_checks"'],
      [(j) => (J(j.before_checks).image_clean = 1), '/before_checks/image_clean: must be boolean'],
    ];
    for (const [change, message] of cases) {
      const value = edited(STEP, change);
      for (const v of [lean, strict]) {
        const got = problem(v.line, value);
        assert.ok(got.startsWith(message), `${got} should start with ${message}`);
      }
    }
  });

  it('exact integers beyond 2^53: uint64 max is a valid u64 but not a valid u32 or i32; negatives are no u64', () => {
    const big = (path: (j: JsonObject) => void) => edited(STEP, path);
    assert.equal(schemaError(lean.line, big((j) => (J(j.after).auth_seq = 18446744073709551615n))), undefined);
    assert.equal(schemaError(lean.line, big((j) => (J(j.after).epoch = 18446744073709551615n))), '/after/epoch: must be <= 4294967295');
    assert.equal(schemaError(lean.line, big((j) => (J(j.after).whoami = -9223372036854775808n))), '/after/whoami: must be >= -2147483648');
    assert.equal(schemaError(lean.line, big((j) => (J(j.after).pgid = -9223372036854775808n))), '/after/pgid: must be >= 0');
  });
});

describe('optional members', () => {
  const activate = stepWhere((j) => J(j.event).type === 'ReplicaActivate', 'a ReplicaActivate event');
  const sendActivate = stepWhere((j) => A(j.effects).some((f) => J(f).type === 'SendActivate'), 'a SendActivate effect');
  const publish = stepWhere((j) => A(j.effects).some((f) => J(f).type === 'PublishStats'), 'a PublishStats effect');
  const cases: [string, string, (j: JsonObject) => void, string][] = [
    ['blob_meta of a PGInfo', STEP, (j) => delete J(J(j.before).local_info).blob_meta, '/before/local_info: missing member "blob_meta"'],
    ['blob_meta of a peer info', STEP, (j) => delete J(A(J(j.after).peer_info)[0]).blob_meta, '/after/peer_info/0: missing member "blob_meta"'],
    ['auth_blob_meta of a snapshot', STEP, (j) => delete J(j.after).auth_blob_meta, '/after: missing member "auth_blob_meta"'],
    ['recovery_targets of a snapshot', STEP, (j) => delete J(j.before).recovery_targets, '/before: missing member "recovery_targets"'],
    ['auth_blob_meta of ReplicaActivate', activate, (j) => delete J(j.event).auth_blob_meta, '/event: missing member "auth_blob_meta"'],
    [
      'auth_blob_meta of SendActivate',
      sendActivate,
      (j) => delete J(A(j.effects).find((f) => J(f).type === 'SendActivate')).auth_blob_meta,
      'missing member "auth_blob_meta"',
    ],
    [
      'authoritative_blob_meta of PublishStats',
      publish,
      (j) => delete J(A(j.effects).find((f) => J(f).type === 'PublishStats')).authoritative_blob_meta,
      'missing member "authoritative_blob_meta"',
    ],
  ];
  for (const [what, line, change, message] of cases) {
    it(`${what} may be omitted in lean mode but is required in strict mode`, () => {
      const value = edited(line, change);
      assert.equal(schemaError(lean.line, value), undefined);
      const got = problem(strict.line, value);
      assert.ok(got.endsWith(message), `${got} should name ${message}`);
    });
  }

  it('required members stay required in lean mode', () => {
    assert.equal(problem(lean.line, edited(STEP, (j) => delete J(j.after).peers_queried)), '/after: missing member "peers_queried"');
    assert.equal(problem(lean.line, edited(STEP, (j) => delete J(A(J(j.after).peer_info)[0]).image)), '/after/peer_info/0: missing member "image"');
  });

  it('a whole trace without its empty optional members replays ok in lean mode and is malformed in strict mode', () => {
    const strip = (v: JsonValue): JsonValue => {
      if (Array.isArray(v)) return v.map(strip);
      if (v === null || typeof v !== 'object') return v;
      const out: JsonObject = {};
      for (const [k, x] of Object.entries(v)) {
        if (k === 'recovery_targets') continue;
        if ((k === 'blob_meta' || k === 'auth_blob_meta' || k === 'authoritative_blob_meta') && Array.isArray(x) && x.length === 0) continue;
        out[k] = strip(x);
      }
      return out;
    };
    const text = sample.map((l) => `${stringifyJson(strip(parseJson(l)))}\n`).join('');
    assert.ok(!text.includes('recovery_targets') && !text.includes('"blob_meta":[]'));
    assert.equal(replayText(text, { mode: 'lean' }).steps, sample.length - 1);
    assert.throws(
      () => replayText(text, { mode: 'strict' }),
      (err: unknown) => err instanceof ReplayFailure && err.report.kind === 'malformed' && err.report.line === 1 && /missing member/.test(err.report.message),
    );
  });
});

describe('unknown members', () => {
  const cases: [string, (j: JsonObject) => void, string][] = [
    ['the step line', (j) => (j.comment = 'x'), '/: unknown member "comment"'],
    ['the event', (j) => (J(j.event).comment = 'x'), '/event: unknown member "comment"'],
    ['a snapshot', (j) => (J(j.before).comment = 'x'), '/before: unknown member "comment"'],
    ['a peer info', (j) => (J(A(J(j.after).peer_info)[0]).comment = 'x'), '/after/peer_info/0: unknown member "comment"'],
    ['an image entry', (j) => (J(A(J(J(j.after).local_info).image)[0]).comment = 'x'), '/after/local_info/image/0: unknown member "comment"'],
    ['the checks', (j) => (J(j.after_checks).comment = 'x'), '/after_checks: unknown member "comment"'],
    ['an effect', (j) => (J(A(j.effects)[0]).comment = 'x'), '/effects/0: unknown member "comment"'],
  ];
  for (const [where, change, message] of cases) {
    it(`in ${where}: allowed by the lean schema, rejected by the strict one`, () => {
      const value = edited(STEP, change);
      assert.equal(schemaError(lean.line, value), undefined);
      assert.equal(problem(strict.line, value), message);
    });
  }

  it('in the summary line', () => {
    const value = { kind: 'summary', seed: 1, events: 3, host: 'ci' };
    assert.equal(schemaError(lean.line, value), undefined);
    assert.equal(problem(strict.line, value), '/: unknown member "host"');
  });
});
