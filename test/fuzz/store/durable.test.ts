/**
 * The order of a durable write, as the crash-safety guarantee needs it:
 * every byte written, the file fsynced, renamed into place, then its
 * directory fsynced (the step write-file-atomic leaves out; see
 * docs/dependencies.md).
 */
import assert from 'node:assert/strict';
import { fstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { commitFile, REAL_IO, tempPathIn, writeFileDurably, type FileIo } from '../../../fuzz/store/durable.js';

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'durable-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A file API that records what it is asked to do, and writes at most `chunk` bytes per call. */
function recordingIo(chunk = Infinity): { io: FileIo; calls: string[] } {
  const calls: string[] = [];
  const io: FileIo = {
    writeSync: (fd, bytes, offset, length) => {
      const n = writeSync(fd, bytes, offset, Math.min(length, chunk));
      calls.push(`write ${n}`);
      return n;
    },
    fsyncSync: (fd) => {
      calls.push(`fsync ${fstatSync(fd).isDirectory() ? 'directory' : 'file'}`);
      REAL_IO.fsyncSync(fd);
    },
    renameSync: (from, to) => {
      calls.push(`rename ${basename(from).startsWith('.tmp-') ? 'temporary' : basename(from)} -> ${basename(to)}`);
      REAL_IO.renameSync(from, to);
    },
  };
  return { io, calls };
}

describe('durable writes', () => {
  it('write every byte (short writes included), fsync the file, rename it into place, then fsync the directory', (t) => {
    const dir = tempDir(t);
    const { io, calls } = recordingIo(4);
    writeFileDurably(join(dir, 'failures.json'), '0123456789', io);
    assert.deepEqual(calls, ['write 4', 'write 4', 'write 2', 'fsync file', 'rename temporary -> failures.json', 'fsync directory']);
    assert.equal(readFileSync(join(dir, 'failures.json'), 'utf8'), '0123456789');
    assert.deepEqual(readdirSync(dir), ['failures.json']);
  });

  it('commit a finished temporary the same way: fsync, rename, fsync the directory', (t) => {
    const dir = tempDir(t);
    const temp = tempPathIn(dir, 'trace.jsonl');
    writeFileSync(temp, 'x\n');
    const { io, calls } = recordingIo();
    commitFile(temp, join(dir, 'trace.jsonl'), io);
    assert.deepEqual(calls, ['fsync file', 'rename temporary -> trace.jsonl', 'fsync directory']);
  });

  it('leave the old file and no temporary when a step fails', (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'failures.json'), 'old');
    const failing: FileIo = { ...REAL_IO, fsyncSync: () => { throw Object.assign(new Error('no space'), { code: 'ENOSPC' }); } };
    assert.throws(() => writeFileDurably(join(dir, 'failures.json'), 'new', failing), /no space/);
    assert.deepEqual(readdirSync(dir), ['failures.json']);
    assert.equal(readFileSync(join(dir, 'failures.json'), 'utf8'), 'old');
  });
});
