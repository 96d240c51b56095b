/**
 * `cross-validate` argv handling. Expectations record how upstream's CLI11
 * 2.6 build behaves (exit codes 104/105/109/114, C-style integer parsing).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { EXIT, parseCliArgs, parseCliInt, parseCliUnsigned, traceText } from '../../tracegen/index.js';
import { CROSS_VALIDATE } from '../helpers.js';

describe('integer parsing like strtoull/strtoll with base 0 plus CLI11 fallbacks', () => {
  const unsigned: [string, bigint | undefined][] = [
    ['42', 42n],
    ['18446744073709551615', 18446744073709551615n],
    ['18446744073709551616', undefined],
    ['99999999999999999999', undefined],
    ['0x10', 16n],
    ['0XFFFFFFFFFFFFFFFF', 18446744073709551615n],
    ['0x10000000000000000', undefined],
    ['010', 8n],
    ['00', 0n],
    ['0b101', 5n],
    ['0o17', 15n],
    ['0b', 0n],
    ['0o', 0n],
    ['0b0b1', 1n],
    ['0b2', undefined],
    ['0b-1', 18446744073709551615n],
    ['0x', undefined],
    ['0x-1', undefined],
    ['+5', 5n],
    ['+0x10', 16n],
    ['-1', undefined],
    ['-0', undefined],
    [' -5', 18446744073709551611n],
    ['1_000', 1000n],
    ["1'000", 1000n],
    ['1,000', 1000n],
    ['0x1_0', 16n],
    ['1_', 1n],
    ['_', undefined],
    [',', undefined],
    ['1 ', 1n],
    ['\t7', 7n],
    [' ', undefined],
    ['abc', undefined],
    ['1e2', undefined],
    ['１', undefined],
  ];
  for (const [text, expected] of unsigned) {
    it(`uint64 ${JSON.stringify(text)} -> ${expected ?? 'rejected'}`, () => assert.equal(parseCliUnsigned(text), expected));
  }

  const signed: [string, number | undefined][] = [
    ['30', 30],
    ['-5', -5],
    ['-2147483648', -2147483648],
    ['2147483647', 2147483647],
    ['2147483648', undefined],
    ['-2147483649', undefined],
    ['0x80000000', undefined],
    ['9223372036854775808', undefined],
    ['-0x10', -16],
    ['0X1f', 31],
    ['08', undefined],
    ['0o8', undefined],
    ['0o-7', -7],
    ['0o1_0', 8],
    ['0B11', 3],
    ['1__0', 10],
    ['1,,0', 10],
    ['0_x10', 16],
    ['1_x', undefined],
    ['true', 1],
    ['+', undefined],
    ['-', undefined],
    [' 1 2 ', undefined],
    ['1.5', undefined],
    ['5x', undefined],
    ['-0', 0],
  ];
  for (const [text, expected] of signed) {
    it(`int ${JSON.stringify(text)} -> ${expected ?? 'rejected'}`, () => assert.equal(parseCliInt(text), expected));
  }
});

describe('argv semantics', () => {
  const ok = (argv: string[]) => {
    const r = parseCliArgs(argv);
    assert.equal(r.kind, 'run', r.kind === 'error' ? r.message : r.kind);
    return r.kind === 'run' ? r.options : assert.fail();
  };
  const err = (argv: string[], code: number, message: string) => {
    const r = parseCliArgs(argv);
    assert.deepEqual(r, { kind: 'error', exitCode: code, message });
  };

  it('uses upstream defaults', () => {
    assert.deepEqual(ok([]), { seed: 42n, events: 30, format: 'jsonl', profile: 'full', emit: 'trace', model: 'cpp' });
  });
  it('accepts --name=value, any order, negative and empty values', () => {
    assert.deepEqual(ok(['--events=-5', '--profile=lean-core', '--seed', '']), {
      seed: 0n,
      events: -5,
      format: 'jsonl',
      profile: 'lean-core',
      emit: 'trace',
      model: 'cpp',
    });
    assert.equal(ok(['--events', '']).events, 0);
    assert.equal(ok(['--seed=', '7']).seed, 7n);
  });
  it('takes a required value even when it looks like an option', () => {
    err(['--events', '--seed', '1'], EXIT.conversion, 'Could not convert: --events = --seed');
    err(['--events', '-x'], EXIT.conversion, 'Could not convert: --events = -x');
  });
  it('reports a missing value before anything else, even --help', () => {
    err(['--help', '--seed'], EXIT.argumentMismatch, '--seed: 1 required UINT missing');
    err(['--seed='], EXIT.argumentMismatch, '--seed: 1 required UINT missing');
    err(['--format'], EXIT.argumentMismatch, '--format: 1 required TEXT:{jsonl,legacy} missing');
  });
  it('lets --help win over value and extras errors', () => {
    for (const argv of [['--events', 'abc', '--help'], ['--bogus', '-h'], ['-hx'], ['--help=1'], ['--seed', '1', '--seed', '2', '--help']]) {
      assert.deepEqual(parseCliArgs(argv), { kind: 'help' }, JSON.stringify(argv));
    }
  });
  it('checks options in declaration order: membership, count, then conversion', () => {
    err(['--format', 'legacy', '--format', 'xml'], EXIT.validation, '--format: xml not in {jsonl,legacy}');
    err(['--format', 'legacy', '--format', 'jsonl'], EXIT.argumentMismatch, '--format: At most 1 required but received 2');
    err(['--seed', 'x', '--seed', '1'], EXIT.argumentMismatch, '--seed: At most 1 required but received 2');
    err(['--profile', 'foo', '--seed', 'x'], EXIT.conversion, 'Could not convert: --seed = x');
    err(['--seed', '1', '--profile', 'foo', '--events', 'x'], EXIT.conversion, 'Could not convert: --events = x');
    err(['--profile', 'Lean-core'], EXIT.validation, '--profile: Lean-core not in {full,lean-core}');
  });
  it('reports unexpected arguments last, all of them', () => {
    err(['--bogus'], EXIT.extras, 'The following argument was not expected: --bogus');
    err(['-'], EXIT.extras, 'The following argument was not expected: -');
    err(['--Seed', '1'], EXIT.extras, 'The following arguments were not expected: --Seed 1');
    err(['---seed', '1'], EXIT.extras, 'The following arguments were not expected: ---seed 1');
    err(['--seed', '7', '--', 'x'], EXIT.extras, 'The following arguments were not expected: -- x');
    err(['--events', '1', '2'], EXIT.extras, 'The following argument was not expected: 2');
    err(['--bogus', '--seed', 'x'], EXIT.conversion, 'Could not convert: --seed = x');
  });
});

describe('cross-validate process behaviour', () => {
  const cli = (args: string[]) => spawnSync(process.execPath, [CROSS_VALIDATE, ...args], { encoding: 'utf8' });

  it('prints one error line, nothing on stdout, and the documented exit code', () => {
    for (const [args, code] of [
      [['--events', 'abc'], 104],
      [['--seed', '-1'], 104],
      [['--seed', '18446744073709551616'], 104],
      [['--profile', 'foo'], 105],
      [['extra'], 109],
      [['--seed'], 114],
    ] as const) {
      const r = cli([...args]);
      assert.equal(r.status, code, args.join(' '));
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\bat \S+:\d+/, 'no stack trace');
    }
  });

  it('documents every option and exit code in --help', () => {
    const r = cli(['--help']);
    assert.equal(r.status, 0);
    for (const needle of ['--seed', '--events', '--format', '--profile', '104', '105', '109', '114', 'lean-core', 'legacy']) {
      assert.ok(r.stdout.includes(needle), needle);
    }
  });

  it('prints seeds above 2^53 exactly in the banner and the summary', () => {
    const r = cli(['--seed', '18446744073709551615', '--events', '0']);
    assert.equal(r.status, 0);
    assert.match(r.stderr, /^Cross-validation driver: seed=18446744073709551615 events=0 format=jsonl profile=full\nDone\. Total events: 1\n$/);
    assert.ok(r.stdout.endsWith('{"kind":"summary","seed":18446744073709551615,"events":1}\n'));
  });

  it('closes quietly with 141 when stdout goes away', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${CROSS_VALIDATE}" --events 5000 | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    assert.equal(r.stdout.trim(), '141');
    assert.doesNotMatch(r.stderr, /Error|at /);
  });
});

describe('seeds use the engine modulo 2^32', () => {
  it('seed 2^32 + k generates the same steps as seed k', () => {
    for (const k of [0n, 1n, 42n]) {
      const low = traceText({ seed: k, events: 60, profile: 'full' }).split('\n');
      const high = traceText({ seed: (1n << 32n) + k, events: 60, profile: 'full' }).split('\n');
      assert.deepEqual(high.slice(0, -2), low.slice(0, -2));
      assert.equal(high.at(-2), low.at(-2)!.replace(`"seed":${k},`, `"seed":${(1n << 32n) + k},`));
    }
  });
});

describe('event counts', () => {
  const count = (events: number) => traceText({ seed: 7n, events, profile: 'lean-core' }).trimEnd().split('\n').length - 1;
  it('runs exactly N events after Initialize for 0 < N <= 50', () => {
    for (const n of [1, 2, 49, 50]) assert.equal(count(n), n + 1);
  });
  it('runs only Initialize for N <= 0', () => {
    for (const n of [0, -1, -5]) assert.equal(count(n), 1);
  });
  it('draws the count from [50, N] above 50', () => {
    const c = count(1000);
    assert.ok(c >= 51 && c <= 1001, String(c));
  });
});
