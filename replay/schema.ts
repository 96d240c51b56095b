/**
 * The trace-line JSON Schema (schema/trace-line.schema.json) compiled once
 * with ajv. `strict` is derived from it: every declared member required and
 * no unknown members anywhere.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { JsonValue } from './json-lossless.js';

/** Absolute path of the schema file shipped with the package. */
export const SCHEMA_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schema', 'trace-line.schema.json');

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
  readonly event: ValidateFunction;
  /** One validator per event type (`$defs/event<Type>`), for the fast path. */
  readonly eventByType: ReadonlyMap<string, ValidateFunction>;
}

const cache = new Map<boolean, TraceValidators>();

function eventTypes(schema: SchemaNode): string[] {
  return ((((schema.$defs as SchemaNode).event as SchemaNode).properties as SchemaNode).type as { enum: string[] }).enum;
}

function newAjv(): Ajv2020 {
  return new Ajv2020({ allErrors: false, strict: true, strictRequired: false, allowUnionTypes: true, code: { source: true } });
}

/** Schema references of every validator we use, by export name. */
export function validatorRefs(strict: boolean): { schema: SchemaNode; refs: { [name: string]: string } } {
  const base = loadSchema();
  const schema = strict ? strictSchema(base) : base;
  const id = String(schema.$id);
  const refs: { [name: string]: string } = { line: id, event: `${id}#/$defs/event` };
  for (const t of eventTypes(schema)) refs[`event${t}`] = `${id}#/$defs/event${t}`;
  return { schema, refs };
}

/**
 * Build-time generated validators (`validators.generated.cjs`, written by
 * build-validators.ts with ajv's standalone code), when present; compiling
 * the schema at start-up costs a few hundred milliseconds per process or
 * worker thread.
 */
function pregenerated(strict: boolean): TraceValidators | undefined {
  let mod: { [name: string]: ValidateFunction };
  try {
    mod = createRequire(import.meta.url)('./validators.generated.cjs') as { [name: string]: ValidateFunction };
  } catch {
    return undefined;
  }
  const prefix = strict ? 'strict_' : 'lean_';
  const line = mod[`${prefix}line`];
  const event = mod[`${prefix}event`];
  if (line === undefined || event === undefined) return undefined;
  const byType = new Map<string, ValidateFunction>();
  for (const [name, fn] of Object.entries(mod)) {
    if (name.startsWith(`${prefix}event`) && name !== `${prefix}event`) byType.set(name.slice(prefix.length + 5), fn);
  }
  return { line, event, eventByType: byType };
}

function compileNow(strict: boolean): TraceValidators {
  const { schema, refs } = validatorRefs(strict);
  const ajv = newAjv();
  ajv.addSchema(schema);
  const get = (ref: string) => ajv.getSchema(ref) as ValidateFunction;
  return {
    line: get(refs.line!),
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

/** Source of a CommonJS module exporting every validator of both modes. */
export function generateValidatorModule(standalone: (ajv: Ajv2020, refs: { [name: string]: string }) => string): string {
  const ajv = newAjv();
  const all: { [name: string]: string } = {};
  for (const strict of [false, true]) {
    const { schema, refs } = validatorRefs(strict);
    ajv.addSchema(schema);
    for (const [name, ref] of Object.entries(refs)) all[`${strict ? 'strict_' : 'lean_'}${name}`] = ref;
  }
  return standalone(ajv, all);
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
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(value)) out[k] = forValidation(v);
  return out;
}

export function hasBigInt(value: JsonValue): boolean {
  if (typeof value === 'bigint') return true;
  if (value === null || typeof value !== 'object') return false;
  return (Array.isArray(value) ? value : Object.values(value)).some(hasBigInt);
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
