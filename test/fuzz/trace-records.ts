/**
 * Reading what a fuzz run left on disk: the failure index and the traces it
 * names, checked whole and against their recorded digest and size.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FailureRecord } from '../../fuzz/store/store.js';
import { parseJson } from '../../replay/index.js';

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export function readRecords(dir: string): FailureRecord[] {
  const value = parseJson(readFileSync(join(dir, 'failures.json'), 'utf8'));
  assert.ok(Array.isArray(value), 'failures.json is a list');
  return value as unknown as FailureRecord[];
}

/** The trace file a record names exists and matches the record's digest and size. */
export function assertRecordedTrace(r: FailureRecord): Buffer {
  assert.ok(r.trace_path !== null, 'trace_path is set');
  assert.ok(existsSync(r.trace_path), `${r.trace_path} exists`);
  const bytes = readFileSync(r.trace_path);
  assert.equal(r.trace_sha256, sha256(bytes), `sha256 of ${r.trace_path}`);
  assert.equal(r.trace_bytes, bytes.length, `size of ${r.trace_path}`);
  return bytes;
}

/** A complete trace: newline-terminated, every line JSON, ending with the summary. */
export function assertWholeTrace(path: string): void {
  const text = readFileSync(path, 'utf8');
  assert.ok(text.endsWith('\n'), `${path} ends with a newline`);
  const lines = text.slice(0, -1).split('\n');
  for (const [i, line] of lines.entries()) assert.doesNotThrow(() => JSON.parse(line), `${path} line ${i + 1} parses`);
  assert.equal((JSON.parse(lines.at(-1)!) as { kind: string }).kind, 'summary', `${path} ends with its summary line`);
}

