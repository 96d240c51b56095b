/**
 * The divergence fixtures (test/fixtures/divergences/<class>/): each class
 * has a C++-consistent trace (accepted by cpp, rejected by lean) and a
 * Lean-consistent trace (the reverse), with the triage `both` must give.
 * The files are regenerated here and must match byte for byte, so they
 * stay what the C++ port and the Lean mirror write for the class's events.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ReplayFailure, replayText } from '../../replay/index.js';
import type { ModelChoice } from '../../replay/models/model.js';
import { CASES, traces } from './divergence-cases.js';
import { fixture, readJson } from '../helpers.js';

const DIR = fixture('divergences');

interface Expected {
  readonly class: string;
  readonly summary: string;
  readonly [file: string]: unknown;
}

function answer(text: string, model: ModelChoice): string {
  try {
    replayText(text, { model });
    return model === 'both' ? 'ok' : 'accept';
  } catch (err) {
    if (!(err instanceof ReplayFailure)) throw err;
    return model === 'both' ? (err.report.comparison?.class ?? `no comparison: ${err.report.message}`) : 'reject';
  }
}

describe('divergence fixtures', () => {
  it('has a folder per known class, each with both traces and the expected triage', () => {
    const folders = readdirSync(DIR).sort();
    assert.deepEqual(folders, CASES.map((c) => c.name).sort());
    assert.ok(folders.length >= 10, `${folders.length} classes`);
  });

  for (const c of CASES) {
    describe(c.name, () => {
      const dir = join(DIR, c.name);
      const expected = readJson<Expected>(join(dir, 'expected.json'));
      const regenerated = traces(c);

      it('fixtures are what the two models write for the events', () => {
        assert.equal(readFileSync(join(dir, 'cpp-consistent.jsonl'), 'utf8'), regenerated.cpp);
        assert.equal(readFileSync(join(dir, 'lean-consistent.jsonl'), 'utf8'), regenerated.lean);
      });

      for (const file of ['cpp-consistent.jsonl', 'lean-consistent.jsonl']) {
        it(`${file}: cpp, lean and both answer as expected.json says`, () => {
          const text = readFileSync(join(dir, file), 'utf8');
          const want = expected[file] as Record<ModelChoice, string>;
          for (const model of ['cpp', 'lean', 'both'] as const) assert.equal(answer(text, model), want[model], `${model} on ${file}`);
        });
      }
    });
  }
});
