/**
 * Lines that are JSON but not trace lines (constructor and toString as
 * type names, wrong member types, a __proto__ event), and how
 * peering-trace-diff must treat them: exit 3 on a side exactly when the
 * checker rejects that line, a plain verdict otherwise, never a TypeError.
 * Shared by test/scripts/hostile-input.test.ts and test/long/odd-lines.test.ts.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runBin } from '../helpers.js';

const REPLAY = join(ROOT, 'dist', 'scripts', 'peering-replay-ts.js');
const DIFF = join(ROOT, 'dist', 'scripts', 'peering-trace-diff.js');

/** Which trace goes on each side of the diff. */
export const PAIRS: readonly (readonly ['good' | 'bad', 'good' | 'bad'])[] = [
  ['good', 'bad'],
  ['bad', 'good'],
  ['bad', 'bad'],
];

export interface OddLines {
  readonly good: string;
  readonly lines: string[];
  readonly step1: string;
  /** Name and the odd version of a line (step 1, or the first step with effects). */
  readonly odd: [string, string][];
}

export function oddLines(good: string): OddLines {
  const lines = good.split('\n');
  const step1 = lines[1]!;
  const odd: [string, string][] = [
    ['effect type constructor', lines.find((l) => l.includes('"effects":[{'))!.replace(/"effects":\[\{"type":"\w+"/, '"effects":[{"type":"constructor"')],
    ['event type toString', step1.replace(/"event":\{"type":"\w+"/, '"event":{"type":"toString"')],
    ['"before":{}', step1.replace(/"before":\{.*?\},"before_checks"/, '"before":{},"before_checks"')],
    ['peers_queried: 5', step1.replace(/"after":\{/, '"after":{"peers_queried":5,').replace(/"peers_queried":\[[^\]]*\],/, '')],
    ['effects is a string', step1.replace(/"effects":\[.*\]\}$/, '"effects":"x"}')],
    ['step is a string', step1.replace('"step":1', '"step":"1"')],
    ['kind constructor', step1.replace('"kind":"step"', '"kind":"constructor"')],
    ['a __proto__ event', step1.replace(/"event":\{/, '"event":{"__proto__":{"type":"AdvanceMap"},')],
  ];
  return { good, lines, step1, odd };
}

/** Checks one odd line; `pairs(mode)` picks the diffs run under mode 0 (lean) and 1 (--strict). */
export async function checkOddLine(dir: string, good: string, line: string, pairs: (mode: number) => readonly (readonly [string, string])[]): Promise<void> {
  const lines = good.split('\n');
  assert.notEqual(line, lines[1], 'the line was changed');
  const bad = [...lines.slice(0, 1), line, ...lines.slice(2)].join('\n');
  writeFileSync(join(dir, 'good.jsonl'), good);
  writeFileSync(join(dir, 'bad.jsonl'), bad);
  let rejected = 0;
  for (const [mode, strict] of [[], ['--strict']].entries()) {
    const checker = await runBin(REPLAY, ['--model', 'cpp', ...strict, '-'], bad);
    const malformedLine = checker.code === 3 && /line 2: (schema|invalid)/.test(checker.stderr);
    if (malformedLine) rejected++;
    for (const [a, b] of pairs(mode)) {
      const r = await runBin(DIFF, ['--model', 'cpp', ...strict, join(dir, `${a}.jsonl`), join(dir, `${b}.jsonl`)]);
      assert.doesNotMatch(r.stderr, /TypeError|Cannot read|undefined/);
      if (malformedLine) {
        assert.equal(r.code, 3, `${a} vs ${b} ${strict.join('')}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, /^peering-trace-diff: line 2: trace [AB]: schema: /);
      } else {
        assert.equal(r.code, a === b ? 0 : 1, `${a} vs ${b} ${strict.join('')}: ${r.stdout}${r.stderr}`);
      }
    }
  }
  assert.ok(rejected >= 1, 'the strict checker rejects the line');
}
