/**
 * Every case of the bad-input corpus through the `peering-replay-ts`
 * process (npm test runs every case in-process and a spread of them
 * through the process).
 */
import { describe, it } from 'node:test';
import { assertCaseAnswer, caseLabel, cases, throughBin } from '../replay/bad-input-cases.js';

describe('every bad-input case through the bin', { concurrency: 2 }, () => {
  for (const c of cases) it(caseLabel(c), async () => assertCaseAnswer(c, await throughBin(c)));
});
