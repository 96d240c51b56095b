/**
 * The failure directory: one trace file per failing cycle and a
 * `failures.json` index, both written durably (see durable.ts) before a
 * failure is reported. An existing index is extended, never replaced, so
 * failures from earlier runs into the same directory are kept.
 */
import { createReadStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { parseJsonWithFractions, type FailureReport } from '../../replay/index.js';
import { REAL_IO, removeStaleTemps, writeFileDurably, type FileIo } from './durable.js';
import { acquireLock, LockBusyError, releaseLock, removeLockLeftovers, type HeldLock } from './lock.js';
import { prettyJson } from './json-out.js';
import { readU64 } from './u64-fields.js';

export interface MinimizedRecord {
  readonly trace_path: string | null;
  /** With `--impl`: the minimal event stream (trace_path is the implementation's answer to it). */
  readonly events_path?: string;
  readonly trace_sha256?: string;
  readonly events: number;
  readonly original_events: number;
  readonly checker_runs: number;
  readonly complete: boolean;
  /** Checks the minimized case with the campaign's checker (and implementation). */
  readonly reproduce?: string;
}

/** A command as it ran: the program and its arguments. */
export interface CommandRecord {
  readonly file: string;
  readonly args: readonly string[];
}

/**
 * What produced a failure and what judged it, so `replay-fuzz rerun` can
 * run exactly that again. A null command is ours (the generator or checker
 * of this toolkit, in-process or as our own bin).
 */
export interface RecordedTools {
  /** `in-process`: worker threads; `processes`: every tool its own process. */
  readonly engine: 'in-process' | 'processes';
  readonly profile: string;
  /** Our checker's model(s), when ours judged (in-process or our bin). */
  readonly model: string;
  readonly compare: 'lean' | 'strict';
  readonly require_image_invariant: boolean;
  readonly generator: CommandRecord | null;
  readonly replayer: CommandRecord | null;
  readonly implementation: CommandRecord | null;
}

/** What the catalogue made of a failure whose failing step both models were asked about. */
export interface DivergenceRecord {
  /** A registry id, or `unknown`. */
  readonly cause: string;
  readonly known: boolean;
  readonly signature: string;
  readonly class: string;
  readonly step: number;
}

/** Upstream's record fields, plus what makes a failure reproducible and checkable. */
export interface FailureRecord {
  readonly config: { readonly cycle: number; readonly profile: string; readonly seed: bigint; readonly event: number };
  readonly cross_validate_returncode: number | null;
  readonly replayer_returncode: number | null;
  readonly cross_validate_stderr: string;
  readonly replayer_stderr: string;
  /** The whole stderr beside the trace, when the index holds only its tail. */
  readonly cross_validate_stderr_path?: string;
  readonly replayer_stderr_path?: string;
  readonly failure_reason: string | null;
  readonly trace_path: string | null;
  readonly trace_sha256?: string;
  readonly trace_bytes?: number;
  readonly reproduce: string;
  readonly campaign_seed: bigint;
  readonly replay_failure?: FailureReport;
  /** With `--impl`: the implementation under test, its end, and the event stream it was fed. */
  readonly implementation?: string;
  readonly implementation_returncode?: number | null;
  readonly implementation_stderr?: string;
  readonly implementation_stderr_path?: string;
  readonly events_path?: string;
  readonly minimized?: MinimizedRecord | { readonly error: string };
  /** The finding's cause, when the two models could be asked about its failing step. */
  readonly divergence?: DivergenceRecord;
  /** What produced and judged it (absent in records written before rerun was faithful). */
  readonly tools?: RecordedTools;
}

export const INDEX_NAME = 'failures.json';
export const LOCK_NAME = '.replay-fuzz.lock';

/**
 * Parses a JSON file we wrote earlier; a damaged one is named in the error.
 * Big numbers are never echoed in full.
 */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`cannot read ${what} ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : (e.code ?? e.message)}`);
  }
  try {
    return parseJsonWithFractions(text);
  } catch (err) {
    throw new Error(`${path}: ${what} is not valid JSON (${clip((err as Error).message)})`);
  }
}

/** At most `max` characters of a message, so a hostile value is never echoed in full. */
export function clip(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length - max} more characters)`;
}

export class FailureStore {
  private readonly records: FailureRecord[] = [];
  private lock: HeldLock | undefined;
  readonly earlier: number;

  constructor(
    readonly dir: string | undefined,
    private readonly io: FileIo = REAL_IO,
  ) {
    if (dir === undefined) {
      this.earlier = 0;
      return;
    }
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new Error(`--save-failure-traces ${dir}: ${code === 'EEXIST' || code === 'ENOTDIR' ? 'not a directory' : (code ?? (err as Error).message)}`);
    }
    try {
      this.lock = acquireLock(join(dir, LOCK_NAME));
    } catch (err) {
      if (err instanceof LockBusyError) throw new Error(`${dir} is in use by another replay-fuzz (${err.message.replace(/^locked by /, '')}); use a different --save-failure-traces directory`);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EISDIR') throw new Error(`${join(dir, LOCK_NAME)} is a directory, not a lock file; remove it`);
      throw new Error(`cannot lock ${dir}: ${code ?? (err as Error).message}`);
    }
    try {
      removeStaleTemps(dir);
      removeLockLeftovers(this.lock.path);
      const index = join(dir, INDEX_NAME);
      if (existsSync(index)) {
        const previous = readJsonFile(index, 'the failure index');
        if (!Array.isArray(previous)) throw new Error(`${index} is not a failure list; move it away first`);
        this.records.push(...previous.map((r, i) => exactFailureRecord(r, `${index}: [${i}]`)));
      }
    } catch (err) {
      this.close(); // a setup error must not leave the directory locked
      throw err;
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

  /** Records a failure; returns once the index is durable, throws (recording nothing) when it cannot be written. */
  add(record: FailureRecord): void {
    this.records.push(record);
    if (this.dir === undefined) return;
    try {
      writeFileDurably(join(this.dir, INDEX_NAME), prettyJson(this.records), this.io);
    } catch (err) {
      this.records.pop();
      throw err;
    }
  }

  /** Releases the directory. */
  close(): void {
    if (this.lock !== undefined) releaseLock(this.lock);
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

/** A record as read from disk: any member may be missing or of another type. */
export type Loose<T> = { -readonly [K in keyof T]?: unknown };

export function exactFailureRecord(raw: unknown, where: string): FailureRecord {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${where}: not a failure record`);
  const r = raw as Loose<FailureRecord>;
  const config = r.config as Loose<FailureRecord['config']> | undefined;
  if (config === null || typeof config !== 'object') throw new Error(`${where}: a failure record without its config`);
  // Members that are absent stay absent: this only fixes how numbers are read.
  return {
    ...(raw as FailureRecord),
    config: { ...(config as FailureRecord['config']), ...(config.seed === undefined ? {} : { seed: readU64(config.seed, `${where}.config.seed`) }) },
    ...(r.campaign_seed === undefined ? {} : { campaign_seed: readU64(r.campaign_seed, `${where}.campaign_seed`) }),
  };
}
