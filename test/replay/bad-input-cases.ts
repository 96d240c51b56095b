/**
 * The checked-in corpus of malformed and lenient traces
 * (test/fixtures/bad-input, described by cases.json) and what
 * `peering-replay-ts` must answer for each case: asked of the bin as a
 * process, or of the same verdict code in this process. Shared by
 * test/replay/bad-input.test.ts and test/long/bad-input-bin.test.ts.
 */
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { cliVerdict } from '../../replay/models/cli-verdict.js';
import { DEFAULT_MAX_LINE_BYTES } from '../../replay/index.js';
import { fixture, readJson, ROOT, runBin, type BinRun } from '../helpers.js';

export const CLI = join(ROOT, 'dist', 'scripts', 'peering-replay-ts.js');
export const CORPUS = fixture('bad-input');

export interface CorpusCase {
  readonly file: string;
  readonly class: string;
  readonly description: string;
  readonly args?: readonly string[];
  readonly exit: number;
  readonly line?: number;
  readonly match?: string;
  readonly stdout?: string;
  readonly notes?: readonly string[];
}

export const cases = readJson<CorpusCase[]>(join(CORPUS, 'cases.json'));

export const caseLabel = (c: CorpusCase): string => `${c.file}${c.args ? ` ${c.args.join(' ')}` : ''}: ${c.description}`;

export const stderrLines = (r: BinRun): string[] => r.stderr.split('\n').filter((l) => l !== '');

/** The line number an error message names (0 when it names none). */
export function namedLine(message: string): number {
  const m = /^peering-replay-ts: line (\d+): /.exec(message);
  return m ? Number(m[1]) : 0;
}

/** Checks an exit-3/4/2 style failure: nothing on stdout, one error line, no stack. */
export function assertOneErrorLine(r: BinRun, code: number): string {
  assert.equal(r.code, code, `exit status (stderr: ${r.stderr.slice(0, 300)})`);
  assert.equal(r.stdout, '', 'nothing on stdout');
  assert.doesNotMatch(r.stderr, /^ {4}at /m, 'no stack trace');
  const errors = stderrLines(r).filter((l) => !l.startsWith('note: '));
  assert.equal(errors.length, 1, `exactly one error line, got ${JSON.stringify(r.stderr)}`);
  assert.ok(r.stderr.endsWith('\n'), 'the error line ends with a newline');
  return errors[0]!;
}

// The corpus records the cpp model's answers (exit codes and messages).
const caseArgs = (c: CorpusCase): string[] => ['--model', 'cpp', ...(c.args ?? []), join(CORPUS, c.file)];

/** The bin's answer for a case. */
export function throughBin(c: CorpusCase): Promise<BinRun> {
  return runBin(CLI, caseArgs(c));
}

/** The same answer from the bin's verdict code, in this process (the corpus uses --strict and --max-line-bytes N only). */
export async function inProcess(c: CorpusCase): Promise<BinRun> {
  const args = c.args ?? [];
  const limit = args.indexOf('--max-line-bytes');
  const unknown = args.filter((a, i) => a !== '--strict' && a !== '--max-line-bytes' && args[i - 1] !== '--max-line-bytes');
  assert.deepEqual(unknown, [], `${c.file}: arguments the in-process check does not read`);
  const maxLineBytes = limit < 0 ? DEFAULT_MAX_LINE_BYTES : Number(args[limit + 1]);
  const input = createReadStream(join(CORPUS, c.file), { highWaterMark: 1 << 20 });
  return cliVerdict(input, { mode: args.includes('--strict') ? 'strict' : 'lean', model: 'cpp', maxLineBytes, json: false });
}

/** What the case says the answer must be. */
export function assertCaseAnswer(c: CorpusCase, r: BinRun): void {
  if (c.exit === 0) {
    assert.equal(r.code, 0, `exit status (stderr: ${r.stderr.slice(0, 300)})`);
    assert.equal(r.stdout, `${c.stdout}\n`);
    assert.deepEqual(stderrLines(r), c.notes, 'exactly the expected notes');
    return;
  }
  const error = assertOneErrorLine(r, c.exit);
  assert.equal(namedLine(error), c.line, `line number in ${JSON.stringify(error)}`);
  assert.match(error, new RegExp(c.match!));
}
