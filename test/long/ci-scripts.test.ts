/**
 * scripts/ci/mirror-differential.sh over every divergence fixture of the
 * repository, with our tools standing in for Lean's (npm test runs it over
 * two of them).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT } from '../helpers.js';
import { script, standIns, tempDir } from '../scripts/ci-stand-ins.js';

it('mirror-differential.sh agrees on every divergence fixture and three generated traces when both checkers are the same', (t) => {
  const dir = tempDir(t);
  const fixtures = readdirSync(join(ROOT, 'test', 'fixtures', 'divergences'), { recursive: true }).filter((f) => String(f).endsWith('.jsonl')).length;
  assert.ok(fixtures >= 20, `${fixtures} fixture traces`);
  const agree = script('mirror-differential.sh', [ROOT, '1', join(dir, 'agree')], dir, standIns(join(dir, 'a')));
  assert.equal(agree.status, 0, agree.stdout + agree.stderr);
  assert.match(agree.stdout, new RegExp(`^${fixtures + 3} traces \\(profiles: lean-core full explore, plus the divergence fixtures\\): 0 verdicts differ$`, 'm'));
  assert.deepEqual(readdirSync(join(dir, 'agree')), []);
});
