/**
 * `--itf DIR`: each signature's example witness as an ITF trace (see
 * replay/diff/itf.ts), the C++ port's and the Lean mirror's rendering of the
 * witness's events side by side, one file per signature:
 * `<cause>.<n>.itf.json` (n counts the cause's signatures from 1).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { itfOfTraces } from '../../replay/diff/itf.js';
import { wireEventsTraceText } from '../../tracegen/index.js';
import { wireLeanTraceText } from '../../tracegen/lean-render/wire-lean.js';
import { firstDivergence } from '../catalogue/attribute.js';
import type { DivergenceEntry, DivergenceExample } from '../catalogue/catalogue.js';
import { extractWireEvents } from '../minimize/catalogue-minimize.js';
import { writeFileDurably } from '../store/durable.js';

/** The ITF trace of an example's events, or why there is none. */
export function exampleItf(example: DivergenceExample, description: string): string | { readonly error: string } {
  if (example.trace === null) return { error: 'the example trace is too large to keep in the report' };
  let cpp: string;
  let lean: string;
  let first: number | undefined;
  try {
    const w = extractWireEvents(example.trace);
    first = firstDivergence(w.events, w.seed)?.step;
    cpp = wireEventsTraceText(w.events, w.seed);
    lean = wireLeanTraceText(
      w.events.map((e) => e.text),
      w.seed,
    );
  } catch (err) {
    return { error: `its events cannot be rendered again: ${(err as Error).message.split('\n')[0]}` };
  }
  const source = `replay-fuzz cycle ${example.cycle}, seed ${example.seed}${example.minimized ? ', minimized' : ''}`;
  return itfOfTraces([{ name: 'cpp', text: cpp }, { name: 'lean', text: lean }], source, description, first);
}

/** Writes every signature's witness into `dir`; returns the files written and the witnesses skipped, with why. */
export function writeItfWitnesses(dir: string, entries: readonly DivergenceEntry[]): { written: string[]; skipped: string[] } {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const skipped: string[] = [];
  for (const d of entries) {
    d.signatures.forEach((s, i) => {
      const itf = exampleItf(s.example, `${d.cause}: ${s.signature}`);
      const name = `${d.cause}.${i + 1}.itf.json`;
      if (typeof itf !== 'string') {
        skipped.push(`${name}: ${itf.error}`);
        return;
      }
      writeFileDurably(join(dir, name), itf);
      written.push(join(dir, name));
    });
  }
  return { written, skipped };
}
