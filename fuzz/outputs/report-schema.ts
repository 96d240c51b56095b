/**
 * A report read back (`replay-fuzz merge`) is checked against the published
 * schema (schema/report.schema.json) before anything uses it: a tampered
 * file cannot smuggle a string where a count belongs (sums would
 * concatenate, pages would carry it) or a scalar where a list belongs.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import { requireGenerated } from '../../replay/input/schema.js';
import { packagePath } from '../../tracegen/version.js';
import { clip } from '../store/store.js';
import { oneLine } from './escape.js';

const requireHere = createRequire(import.meta.url);
let compiled: ValidateFunction | undefined;

/** Where build-validators.ts writes the report's validator (by path from the package, so a bundle in dist/bin/ finds it too). */
export function generatedReportValidatorPath(): string {
  return packagePath('dist', 'fuzz', 'outputs', 'report-validator.generated.cjs');
}

/** The schema compiled by ajv, its source kept: at build time to write the generated validator, at run time only when that is missing. */
export function compileReportSchema(): { ajv: Ajv2020; validate: ValidateFunction } {
  const { Ajv2020: AjvClass } = requireHere('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const schema = JSON.parse(readFileSync(packagePath('schema', 'report.schema.json'), 'utf8')) as { $id: string };
  const ajv = new AjvClass({ allErrors: false, validateFormats: false, code: { source: true } });
  return { ajv, validate: ajv.compile(schema) };
}

/**
 * The build's generated validator when present: compiling the schema with
 * ajv cost each `replay-fuzz merge` about 250 ms of CPU, most of its run.
 */
function reportValidator(): ValidateFunction {
  compiled ??= generatedReportValidator() ?? compileReportSchema().validate;
  return compiled;
}

/** The build's validator, or undefined when the build did not write it (tsc output alone). */
export function generatedReportValidator(): ValidateFunction | undefined {
  return requireGenerated<ValidateFunction>(generatedReportValidatorPath());
}

type Json = unknown;
type JsonObject = { [key: string]: Json };
const isObject = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A format-1 uint64 (a bare number) as the decimal string formats 2 and 3 write. */
function u64Text(holder: Json, key: string): void {
  if (!isObject(holder)) return;
  const v = holder[key];
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) holder[key] = String(v);
}

/** A format-2 divergence entry (one signature, no cause) as format 3 files it: under `unknown`. */
function asCauseEntry(d: Json): Json {
  if (!isObject(d) || d.cause !== undefined) return d;
  const signature = { ...d, from_state: d.from_state ?? '?', repairs: d.repairs ?? [] };
  return { cause: 'unknown', known: false, summary: null, docs: null, count: d.count, example: d.example, signatures: [signature] };
}

/**
 * The value as the schema describes it (format 3): a format-1 report's
 * uint64 members as strings, a format-2 report's divergences filed by
 * cause (merge.ts reads them the same way); any other bigint (a count
 * beyond 2^53) as a string too, so it fails its `integer` type.
 */
function asFormat3(value: JsonObject): Json {
  const copy = bigintsAsText(value) as JsonObject;
  if (copy.format === 2) {
    copy.format = 3;
    if (Array.isArray(copy.divergences)) copy.divergences = copy.divergences.map(asCauseEntry);
  }
  if (copy.format === 1) {
    copy.format = 3;
    u64Text(copy.config, 'campaign_seed');
    u64Text(copy.config, 'seed');
    for (const f of Array.isArray(copy.failures) ? copy.failures : []) {
      if (isObject(f)) u64Text(f.config, 'seed');
      u64Text(f, 'campaign_seed');
    }
  }
  return copy;
}

function bigintsAsText(v: Json): Json {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(bigintsAsText);
  if (!isObject(v)) return v;
  const out = Object.create(null) as JsonObject;
  for (const [k, x] of Object.entries(v)) out[k] = bigintsAsText(x);
  return out;
}

/** The first way `value` breaks the report schema, in one line (`cycles/run: must be integer`), or undefined. */
export function reportSchemaProblem(value: JsonObject): string | undefined {
  const validate = reportValidator();
  if (validate(asFormat3(value))) return undefined;
  const e = validate.errors?.[0];
  const where = e === undefined || e.instancePath === '' ? 'the report' : e.instancePath.slice(1);
  return oneLine(clip(`${where}: ${e?.message ?? 'does not match the schema'}`, 160));
}
