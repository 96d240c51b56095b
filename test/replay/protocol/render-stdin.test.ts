/**
 * `peering-render` with a stdin it cannot read (a directory): exit 4 and one
 * line, as docs/protocol.md says; never a silent exit 0 with an empty trace.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../../helpers.js';

const RENDER = join(ROOT, 'dist', 'scripts', 'peering-render.js');

describe('peering-render: unreadable stdin', () => {
  it('a directory on stdin exits 4, names it, writes nothing', () => {
    const fd = openSync(tmpdir(), 'r');
    try {
      const r = spawnSync(process.execPath, [RENDER, '--model', 'lean'], { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' });
      assert.equal(r.status, 4, r.stderr);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, 'peering-render: cannot read stdin: is a directory\n');
    } finally {
      closeSync(fd);
    }
  });
});
