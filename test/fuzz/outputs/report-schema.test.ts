/**
 * The report schema's validator that the build generates (so that `merge`
 * does not compile the schema at each start) accepts and rejects exactly
 * what the schema compiled at run time does, on a real report and on
 * tampered copies of it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compileReportSchema, generatedReportValidator, generatedReportValidatorPath } from '../../../fuzz/outputs/report-schema.js';
import { ROOT } from '../../helpers.js';

type Json = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

let dir = '';
let report: Json = {};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'report-schema-test-'));
  const out = join(dir, 'r.json');
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'bin', 'replay-fuzz.js'), '--cycles', '2', '--event', '4', '--no-progress', '--report', out], { encoding: 'utf8', env: { ...process.env, TMPDIR: dir } });
  assert.equal(r.status, 0, r.stderr);
  report = JSON.parse(readFileSync(out, 'utf8')) as Json;
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Tampered copies: each breaks one rule of the schema, or none. */
const TAMPERINGS: { readonly name: string; readonly change: (r: Json) => void }[] = [
  { name: 'untouched', change: () => undefined },
  { name: 'a count as a string', change: (r) => (r.cycles.run = String(r.cycles.run)) },
  { name: 'a negative count', change: (r) => (r.cycles.failed = -1) },
  { name: 'a list as an object', change: (r) => (r.failures = {}) },
  { name: 'a required member missing', change: (r) => delete r.cycles.passed },
  { name: 'a seed as a number', change: (r) => (r.config.campaign_seed = 5) },
  { name: 'an unknown format', change: (r) => (r.format = 99) },
  { name: 'a transition count as a float', change: (r) => (r.coverage.transitions[0].count = 1.5) },
];

describe('the generated report validator', () => {
  it('is written by the build', () => {
    assert.ok(existsSync(generatedReportValidatorPath()), generatedReportValidatorPath());
    assert.equal(typeof generatedReportValidator(), 'function');
  });

  it('gives the verdict and first error of the schema compiled at run time', () => {
    const generated = generatedReportValidator()!;
    const compiled = compileReportSchema().validate;
    let rejected = 0;
    for (const { name, change } of TAMPERINGS) {
      const value = structuredClone(report);
      change(value);
      const verdict = generated(value);
      assert.equal(verdict, compiled(value), name);
      assert.deepEqual(generated.errors?.[0]?.instancePath, compiled.errors?.[0]?.instancePath, name);
      if (!verdict) rejected++;
    }
    assert.ok(generated(report), 'a real report is valid');
    assert.equal(rejected, TAMPERINGS.length - 1, 'every tampering but none is rejected');
  });
});
