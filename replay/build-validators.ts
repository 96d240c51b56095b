/**
 * Build step: writes dist/replay/validators.{lean,strict}.{events,line}.generated.cjs,
 * the trace schema's validators as standalone ajv code (split by mode and
 * part), so processes and fuzz workers start without compiling the schema.
 * Run by `npm run build`.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { generatedValidatorsFile, generateValidatorModule } from './schema.js';

for (const strict of [false, true]) {
  for (const part of ['events', 'line'] as const) {
    const out = join(dirname(fileURLToPath(import.meta.url)), generatedValidatorsFile(strict, part));
    writeFileSync(out, generateValidatorModule(strict, part, (ajv, refs) => standaloneCode.default(ajv, refs)));
    process.stdout.write(`wrote ${out}\n`);
  }
}
