/**
 * Lossless report JSON: uint64 values written as decimal strings that plain
 * JSON.parse reads exactly, reports and failure indexes valid against the
 * published schema, and older reports (bare numbers) still read exactly.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { reportJson } from '../../../replay/index.js';
import { readU64 } from '../../../fuzz/store/u64-fields.js';
import { fixture, ROOT } from '../../helpers.js';

const BIN = join(ROOT, 'dist', 'bin', 'replay-fuzz.js');
const FAILS_PAST_5 = ['--replayer', `${fixture('fuzz')}/step-limit-checker.js`, '--replayer-arg', '5'];
const U64_MAX = '18446744073709551615';
const TWO_53_PLUS_1 = '9007199254740993';

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'report-json-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function fuzz(args: readonly string[], cwd: string) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, TMPDIR: cwd }, timeout: 120_000 });
}

function schemaValidator() {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv2020({ allErrors: true, validateFormats: false });
  ajv.addSchema(schema);
  const report = ajv.getSchema(String(schema.$id))!;
  const index = ajv.getSchema(`${String(schema.$id)}#/$defs/failureIndex`)!;
  const check = (validate: typeof report, value: unknown, what: string) => assert.ok(validate(value), `${what}: ${ajv.errorsText(validate.errors)}`);
  return { report: (v: unknown, what: string) => check(report, v, what), index: (v: unknown, what: string) => check(index, v, what) };
}

interface Parsed {
  format: number;
  meta: { tool_version: string; node_version: string; git_commit: string | null };
  config: { campaign_seed: unknown; seed: unknown };
  failures: { config: { seed: unknown }; campaign_seed: unknown }[];
}

describe('report JSON', () => {
  it('writes bigints as decimal strings and everything else as JSON.stringify does', () => {
    assert.equal(reportJson({ a: (1n << 64n) - 1n, b: 5n, c: [1, 'x', null], d: undefined }), `{"a":"${U64_MAX}","b":"5","c":[1,"x",null]}`);
  });

  it('a campaign seed of 2^64-1 reads back exactly with plain JSON.parse, in the report and the index; both match the schema', (t) => {
    const dir = tempDir(t);
    const r = fuzz([...FAILS_PAST_5, '--cycles', '2', '--event', '5', '--campaign-seed', U64_MAX, '--save-failure-traces', 'out', '--report', 'r.json'], dir);
    assert.equal(r.status, 1, r.stderr);
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as Parsed;
    assert.equal(report.format, 3);
    assert.equal(report.config.campaign_seed, U64_MAX);
    assert.equal(report.config.seed, null);
    assert.equal(report.failures.length, 2);
    for (const f of report.failures) {
      assert.equal(f.campaign_seed, U64_MAX);
      assert.equal(typeof f.config.seed, 'string');
    }
    assert.equal(report.meta.node_version, process.version);
    assert.match(report.meta.tool_version, /^\d+\.\d+\.\d+/);
    const index = JSON.parse(readFileSync(join(dir, 'out', 'failures.json'), 'utf8')) as Parsed['failures'];
    assert.deepEqual(
      index.map((f) => f.campaign_seed),
      [U64_MAX, U64_MAX],
    );
    const v = schemaValidator();
    v.report(report, 'report');
    v.index(index, 'failures.json');
  });

  it('a generator seed of 2^53+1 reads back exactly from the failure index with plain JSON.parse', (t) => {
    const dir = tempDir(t);
    const r = fuzz([...FAILS_PAST_5, '--cycles', '1', '--event', '5', '--seed', TWO_53_PLUS_1, '--save-failure-traces', 'out'], dir);
    assert.equal(r.status, 1, r.stderr);
    const index = JSON.parse(readFileSync(join(dir, 'out', 'failures.json'), 'utf8')) as Parsed['failures'];
    assert.equal(index.length, 1);
    assert.equal(index[0]!.config.seed, TWO_53_PLUS_1);
    assert.ok(r.stdout.includes(`seed=${TWO_53_PLUS_1}`));
  });

  it('merge of shards keeps uint64 values exact and its output matches the schema', (t) => {
    const dir = tempDir(t);
    for (const i of [1, 2]) {
      const r = fuzz(['--cycles', '2', '--event', '4', '--campaign-seed', U64_MAX, '--shard', `${i}/2`, '--report', `s${i}.json`], dir);
      assert.equal(r.status, 0, r.stderr);
    }
    const m = spawnSync(process.execPath, [BIN, 'merge', 's1.json', 's2.json'], { cwd: dir, encoding: 'utf8' });
    assert.equal(m.status, 0, m.stderr);
    const merged = JSON.parse(m.stdout) as Parsed & { complete: boolean };
    assert.equal(merged.config.campaign_seed, U64_MAX);
    assert.equal(merged.complete, true);
    schemaValidator().report(merged, 'merged report');
  });

  it('reads an older report with bare uint64 numbers exactly, and writes them back as strings', (t) => {
    const dir = tempDir(t);
    const old = (i: number) =>
      readFileSync(fixture('reports/format1-shard.json'), 'utf8').replace('"shard": "1/2"', `"shard": "${i}/2"`).replace('"cycle": 1', `"cycle": ${i}`);
    writeFileSync(join(dir, 'a.json'), old(1));
    writeFileSync(join(dir, 'b.json'), old(2));
    const m = spawnSync(process.execPath, [BIN, 'merge', 'a.json', 'b.json'], { cwd: dir, encoding: 'utf8' });
    assert.equal(m.status, 1, m.stderr); // the shards hold one failure each
    const merged = JSON.parse(m.stdout) as Parsed;
    assert.equal(merged.format, 3);
    assert.equal(merged.config.campaign_seed, '5377004963750517765');
    assert.deepEqual(
      merged.failures.map((f) => [f.config.seed, f.campaign_seed]),
      [
        ['9007199254740993', '5377004963750517765'],
        ['9007199254740993', '5377004963750517765'],
      ],
    );
    schemaValidator().report(merged, 'merged format-1 reports');
  });

  it('extends an older failure index with bare numbers without losing digits', (t) => {
    const dir = tempDir(t);
    mkdirSync(join(dir, 'out'));
    const oldReport = readFileSync(fixture('reports/format1-shard.json'), 'utf8');
    const failures = oldReport.slice(oldReport.indexOf('"failures": [') + '"failures": '.length, oldReport.lastIndexOf(']') + 1);
    writeFileSync(join(dir, 'out', 'failures.json'), failures);
    const r = fuzz([...FAILS_PAST_5, '--cycles', '1', '--event', '5', '--campaign-seed', '3', '--save-failure-traces', 'out'], dir);
    assert.equal(r.status, 1, r.stderr);
    const index = JSON.parse(readFileSync(join(dir, 'out', 'failures.json'), 'utf8')) as Parsed['failures'];
    assert.equal(index.length, 2);
    assert.equal(index[0]!.config.seed, '9007199254740993');
    assert.equal(index[0]!.campaign_seed, '5377004963750517765');
    assert.equal(index[1]!.campaign_seed, '3');
    schemaValidator().index(index, 'extended index');
  });

  it('readU64 takes strings, safe numbers and bigints, and refuses anything else', () => {
    assert.equal(readU64(U64_MAX, 'x'), (1n << 64n) - 1n);
    assert.equal(readU64(7, 'x'), 7n);
    assert.equal(readU64(9007199254740993n, 'x'), 9007199254740993n);
    for (const bad of ['18446744073709551616', '-1', '01', '1e3', 1.5, -1, 2 ** 60, null, undefined]) {
      assert.throws(() => readU64(bad, 'where'), /^Error: where: not a uint64/);
    }
  });
});
