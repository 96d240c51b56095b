/** `npm run bench` refuses a PEERING_CPP_CROSS_VALIDATE it cannot run, up front and in one line. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT } from '../helpers.js';

for (const bad of ['/nonexistent/cross_validate', join(ROOT, 'package.json'), ROOT]) {
  it(`PEERING_CPP_CROSS_VALIDATE=${bad}: exit 2, one line, before any work`, () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'bench', 'run.js'), 'generator'], {
      encoding: 'utf8',
      env: { ...process.env, PEERING_CPP_CROSS_VALIDATE: bad },
      timeout: 30_000,
    });
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `bench: PEERING_CPP_CROSS_VALIDATE=${bad} is not an executable file (unset it to skip the C++ baseline)\n`);
  });
}
