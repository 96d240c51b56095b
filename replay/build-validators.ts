/**
 * Build step: writes dist/replay/validators.generated.cjs, the trace schema's
 * validators as standalone ajv code, so processes and fuzz workers start
 * without compiling the schema. Run by `npm run build`.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { generateValidatorModule } from './schema.js';

const out = join(dirname(fileURLToPath(import.meta.url)), 'validators.generated.cjs');
writeFileSync(out, generateValidatorModule((ajv, refs) => standaloneCode.default(ajv, refs)));
process.stdout.write(`wrote ${out}\n`);
