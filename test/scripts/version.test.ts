/** Every bin in package.json answers --version with the package version, on stdout, exit 0. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT, runBin } from '../helpers.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };

for (const [name, path] of Object.entries(pkg.bin)) {
  it(`${name} --version prints "${name} ${pkg.version} (peering-crossval)"`, async () => {
    const r = await runBin(join(ROOT, path), ['--version']);
    assert.equal(r.code, 0, r.stderr);
    // A bin may add a detail after the common part (peering-render: its protocol version).
    assert.ok(r.stdout.startsWith(`${name} ${pkg.version} (peering-crossval)`) && r.stdout.endsWith('\n') && !r.stdout.slice(0, -1).includes('\n'), r.stdout);
    assert.equal(r.stderr, '');
  });
}
