/**
 * The `peering-replay-ts` bin on malformed and lenient input: every case of
 * the checked-in corpus (test/fixtures/bad-input, described by cases.json)
 * through the bin's verdict code in-process and a spread of them through the
 * real process (every case through the process: npm run test:long), plus
 * usage errors, unreadable files, stdin and an over-long line generated at
 * test time.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runBin, type BinRun } from '../helpers.js';
import { assertCaseAnswer, assertOneErrorLine, caseLabel, cases, CLI, CORPUS, inProcess, namedLine, stderrLines, throughBin } from './bad-input-cases.js';

const NOT_CASES = new Set(['cases.json', 'make-corpus.ts', '.gitattributes']);

/** Runs the bin with `args`, feeding `input` on stdin. */
const replay = (args: readonly string[], input?: string | Buffer): Promise<BinRun> => runBin(CLI, args, input);

/** Cases run through the process here: every one with arguments, and every sixth. */
const binSample = cases.filter((c, i) => c.args !== undefined || i % 6 === 0);

describe('bad-input corpus', () => {
  const files = readdirSync(CORPUS).filter((f) => !NOT_CASES.has(f));

  it('has at least 30 small files, each listed in cases.json', () => {
    assert.ok(files.length >= 30, `${files.length} files`);
    const listed = new Set(cases.map((c) => c.file));
    assert.deepEqual(
      files.filter((f) => !listed.has(f)),
      [],
      'files without a case',
    );
    assert.deepEqual(
      [...listed].filter((f) => !files.includes(f)),
      [],
      'cases without a file',
    );
    for (const f of files) assert.ok(statSync(join(CORPUS, f)).size < 16 * 1024, `${f} is not small`);
  });

  it('covers every error class and every lenient case', () => {
    const classes = new Set(cases.map((c) => c.class));
    const required = [
      'empty-input',
      'torn-write',
      'invalid-json',
      'wrong-type',
      'unknown-type',
      'missing-member',
      'beyond-uint64',
      'negative-unsigned',
      'non-integer',
      'line-too-long',
      'invalid-utf8',
      'summary-before-step',
      'step-out-of-order',
      'step-after-summary',
      'summary-count',
      'uint64-max',
      'lenient-crlf',
      'lenient-whitespace',
      'lenient-skipped',
      'lenient-blank',
      'lenient-unterminated',
    ];
    assert.deepEqual(
      required.filter((c) => !classes.has(c)),
      [],
    );
    // Several variants where it matters.
    const count = (cls: string) => cases.filter((c) => c.class === cls).length;
    for (const cls of ['wrong-type', 'missing-member', 'negative-unsigned', 'non-integer', 'invalid-utf8', 'torn-write', 'invalid-json']) {
      assert.ok(count(cls) >= 3, `${cls}: ${count(cls)} variants`);
    }
    for (const c of cases) {
      if (c.exit === 0) {
        assert.ok(c.stdout !== undefined && c.notes !== undefined, `${c.file}: accepted cases give stdout and notes`);
      } else {
        assert.equal(c.exit, 3, `${c.file}: corpus errors are malformed input`);
        assert.ok(typeof c.line === 'number' && typeof c.match === 'string', `${c.file}: error cases give line and match`);
      }
    }
  });

  it('has binary invalid UTF-8 files that really are invalid UTF-8', () => {
    for (const c of cases.filter((x) => x.class === 'invalid-utf8')) {
      const bytes = readFileSync(join(CORPUS, c.file));
      assert.notEqual(Buffer.from(bytes.toString('utf8'), 'utf8').compare(bytes), 0, `${c.file} decodes losslessly`);
    }
  });

  describe('each case, in-process through the bin\'s verdict code', () => {
    for (const c of cases) it(caseLabel(c), async () => assertCaseAnswer(c, await inProcess(c)));
  });

  describe(`${binSample.length} cases through the bin`, { concurrency: 4 }, () => {
    for (const c of binSample) it(caseLabel(c), async () => assertCaseAnswer(c, await throughBin(c)));
  });
});

describe('replay bin: usage, unreadable files, stdin', { concurrency: 4 }, () => {
  const sample = join(CORPUS, 'lenient-no-summary.jsonl');

  it('exits 2 without arguments', async () => {
    const e = assertOneErrorLine(await replay([]), 2);
    assert.match(e, /^peering-replay-ts: missing required argument 'trace' \(usage: peering-replay-ts <trace\.jsonl \| ->\)$/);
  });

  it('exits 2 with two trace arguments', async () => {
    const e = assertOneErrorLine(await replay([sample, sample]), 2);
    assert.match(e, /^peering-replay-ts: too many arguments.*\(usage: /);
  });

  it('exits 2 on an unknown option', async () => {
    const e = assertOneErrorLine(await replay(['--lenient', sample]), 2);
    assert.match(e, /^peering-replay-ts: unknown option '--lenient' \(usage: /);
  });

  it('exits 2 on a bad --max-line-bytes', async () => {
    for (const bad of ['0', '-5', 'lots', '1.5']) {
      const e = assertOneErrorLine(await replay(['--max-line-bytes', bad, sample]), 2);
      assert.match(e, /^peering-replay-ts: .*--max-line-bytes needs a positive integer/);
    }
  });

  it('exits 4 on a missing file', async () => {
    const missing = join(CORPUS, 'no-such-trace.jsonl');
    const e = assertOneErrorLine(await replay([missing]), 4);
    assert.equal(e, `peering-replay-ts: cannot read ${missing}: no such file`);
  });

  it('exits 4 on a directory', async () => {
    const e = assertOneErrorLine(await replay([CORPUS]), 4);
    assert.equal(e, `peering-replay-ts: cannot read ${CORPUS}: is a directory`);
  });

  it('reads stdin for "-" (accepted input, with its notes)', async () => {
    const r = await replay(['-'], readFileSync(join(CORPUS, 'lenient-crlf.jsonl')));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'replay ok: steps=2 summaries=1\n');
    assert.deepEqual(stderrLines(r), ['note: 3 line(s) had surrounding whitespace or CR (first: line 1); trimmed, as the Lean checker does']);
  });

  it('reads stdin for "-" (malformed input names the same line as the file)', async () => {
    const c = cases.find((x) => x.file === 'order-gap.jsonl')!;
    const e = assertOneErrorLine(await replay(['--model', 'cpp', '-'], readFileSync(join(CORPUS, c.file))), 3);
    assert.equal(namedLine(e), c.line);
    assert.match(e, new RegExp(c.match!));
  });

  it('reads empty stdin as empty input', async () => {
    const e = assertOneErrorLine(await replay(['-'], ''), 3);
    assert.equal(e, 'peering-replay-ts: empty input: no trace lines');
  });
});

describe('replay bin: a 10 MB line (generated at test time)', () => {
  let dir = '';
  let path = '';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'bad-input-'));
    path = join(dir, 'long-line.jsonl');
    // A valid step, then a summary padded with a 10 MiB unknown member.
    const step0 = readFileSync(join(CORPUS, 'lenient-no-summary.jsonl'), 'utf8').split('\n')[0]!;
    const pad = 'x'.repeat(10 << 20);
    writeFileSync(path, `${step0}\n{"kind":"summary","seed":1,"events":1,"pad":"${pad}"}\n`);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is rejected with exit 3 at its line under the default 8 MiB limit', async () => {
    assert.ok(statSync(path).size > 10 << 20);
    const e = assertOneErrorLine(await replay([path]), 3);
    assert.equal(e, 'peering-replay-ts: line 2: line longer than the 8388608-byte limit (--max-line-bytes)');
  });

  it('is rejected the same way on stdin', async () => {
    const e = assertOneErrorLine(await replay(['-'], readFileSync(path)), 3);
    assert.equal(e, 'peering-replay-ts: line 2: line longer than the 8388608-byte limit (--max-line-bytes)');
  });

  it('is accepted once --max-line-bytes allows it (the length was the only problem)', async () => {
    const r = await replay(['--max-line-bytes', String(16 << 20), path]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'replay ok: steps=1 summaries=1\n');
    assert.equal(r.stderr, '');
  });
});
