/**
 * Bad input against the replay bins, by class: closed pipes never turn a
 * verdict into exit 0, `__proto__` is an ordinary member, a zero-filled
 * tail is a torn write, peering-trace-diff reads lines exactly as the
 * checker does, and no message echoes a huge value.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { parseJson, parseJsonWithFractions, replayText } from '../../replay/index.js';
import { bySize, CROSS_VALIDATE, fixture, ROOT, runBin } from '../helpers.js';
import { checkOddLine, oddLines, PAIRS } from './odd-lines.js';

// These cases record the cpp model's answers and messages (the bin's default model is lean).
const REPLAY = join(ROOT, 'dist', 'scripts', 'peering-replay-ts.js');
const DIFF = join(ROOT, 'dist', 'scripts', 'peering-trace-diff.js');
const FUZZ = join(ROOT, 'dist', 'bin', 'replay-fuzz.js');

function trace(seed: number | string, events: number): string {
  const r = spawnSync(process.execPath, [CROSS_VALIDATE, '--seed', String(seed), '--events', String(events)], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-input-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs a bin with its stdout (and optionally stderr) already closed by the reader. */
function runClosed(args: readonly string[], input: string | Buffer | undefined, closeStderr = false, cwd?: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], ...(cwd === undefined ? {} : { cwd, env: { ...process.env, TMPDIR: cwd } }) });
    child.stdout.destroy();
    let stderr = '';
    if (closeStderr) child.stderr.destroy();
    else child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/** A valid trace with its first step's after_checks contradicted: a mismatch (exit 1). */
function mismatching(text: string): string {
  const lines = text.split('\n');
  lines[0] = lines[0]!.replace(/"after_checks":\{"have_enough_info":(true|false)/, (_m, v: string) => `"after_checks":{"have_enough_info":${v === 'true' ? 'false' : 'true'}`);
  assert.notEqual(lines.join('\n'), text);
  return lines.join('\n');
}

describe('a closed stdout never changes the verdict', () => {
  it('peering-replay-ts keeps 1 / 3 / 0 with stdout (and stderr) closed', async (t) => {
    const dir = tempDir(t);
    const good = trace(3, 20);
    const files = { good, bad: mismatching(good), torn: good.slice(0, -20) };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, `${name}.jsonl`), text);
    // Text with stderr open and JSON with it closed here; all four at full size (test/long/full-size.test.ts).
    const all: [string[], boolean][] = [[[], false], [['--json'], true], [[], true], [['--json'], false]];
    for (const [json, closeStderr] of all.slice(0, bySize(2, 4))) {
      for (const [name, code] of [['bad', 1], ['torn', 3], ['good', 0]] as const) {
        const r = await runClosed([REPLAY, '--model', 'cpp', ...json, join(dir, `${name}.jsonl`)], undefined, closeStderr);
        assert.equal(r.code, code, `${name} ${json.join('')} stderr closed: ${closeStderr}: ${r.stderr}`);
        assert.doesNotMatch(r.stderr, /Error:|    at /);
      }
      const viaStdin = await runClosed([REPLAY, '--model', 'cpp', ...json, '-'], files.bad, closeStderr);
      assert.equal(viaStdin.code, 1);
    }
  });

  it('peering-trace-diff keeps 1 for diverging traces', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'a.jsonl'), trace(3, 20));
    writeFileSync(join(dir, 'b.jsonl'), trace(4, 20));
    for (const json of [[], ['--json']]) {
      const r = await runClosed([DIFF, ...json, join(dir, 'a.jsonl'), join(dir, 'b.jsonl')], undefined);
      assert.equal(r.code, 1, r.stderr);
      const same = await runClosed([DIFF, ...json, join(dir, 'a.jsonl'), join(dir, 'a.jsonl')], undefined, true);
      assert.equal(same.code, 0);
    }
  });

  it('replay-fuzz keeps 1, still writes its report and releases its lock', async (t) => {
    const dir = tempDir(t);
    const args = [FUZZ, '--replayer', fixture('fuzz/step-limit-checker.js'), '--replayer-arg', '0', '--cycles', '3', '--event', '3', '--report', 'r.json', '--save-failure-traces', 'out'];
    for (const closeStderr of [false, true]) {
      rmSync(join(dir, 'r.json'), { force: true });
      const r = await runClosed(args, undefined, closeStderr, dir);
      assert.equal(r.code, 1, r.stderr);
      const report = parseJsonWithFractions(spawnSync('cat', [join(dir, 'r.json')], { encoding: 'utf8' }).stdout) as { cycles: { failed: number } };
      assert.equal(report.cycles.failed, 3);
      assert.equal(spawnSync('test', ['-e', join(dir, 'out', '.replay-fuzz.lock')]).status, 1, 'the lock is released');
    }
    const help = await runClosed([FUZZ, '--help'], undefined);
    assert.equal(help.code, 0);
  });

  it('cross-validate with a closed stdout does not claim success', async () => {
    const r = await runClosed([CROSS_VALIDATE, '--seed', '1', '--events', '2000'], undefined);
    assert.notEqual(r.code, 0);
  });
});

// ---------------------------------------------------------------------------

/** Inserts `"NAME":payload` as the first member of the object that starts at `anchor`. */
function withMember(line: string, anchor: string, name: string, payload: string): string {
  const at = line.indexOf(anchor);
  assert.ok(at >= 0, `${anchor} in ${line.slice(0, 80)}`);
  const open = at + anchor.length;
  const empty = line[open] === '}';
  return `${line.slice(0, open)}"${name}":${payload}${empty ? '' : ','}${line.slice(open)}`;
}

function outcome(text: string, mode: 'lean' | 'strict'): string {
  try {
    replayText(text, { mode });
    return 'ok';
  } catch (err) {
    const e = err as Error & { report?: { kind: string; message: string } };
    if (e.report === undefined) return `crash: ${e.message}`;
    return `${e.report.kind}: ${e.report.message}`;
  }
}

describe('__proto__ is an ordinary member', () => {
  it('parsed objects have no prototype', () => {
    const v = parseJson('{"__proto__":{"polluted":1},"constructor":2,"a":{"toString":3}}') as { [k: string]: unknown };
    assert.equal(Object.getPrototypeOf(v), null);
    assert.deepEqual(Object.keys(v), ['__proto__', 'constructor', 'a']);
    assert.equal((v as { polluted?: unknown }).polluted, undefined);
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
    const w = parseJsonWithFractions('{"__proto__":[1.5]}') as { [k: string]: unknown };
    assert.equal(Object.getPrototypeOf(w), null);
  });

  it('in every position, with or without a big integer beside it, __proto__ behaves as an unknown member does', () => {
    const text = trace('18446744073709551615', 12);
    const lines = text.split('\n');
    const stepNo = lines.findIndex((l) => l.includes('"effects":[{'));
    assert.ok(stepNo >= 0, 'a step with effects');
    const step = lines[stepNo]!;
    const event = /"event":(\{[^}]*\})/.exec(step)![1]!;
    const anchors = ['{', '"event":{', '"before":{', '"after":{', '"after_checks":{', '"effects":[{'];
    const payloads = ['{}', '5', 'null', '"x"', '{"type":"AdvanceMap"}', '{"kind":"summary"}', event];
    let cases = 0;
    for (const anchor of anchors) {
      for (const payload of payloads) {
        for (const big of ['', ',"zz_big":18446744073709551615']) {
          const variant = (name: string): string => {
            const l = withMember(step, anchor, name, payload);
            const withBig = big === '' ? l : withMember(l, anchor, 'zz_big', '18446744073709551615');
            return [...lines.slice(0, stepNo), withBig, ...lines.slice(stepNo + 1)].join('\n');
          };
          for (const mode of ['lean', 'strict'] as const) {
            const proto = outcome(variant('__proto__'), mode);
            const other = outcome(variant('zz_other_'), mode).replaceAll('zz_other_', '__proto__');
            assert.equal(proto, other, `${mode} ${anchor} ${payload} ${big}`);
            assert.doesNotMatch(proto, /^crash/);
            cases++;
          }
        }
      }
    }
    // The members of an event moved under __proto__ are not members of the event.
    const moved = step.replace(`"event":${event}`, `"event":{"__proto__":${event},"zz_big":18446744073709551615}`);
    for (const mode of ['lean', 'strict'] as const) {
      assert.match(outcome([...lines.slice(0, stepNo), moved, ...lines.slice(stepNo + 1)].join('\n'), mode), /^malformed: schema: \/event: missing member "type"/);
    }
    assert.ok(cases > 100);
  });

  it('the bin exits 3 (not 4) when __proto__ hides a line member', async () => {
    const text = trace(1, 3);
    const [first, ...rest] = text.split('\n');
    const hidden = first!.replace('{"kind":"step",', '{"__proto__":{"kind":"step"},"zz_big":18446744073709551615,');
    const r = await runBin(REPLAY, ['--model', 'cpp', '-'], [hidden, ...rest].join('\n'));
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^peering-replay-ts: line 1: schema: \/: missing member "kind"/);
  });
});

// ---------------------------------------------------------------------------

describe('a zero-filled tail is a torn write', () => {
  const good = trace(5, 10);
  const lines = good.split('\n');
  const shapes: [string, Buffer][] = [
    ['NULs after the last newline', Buffer.concat([Buffer.from(good), Buffer.alloc(4096)])],
    ['NULs then a newline', Buffer.concat([Buffer.from(good), Buffer.alloc(100), Buffer.from('\n')])],
    ['a step line cut by NULs', Buffer.concat([Buffer.from(lines.slice(0, 5).join('\n') + '\n' + lines[5]!.slice(0, 40)), Buffer.alloc(300)])],
    ['a NUL-filled line in the middle', Buffer.from(lines.slice(0, 4).join('\n') + '\n' + '\0'.repeat(64) + '\n' + lines.slice(4).join('\n'))],
    ['a single NUL after the summary', Buffer.from(good + '\0')],
    ['NULs and whitespace', Buffer.from(good + ' \0 \n\t\0\r\n')],
  ];
  for (const [name, bytes] of shapes) {
    it(`${name}: exit 3 naming NUL bytes, in the checker and in trace-diff`, async (t) => {
      const r = await runBin(REPLAY, ['--model', 'cpp', '-'], bytes);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /^peering-replay-ts: line \d+: NUL bytes: the file has a zero-filled region \(a torn write after a crash\?\)\n/);
      const dir = tempDir(t);
      writeFileSync(join(dir, 'a.jsonl'), good);
      writeFileSync(join(dir, 'b.jsonl'), bytes);
      const d = await runBin(DIFF, [join(dir, 'a.jsonl'), join(dir, 'b.jsonl')]);
      assert.equal(d.code, 3, d.stdout + d.stderr);
      assert.match(d.stderr, /NUL bytes/);
    });
  }
});

// ---------------------------------------------------------------------------

describe('peering-trace-diff validates lines as the checker does', () => {
  const { good, lines, step1, odd } = oddLines(trace(7, 8));
  // Each line against one pairing per mode, the pairings in turn (all of them: test/long/odd-lines.test.ts).
  for (const [i, [name, line]] of odd.entries()) {
    it(`${name}: exit 3 on either side or both exactly when the checker rejects the line, never a TypeError`, async (t) => {
      await checkOddLine(tempDir(t), good, line, (mode) => [PAIRS[(i + mode) % PAIRS.length]!]);
    });
  }

  it('uses the checker trimming rules, not JavaScript trim()', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'a.jsonl'), good);
    // NBSP before a line: the checker skips it (it does not start with "{"), so the traces differ.
    writeFileSync(join(dir, 'nbsp.jsonl'), [...lines.slice(0, 1), `\u00a0${step1}`, ...lines.slice(2)].join('\n'));
    const nbsp = await runBin(DIFF, [join(dir, 'a.jsonl'), join(dir, 'nbsp.jsonl')]);
    assert.equal(nbsp.code, 1, nbsp.stdout + nbsp.stderr);
    // U+2028 after a line: not JSON whitespace, so the line is invalid.
    writeFileSync(join(dir, 'ls.jsonl'), [...lines.slice(0, 1), `${step1}\u2028`, ...lines.slice(2)].join('\n'));
    const ls = await runBin(DIFF, [join(dir, 'a.jsonl'), join(dir, 'ls.jsonl')]);
    assert.equal(ls.code, 3, ls.stdout + ls.stderr);
    // A BOM, as in the checker.
    writeFileSync(join(dir, 'bom.jsonl'), `\ufeff${good}`);
    const bom = await runBin(DIFF, [join(dir, 'bom.jsonl'), join(dir, 'a.jsonl')]);
    assert.equal(bom.code, 3, bom.stdout + bom.stderr);
    assert.match(bom.stderr, /byte-order mark/);
    // JSON whitespace and CR are trimmed by both.
    writeFileSync(join(dir, 'crlf.jsonl'), good.replaceAll('\n', ' \t\r\n'));
    const crlf = await runBin(DIFF, [join(dir, 'a.jsonl'), join(dir, 'crlf.jsonl')]);
    assert.equal(crlf.code, 0, crlf.stdout + crlf.stderr);
  });
});

// ---------------------------------------------------------------------------

describe('messages', () => {
  it('a huge integer is never echoed in full', async () => {
    const huge = '9'.repeat(8_000_000);
    const text = trace(2, 2).replace('"step":0', `"step":${huge}`);
    const started = Date.now();
    const r = await runBin(REPLAY, ['--model', 'cpp', '-'], text);
    assert.equal(r.code, 3);
    assert.ok(r.stderr.length < 400, `${r.stderr.length} characters`);
    assert.match(r.stderr, /integer 999999999999\.\.\.999999 \(8000000 digits\) is beyond the uint64 range/);
    assert.ok(Date.now() - started < 20_000);
    const neg = await runBin(REPLAY, ['--model', 'cpp', '-'], trace(2, 2).replace('"step":0', `"step":-${huge}`));
    assert.equal(neg.code, 3);
    assert.ok(neg.stderr.length < 400);
    const typeName = await runBin(REPLAY, ['--model', 'cpp', '-'], trace(2, 2).replace(/"event":\{"type":"\w+"/, `"event":{"type":"${'X'.repeat(1_000_000)}"`));
    assert.equal(typeName.code, 3);
    assert.ok(typeName.stderr.length < 400, typeName.stderr.slice(0, 200));
    const opt = await runBin(REPLAY, ['--model', 'cpp', '--max-line-bytes', huge.slice(0, 100_000), '-'], '');
    assert.equal(opt.code, 2);
    assert.ok(opt.stderr.length < 400);
    const fuzz = await runBin(FUZZ, ['--seed', huge.slice(0, 100_000)]);
    assert.equal(fuzz.code, 2);
    assert.ok(fuzz.stderr.length < 400);
  });

  it('stdin that is a directory exits 4', () => {
    for (const args of [[REPLAY, '--model', 'cpp', '-'], [DIFF, '-', fixture('bad-input/u64-max-seed.jsonl')]]) {
      const r = spawnSync('sh', ['-c', `"${process.execPath}" "${args.join('" "')}" < /`], { encoding: 'utf8' });
      assert.equal(r.status, 4, r.stderr);
      assert.match(r.stderr, /cannot read stdin: is a directory/);
    }
  });
});
