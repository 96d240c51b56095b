/**
 * The trace-line JSON Schema (schema/trace-line.schema.json) compiled once
 * with ajv. `strict` is derived from it: every declared member required and
 * no unknown members anywhere.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { packagePath } from '../../tracegen/version.js';
import { SAFE_INTEGER_DIGITS, type JsonValue } from './json-lossless.js';

/** Absolute path of the schema file shipped with the package. */
export const SCHEMA_PATH = packagePath('schema', 'trace-line.schema.json');

type SchemaNode = { [key: string]: unknown };

export function loadSchema(): SchemaNode {
  return JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as SchemaNode;
}

/** The strict variant: objects declare exactly their members. */
export function strictSchema(base: SchemaNode): SchemaNode {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const out: SchemaNode = {};
    for (const [k, v] of Object.entries(node)) out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as SchemaNode).map(([p, s]) => [p, walk(s)])) : walk(v);
    // Dispatch nodes (`allOf` of if/then) leave members to their branches.
    if (out.type === 'object' && out.properties !== undefined && out.allOf === undefined) {
      out.required = Object.keys(out.properties as SchemaNode);
      out.additionalProperties = false;
    }
    return out;
  };
  const strict = walk(base) as SchemaNode;
  strict.$id = `${String(base.$id).replace(/\.schema\.json$/, '')}.strict.schema.json`;
  return strict;
}

export interface TraceValidators {
  readonly line: ValidateFunction;
  /** A summary line (as `line` checks it, without loading the step-line code). */
  readonly summary: ValidateFunction;
  readonly event: ValidateFunction;
  /** One validator per event type (`$defs/event<Type>`), for the fast path. */
  readonly eventByType: ReadonlyMap<string, ValidateFunction>;
}

const cache = new Map<boolean, TraceValidators>();

function eventTypes(schema: SchemaNode): string[] {
  return ((((schema.$defs as SchemaNode).event as SchemaNode).properties as SchemaNode).type as { enum: string[] }).enum;
}

const requireHere = createRequire(import.meta.url);
/** Where build-validators.ts writes the generated validators (by path from the package, so a bundle in dist/bin/ finds them too). */
export function generatedValidatorsDir(): string {
  return packagePath('dist', 'replay', 'input');
}

/**
 * ajv itself is loaded only when a schema is compiled (build time, tests):
 * checkers use the pre-generated validators, and loading ajv costs every
 * process and fuzz worker tens of milliseconds of start-up.
 */
function newAjv(): Ajv2020 {
  const { Ajv2020: AjvClass } = requireHere('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  return new AjvClass({ allErrors: false, strict: true, strictRequired: false, allowUnionTypes: true, code: { source: true } });
}

/** Schema references of every validator we use, by export name. */
export function validatorRefs(strict: boolean): { schema: SchemaNode; refs: { [name: string]: string } } {
  const base = loadSchema();
  const schema = strict ? strictSchema(base) : base;
  const id = String(schema.$id);
  const refs: { [name: string]: string } = { line: id, summary: `${id}#/$defs/summaryLine`, event: `${id}#/$defs/event` };
  for (const t of eventTypes(schema)) refs[`event${t}`] = `${id}#/$defs/event${t}`;
  return { schema, refs };
}

/** The generated validator files of one mode: events and summaries (fast path), then whole lines. */
export type GeneratedPart = 'events' | 'line';

export function generatedValidatorsFile(strict: boolean, part: GeneratedPart): string {
  return `validators.${strict ? 'strict' : 'lean'}.${part}.generated.cjs`;
}

type ValidatorModule = { [name: string]: ValidateFunction };

/** A module the build generated, or undefined when the build did not write it (tsc output alone). */
export function requireGenerated<T>(path: string): T | undefined {
  try {
    return requireHere(path) as T;
  } catch {
    return undefined;
  }
}

function loadGenerated(strict: boolean, part: GeneratedPart): ValidatorModule | undefined {
  return requireGenerated<ValidatorModule>(join(generatedValidatorsDir(), generatedValidatorsFile(strict, part)));
}

/**
 * Build-time generated validators (written by build-validators.ts with ajv's
 * standalone code), when present: compiling the schema at start-up costs a
 * few hundred milliseconds per process or worker thread. The files are split
 * by mode and part so a checker loads only what it runs: the event
 * validators at once (every fast-path line uses them), the whole-line
 * validator on the first line that needs it.
 */
function pregenerated(strict: boolean): TraceValidators | undefined {
  const events = loadGenerated(strict, 'events');
  const event = events?.event;
  const summary = events?.summary;
  if (events === undefined || event === undefined || summary === undefined) return undefined;
  const byType = new Map<string, ValidateFunction>();
  for (const [name, fn] of Object.entries(events)) {
    if (name.startsWith('event') && name !== 'event') byType.set(name.slice(5), fn);
  }
  let line: ValidateFunction | undefined;
  return {
    get line(): ValidateFunction {
      line ??= loadGenerated(strict, 'line')?.line ?? compileNow(strict).line;
      return line;
    },
    summary,
    event,
    eventByType: byType,
  };
}

function compileNow(strict: boolean): TraceValidators {
  const { schema, refs } = validatorRefs(strict);
  const ajv = newAjv();
  ajv.addSchema(schema);
  const get = (ref: string) => ajv.getSchema(ref) as ValidateFunction;
  return {
    line: get(refs.line!),
    summary: get(refs.summary!),
    event: get(refs.event!),
    eventByType: new Map(eventTypes(schema).map((t) => [t, get(refs[`event${t}`]!)])),
  };
}

/** Validators for one mode (pre-generated when available), once per process. */
export function validators(strict: boolean): TraceValidators {
  let v = cache.get(strict);
  if (v === undefined) {
    v = pregenerated(strict) ?? compileNow(strict);
    cache.set(strict, v);
  }
  return v;
}

/** Source of a CommonJS module exporting one part of one mode's validators. */
export function generateValidatorModule(
  strict: boolean,
  part: GeneratedPart,
  standalone: (ajv: Ajv2020, refs: { [name: string]: string }) => string,
): string {
  const ajv = newAjv();
  const { schema, refs } = validatorRefs(strict);
  ajv.addSchema(schema);
  const wanted = Object.entries(refs).filter(([name]) => (part === 'line' ? name === 'line' : name !== 'line'));
  return standalone(ajv, Object.fromEntries(wanted));
}

/** Validators compiled from the schema file right now (tests compare them with the generated ones). */
export { compileNow as compileValidators };

/**
 * ajv only knows JSON numbers; exact bigints are swapped for the nearest
 * safe integer of the same sign, which keeps every range check truthful
 * (all of them are within 2^53 except the uint64 maximum, and the parser has
 * already rejected anything beyond uint64).
 */
export function forValidation(value: JsonValue): JsonValue {
  if (typeof value === 'bigint') return value < 0n ? -Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(forValidation);
  // No prototype, so a "__proto__" member stays a member (validated like any other).
  const out = Object.create(null) as { [key: string]: JsonValue };
  for (const [k, v] of Object.entries(value)) out[k] = forValidation(v);
  return out;
}

// Called on every event on the replay fast path: plain loops, no per-node arrays or closures.
export function hasBigInt(value: JsonValue): boolean {
  if (typeof value === 'bigint') return true;
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (hasBigInt(value[i]!)) return true;
    return false;
  }
  for (const key in value) {
    if (Object.prototype.hasOwnProperty.call(value, key) && hasBigInt(value[key]!)) return true;
  }
  return false;
}

/**
 * True when `text` has a run of digits longer than SAFE_INTEGER_DIGITS:
 * without one, exactInteger makes every integer in it a number, no bigint.
 */
export function mayHoldBigInt(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++run > SAFE_INTEGER_DIGITS) return true;
    } else {
      run = 0;
    }
  }
  return false;
}

/** `validate` on a value parsed from `text` (the fast path: no error text, no bigint walk when none can be there). */
export function validParsed(validate: ValidateFunction, value: JsonValue, text: string): boolean {
  return validate(mayHoldBigInt(text) && hasBigInt(value) ? forValidation(value) : value);
}

/** Validates a parsed value; returns the first error as one line, or undefined. */
export function schemaError(validate: ValidateFunction, value: JsonValue, where = ''): string | undefined {
  const data = hasBigInt(value) ? forValidation(value) : value;
  if (validate(data)) return undefined;
  return describeError(validate.errors?.[0], where);
}

function describeError(error: ErrorObject | undefined, where: string): string {
  if (error === undefined) return 'does not match the trace schema';
  const path = `${where}${error.instancePath}` || '/';
  switch (error.keyword) {
    case 'required':
      return `${path}: missing member "${String(error.params.missingProperty)}"`;
    case 'additionalProperties':
      return `${path}: unknown member "${String(error.params.additionalProperty)}"`;
    case 'enum':
      return `${path}: ${error.message} (${(error.params.allowedValues as unknown[]).join(', ')})`;
    case 'const':
      return `${path}: must be ${JSON.stringify(error.params.allowedValue)}`;
    default:
      return `${path}: ${error.message ?? 'is invalid'}`;
  }
}
