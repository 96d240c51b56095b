/**
 * Build step: writes dist/replay/input/validators.{lean,strict}.{events,line}.generated.cjs,
 * the trace schema's validators as standalone ajv code (split by mode and
 * part), so processes and fuzz workers start without compiling the schema,
 * and dist/fuzz/outputs/report-validator.generated.cjs, the report schema's,
 * for `replay-fuzz merge`.
 * Run by `npm run build`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { compileReportSchema, generatedReportValidatorPath } from '../../fuzz/outputs/report-schema.js';
import { generatedValidatorsDir, generatedValidatorsFile, generateValidatorModule } from '../../replay/input/schema.js';

for (const strict of [false, true]) {
  for (const part of ['events', 'line'] as const) {
    const out = join(generatedValidatorsDir(), generatedValidatorsFile(strict, part));
    writeFileSync(out, generateValidatorModule(strict, part, (ajv, refs) => standaloneCode.default(ajv, refs)));
    process.stdout.write(`wrote ${out}\n`);
  }
}

const report = generatedReportValidatorPath();
const { ajv, validate } = compileReportSchema();
writeFileSync(report, standaloneCode.default(ajv, validate));
process.stdout.write(`wrote ${report}\n`);
