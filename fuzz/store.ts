/**
 * The failure directory: one trace file per failing cycle and a
 * `failures.json` index, both written durably (see durable.ts) before a
 * failure is reported. An existing index is extended, never replaced, so
 * failures from earlier runs into the same directory are kept.
 */
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { parseJsonWithFractions, type FailureReport } from '../replay/index.js';
import { removeStaleTemps, writeFileDurably } from './durable.js';
import { prettyJson } from './json-out.js';

export interface MinimizedRecord {
  readonly trace_path: string | null;
  readonly trace_sha256?: string;
  readonly events: number;
  readonly original_events: number;
  readonly checker_runs: number;
  readonly complete: boolean;
}

/** Upstream's record fields, plus what makes a failure reproducible and checkable. */
export interface FailureRecord {
  readonly config: { readonly cycle: number; readonly profile: string; readonly seed: bigint; readonly event: number };
  readonly cross_validate_returncode: number | null;
  readonly replayer_returncode: number | null;
  readonly cross_validate_stderr: string;
  readonly replayer_stderr: string;
  readonly failure_reason: string | null;
  readonly trace_path: string | null;
  readonly trace_sha256?: string;
  readonly trace_bytes?: number;
  readonly reproduce: string;
  readonly campaign_seed: bigint;
  readonly replay_failure?: FailureReport;
  readonly minimized?: MinimizedRecord | { readonly error: string };
}

export const INDEX_NAME = 'failures.json';
export const LOCK_NAME = '.replay-fuzz.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One driver per failure directory: a second one would delete the first
 * one's in-progress temporaries and rewrite the index from its own records.
 * A lock left by a driver that died (kill -9) is taken over.
 */
function lockDirectory(dir: string): string {
  const path = join(dir, LOCK_NAME);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new Error(`${dir} is in use by another replay-fuzz (pid ${owner}); use a different --save-failure-traces directory`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new Error(`cannot lock ${dir}`);
}

export class FailureStore {
  private readonly records: FailureRecord[] = [];
  private lock: string | undefined;
  readonly earlier: number;

  constructor(readonly dir: string | undefined) {
    if (dir === undefined) {
      this.earlier = 0;
      return;
    }
    mkdirSync(dir, { recursive: true });
    this.lock = lockDirectory(dir);
    removeStaleTemps(dir);
    const index = join(dir, INDEX_NAME);
    if (existsSync(index)) {
      const previous = parseJsonWithFractions(readFileSync(index, 'utf8'));
      if (!Array.isArray(previous)) throw new Error(`${index} is not a failure list; move it away first`);
      this.records.push(...(previous as unknown as FailureRecord[]));
    }
    this.earlier = this.records.length;
  }

  get all(): readonly FailureRecord[] {
    return this.records;
  }

  /** This run's failures. */
  get added(): readonly FailureRecord[] {
    return this.records.slice(this.earlier);
  }

  /** Records a failure; returns once the index is durable. */
  add(record: FailureRecord): void {
    this.records.push(record);
    if (this.dir !== undefined) writeFileDurably(join(this.dir, INDEX_NAME), prettyJson(this.records));
  }

  /** Releases the directory. */
  close(): void {
    if (this.lock !== undefined) rmSync(this.lock, { force: true });
    this.lock = undefined;
  }

  /** A file name for a cycle's trace that does not clobber an earlier one. */
  freeName(base: string, suffix: string): string {
    const dir = this.dir as string;
    let name = `${base}${suffix}`;
    for (let n = 2; existsSync(join(dir, name)); n++) name = `${base}-${n}${suffix}`;
    return join(dir, name);
  }
}

export async function fileDigest(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}
