/**
 * The registry of known causes (divergences/known.json, or the file named
 * by `--known-divergences`): one entry per documented C++/Lean divergence,
 * with the rule that recognises it from attribution evidence. Rules are
 * tried in file order and the first match names the cause; evidence no rule
 * matches is `unknown`, so a divergence nobody has described never passes
 * for a known one. A rule names the one repair that must be the primary
 * one (the most specific repair that takes the divergence away), so a
 * divergence that a more specific, unregistered repair explains stays
 * unknown too.
 */
import { isAbsolute, resolve } from 'node:path';
import { packagePath } from '../../tracegen/version.js';
import { clip, readJsonFile } from '../store/store.js';
import { REPAIR_IDS } from './repairs.js';

/** How a cause is recognised; every member given must hold. */
export interface CauseRule {
  /** The primary repair (see primaryRepair); `none`: no repair may take the divergence away. Absent: repairs are not asked. */
  readonly repair?: string;
  /** Comparison classes; default the two C++/Lean divergence classes. */
  readonly classes?: readonly string[];
  readonly events?: readonly string[];
  readonly from_states?: readonly string[];
  readonly stages?: readonly string[];
  /** The fields the cause may explain; those it explains must be among them. */
  readonly fields?: readonly string[];
}

export interface KnownCause {
  readonly id: string;
  readonly summary: string;
  /** Where the cause is described: a path with an anchor, or a URL. */
  readonly docs: string;
  /** Its fixture folder, relative to the package, when it has one. */
  readonly fixture?: string;
  readonly recognise: CauseRule;
}

export interface CauseRegistry {
  /** The file it was read from. */
  readonly source: string;
  readonly causes: readonly KnownCause[];
}

/** What attribution found out about one divergence (see attribute.ts). */
export interface CauseEvidence {
  readonly class: string;
  readonly event: string;
  readonly fromState: string;
  readonly stage: string;
  readonly fields: readonly string[];
  /** Repairs after which the divergence is gone, in REPAIRS order. */
  readonly removedBy: readonly string[];
  /** Repairs after which a different divergence shows at the same step. */
  readonly changedBy: readonly string[];
  /** The fields each causal repair accounts for. */
  readonly explains: Readonly<Record<string, readonly string[]>>;
}

export const UNKNOWN_CAUSE = 'unknown';
const DIVERGENCE_CLASSES = ['cpp-lean-divergence', 'lean-cpp-divergence'];
const BUILTIN_NAME = 'peering-crossval';
const ID = /^[a-z0-9][a-z0-9-]*$/;

/** The built-in registry's path. */
export function builtinRegistryPath(): string {
  return packagePath('divergences', 'known.json');
}

const registries = new Map<string, CauseRegistry>();

/**
 * Reads a registry (the built-in one without a path). A file may start from
 * the built-in causes with `"extends": "peering-crossval"`. Errors are one
 * line naming the file and the entry.
 */
export function loadCauseRegistry(path?: string): CauseRegistry {
  const file = path === undefined ? builtinRegistryPath() : isAbsolute(path) ? path : resolve(path);
  const cached = registries.get(file);
  if (cached !== undefined) return cached;
  const raw = readJsonFile(file, 'the cause registry');
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${file}: not a cause registry (an object with "causes")`);
  const r = raw as { causes?: unknown; extends?: unknown };
  if (!Array.isArray(r.causes)) throw new Error(`${file}: "causes" is not a list`);
  const base = r.extends === undefined ? [] : r.extends === BUILTIN_NAME && file !== builtinRegistryPath() ? loadCauseRegistry().causes : badExtends(file, r.extends);
  const causes = [...base, ...r.causes.map((c, i) => knownCause(c, `${file}: causes[${i}]`))];
  const ids = new Set<string>();
  for (const c of causes) {
    if (ids.has(c.id)) throw new Error(`${file}: cause ${JSON.stringify(c.id)} is listed twice`);
    ids.add(c.id);
  }
  const registry = { source: file, causes };
  registries.set(file, registry);
  return registry;
}

function badExtends(file: string, value: unknown): never {
  throw new Error(`${file}: "extends" must be "${BUILTIN_NAME}", got ${clip(JSON.stringify(value) ?? String(value), 60)}`);
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function knownCause(raw: unknown, where: string): KnownCause {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${where}: not an object`);
  const c = raw as { [key: string]: unknown };
  for (const key of ['id', 'summary', 'docs'] as const) if (typeof c[key] !== 'string' || c[key] === '') throw new Error(`${where}: "${key}" must be a non-empty string`);
  const id = c.id as string;
  if (!ID.test(id) || id === UNKNOWN_CAUSE) throw new Error(`${where}: id ${clip(JSON.stringify(id), 60)} must be lower-case words joined by '-', and not "${UNKNOWN_CAUSE}"`);
  if (c.fixture !== undefined && typeof c.fixture !== 'string') throw new Error(`${where}: "fixture" must be a string`);
  return {
    id,
    summary: c.summary as string,
    docs: c.docs as string,
    ...(c.fixture === undefined ? {} : { fixture: c.fixture as string }),
    recognise: causeRule(c.recognise, `${where} (${id}).recognise`),
  };
}

function causeRule(raw: unknown, where: string): CauseRule {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${where}: not an object`);
  const r = raw as { [key: string]: unknown };
  const known = ['repair', 'classes', 'events', 'from_states', 'stages', 'fields'];
  const stray = Object.keys(r).find((k) => !known.includes(k));
  if (stray !== undefined) throw new Error(`${where}: unknown member ${clip(JSON.stringify(stray), 40)} (allowed: ${known.join(', ')})`);
  if (r.repair !== undefined && (typeof r.repair !== 'string' || (r.repair !== 'none' && !REPAIR_IDS.includes(r.repair)))) {
    throw new Error(`${where}: "repair" must be "none" or one of ${REPAIR_IDS.join(', ')}`);
  }
  for (const key of known.slice(1)) if (r[key] !== undefined && !isStringList(r[key])) throw new Error(`${where}: "${key}" must be a list of strings`);
  if (Object.keys(r).length === 0) throw new Error(`${where}: an empty rule would match every divergence`);
  return r as CauseRule;
}

/**
 * The repair that names the cause: the first (most specific) of those that
 * remove the divergence, else of those that change it; undefined when none does.
 */
export function primaryRepair(e: CauseEvidence): string | undefined {
  return e.removedBy[0] ?? e.changedBy[0];
}

function ruleHolds(rule: CauseRule, e: CauseEvidence): boolean {
  const within = (list: readonly string[] | undefined, value: string) => list === undefined || list.includes(value);
  if (!(rule.classes ?? DIVERGENCE_CLASSES).includes(e.class)) return false;
  if (!within(rule.events, e.event) || !within(rule.from_states, e.fromState) || !within(rule.stages, e.stage)) return false;
  let explained = e.fields;
  const primary = primaryRepair(e);
  if (rule.repair !== undefined && rule.repair !== (primary ?? 'none')) return false;
  if (primary !== undefined && rule.repair !== undefined) explained = e.explains[primary] ?? [];
  if (rule.fields === undefined) return true;
  return explained.length > 0 && explained.every((f) => rule.fields!.includes(f));
}

/** The first cause whose rule holds, or undefined (an unknown cause). */
export function matchCause(registry: CauseRegistry, e: CauseEvidence): KnownCause | undefined {
  return registry.causes.find((c) => ruleHolds(c.recognise, e));
}
