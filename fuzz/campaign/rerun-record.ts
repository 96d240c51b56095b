/**
 * A failure record as `rerun` reads it: every member it runs from is
 * checked for its type and range, so a damaged or edited index is an error
 * naming the file and the record (never a stack trace, never a rerun of
 * something else), and every command it would start must still be there.
 */
import { delimiter, isAbsolute, join } from 'node:path';
import { MODEL_CHOICES } from '../../replay/models/model.js';
import { PROFILES } from '../../tracegen/index.js';
import { clip, type CommandRecord, type FailureRecord } from '../store/store.js';
import { readU64 } from '../store/u64-fields.js';
import { isExecutableFile } from '../plan/command.js';

type Raw = { [key: string]: unknown };

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => clip(typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(v)), 60);

class RecordError extends Error {}

function need(ok: boolean, where: string, member: string, value: unknown, what: string): void {
  if (!ok) throw new RecordError(`${where}: ${member} ${show(value)} is not ${what}`);
}

const isCount = (v: unknown, min: number): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
const isExit = (v: unknown): boolean => v === null || (typeof v === 'number' && Number.isSafeInteger(v));

function checkConfig(raw: unknown, where: string): FailureRecord['config'] {
  need(isObject(raw), where, 'config', raw, 'an object');
  const c = raw as Raw;
  need(isCount(c.cycle, 1), where, 'config.cycle', c.cycle, 'a cycle number (1 or more)');
  need(typeof c.profile === 'string' && (PROFILES as readonly string[]).includes(c.profile), where, 'config.profile', c.profile, `a profile (${PROFILES.join(', ')})`);
  need(isCount(c.event, 1), where, 'config.event', c.event, 'an event count (1 or more)');
  let seed: bigint;
  try {
    seed = readU64(c.seed, 'config.seed');
  } catch {
    throw new RecordError(`${where}: config.seed ${show(c.seed)} is not a uint64 (a decimal string)`);
  }
  return { cycle: c.cycle as number, profile: c.profile as string, seed, event: c.event as number };
}

function checkCommand(raw: unknown, where: string, member: string): void {
  if (raw === null) return;
  need(isObject(raw) && typeof raw.file === 'string' && raw.file !== '' && Array.isArray(raw.args) && raw.args.every((a) => typeof a === 'string'), where, member, raw, 'null or a command ({"file": "...", "args": [...]})');
}

function checkTools(raw: unknown, where: string): void {
  if (raw === undefined) return;
  need(isObject(raw), where, 'tools', raw, 'an object');
  const t = raw as Raw;
  need(t.engine === 'in-process' || t.engine === 'processes', where, 'tools.engine', t.engine, '"in-process" or "processes"');
  need(typeof t.profile === 'string' && (PROFILES as readonly string[]).includes(t.profile), where, 'tools.profile', t.profile, `a profile (${PROFILES.join(', ')})`);
  need(typeof t.model === 'string' && (MODEL_CHOICES as readonly string[]).includes(t.model), where, 'tools.model', t.model, `a model (${MODEL_CHOICES.join(', ')})`);
  need(t.compare === 'lean' || t.compare === 'strict', where, 'tools.compare', t.compare, '"lean" or "strict"');
  need(typeof t.require_image_invariant === 'boolean', where, 'tools.require_image_invariant', t.require_image_invariant, 'true or false');
  for (const k of ['generator', 'replayer', 'implementation']) checkCommand(t[k], where, `tools.${k}`);
}

/** A record `rerun` can run from; throws a one-line error naming `where` and the member. */
export function checkedFailureRecord(raw: unknown, where: string): FailureRecord {
  try {
    need(isObject(raw), where, 'the record', raw, 'an object');
    const r = raw as Raw;
    const config = checkConfig(r.config, where);
    need(typeof r.reproduce === 'string', where, 'reproduce', r.reproduce, 'a string');
    need(r.failure_reason === null || typeof r.failure_reason === 'string', where, 'failure_reason', r.failure_reason, 'null or a string');
    for (const k of ['cross_validate_returncode', 'replayer_returncode']) need(isExit(r[k]), where, k, r[k], 'null or an exit status');
    for (const k of ['cross_validate_stderr', 'replayer_stderr']) need(typeof r[k] === 'string', where, k, r[k], 'a string');
    need(r.trace_path === null || typeof r.trace_path === 'string', where, 'trace_path', r.trace_path, 'null or a string');
    checkTools(r.tools, where);
    const campaignSeed = r.campaign_seed === undefined ? 0n : readU64(r.campaign_seed, `${where}: campaign_seed`);
    return { ...(r as unknown as FailureRecord), config, campaign_seed: campaignSeed };
  } catch (err) {
    if (err instanceof RecordError) throw err;
    throw new Error((err as Error).message.split('\n')[0]);
  }
}

/** Why a recorded command cannot be started again (its program is gone or not executable); undefined when it can. */
export function usableCommand(c: CommandRecord): string | undefined {
  if (c.file.includes('/')) return isExecutableFile(c.file) ? undefined : `${c.file} no longer exists or is not executable`;
  const found = (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && isExecutableFile(isAbsolute(dir) ? join(dir, c.file) : join(process.cwd(), dir, c.file)));
  return found ? undefined : `${c.file} is not on PATH`;
}
