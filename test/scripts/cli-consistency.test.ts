/**
 * What the five bins share: -V, the default-model rule of the README's
 * table (each row checked against what the bin does), one spelling of the
 * event count accepted for the other, "did you mean" on one line, and
 * `replay-fuzz help`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { oneLineError } from '../../scripts/shared/one-line.js';
import { replayText } from '../../replay/index.js';
import { eventStreamText, traceText } from '../../tracegen/index.js';
import { CROSS_VALIDATE, ROOT, runBin } from '../helpers.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
const bin = (name: string): string => join(ROOT, pkg.bin[name]!);

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'cli-consistency-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The README's table of default models: entry point -> default. */
function readmeDefaults(): Map<string, string> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Which model, by default'));
  const rows = [...section.matchAll(/^\| `([\w-]+)`[^|]*\| [^|]+\| `(\w+)` \|/gm)];
  return new Map(rows.map((m) => [m[1]!, m[2]!]));
}

describe('-V', () => {
  for (const name of Object.keys(pkg.bin)) {
    it(`${name} -V prints what --version prints`, async () => {
      const short = await runBin(bin(name), ['-V']);
      const long = await runBin(bin(name), ['--version']);
      assert.equal(short.code, 0, short.stderr);
      assert.equal(short.stdout, long.stdout);
      assert.match(short.stdout, new RegExp(`^${name} `));
    });
  }
});

describe('the default model, as the README table states it', () => {
  const defaults = readmeDefaults();

  it('has one row per bin and the library, by the rule: checkers lean, the fuzz driver both, renderers cpp', () => {
    assert.deepEqual(Object.fromEntries(defaults), {
      'peering-replay-ts': 'lean',
      'peering-trace-diff': 'lean',
      'replay-fuzz': 'both',
      'cross-validate': 'cpp',
      'peering-render': 'cpp',
      replayText: 'cpp',
    });
    for (const name of Object.keys(pkg.bin)) assert.ok(defaults.has(name), name);
  });

  it('peering-replay-ts checks with the table\'s model', async () => {
    const r = await runBin(bin('peering-replay-ts'), ['--json', '-'], traceText({ seed: 2n, events: 10, profile: 'full' }));
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { model: string }).model, defaults.get('peering-replay-ts'));
  });

  it('peering-trace-diff reads lines with the table\'s model', async (t) => {
    const dir = tempDir(t);
    const lines = traceText({ seed: 4n, events: 6, profile: 'lean-core' }).split('\n');
    writeFileSync(join(dir, 'a'), lines.join('\n'));
    lines[2] = `${lines[2]!.slice(0, -1)},}`;
    writeFileSync(join(dir, 'b'), lines.join('\n'));
    const plain = await runBin(bin('peering-trace-diff'), [join(dir, 'a'), join(dir, 'b')]);
    const named = await runBin(bin('peering-trace-diff'), ['--model', defaults.get('peering-trace-diff')!, join(dir, 'a'), join(dir, 'b')]);
    const other = await runBin(bin('peering-trace-diff'), ['--model', 'cpp', join(dir, 'a'), join(dir, 'b')]);
    assert.equal(plain.code, 3);
    assert.deepEqual(plain, named);
    assert.notEqual(plain.stderr, other.stderr, 'the two models read the broken line differently');
  });

  it('replay-fuzz judges with the table\'s models, in-process and through our checker as a process', async (t) => {
    const dir = tempDir(t);
    const inProcess = await runBin(bin('replay-fuzz'), ['--cycles', '1', '--event', '5', '--no-progress', '--report', join(dir, 'a.json')]);
    assert.equal(inProcess.code, 0, inProcess.stderr);
    assert.equal((JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8')) as { config: { model: string } }).config.model, defaults.get('replay-fuzz'));
    const asProcess = await runBin(bin('replay-fuzz'), ['--cross-validate', CROSS_VALIDATE, '--cycles', '1', '--event', '5', '--no-progress', '--report', join(dir, 'b.json')]);
    assert.equal(asProcess.code, 0, asProcess.stderr);
    assert.match((JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8')) as { config: { replayer: string } }).config.replayer, new RegExp(`peering-replay-ts\\.js --model ${defaults.get('replay-fuzz')}$`));
  });

  it('cross-validate and peering-render write the table\'s model', async () => {
    const args = ['--profile', 'explore', '--seed', '5', '--events', '60'];
    const plain = await runBin(CROSS_VALIDATE, args);
    assert.equal(plain.stdout, (await runBin(CROSS_VALIDATE, [...args, '--model', defaults.get('cross-validate')!])).stdout);
    assert.notEqual(plain.stdout, (await runBin(CROSS_VALIDATE, [...args, '--model', 'lean'])).stdout, 'explore traces differ by model');
    const events = eventStreamText({ seed: 5n, events: 60, profile: 'explore' });
    const rendered = await runBin(bin('peering-render'), [], events);
    assert.equal(rendered.stdout, (await runBin(bin('peering-render'), ['--model', defaults.get('peering-render')!], events)).stdout);
    assert.equal(rendered.stdout, plain.stdout);
  });

  it('the library checks with the table\'s model', () => {
    const text = traceText({ seed: 3n, events: 8, profile: 'full' });
    assert.equal(defaults.get('replayText'), 'cpp');
    // Only the cpp model takes strict mode: the default accepts it.
    assert.equal(replayText(text, { mode: 'strict' }).steps, replayText(text, { mode: 'strict', model: 'cpp' }).steps);
  });
});

describe('one option, two spellings', () => {
  it('cross-validate takes --event for --events', async () => {
    const a = await runBin(CROSS_VALIDATE, ['--seed', '9', '--events', '7']);
    const b = await runBin(CROSS_VALIDATE, ['--seed', '9', '--event', '7']);
    assert.equal(b.code, 0, b.stderr);
    assert.deepEqual(b, a);
    const twice = await runBin(CROSS_VALIDATE, ['--event', '7', '--events', '8']);
    assert.equal(twice.code, 114);
    assert.equal(twice.stderr, 'cross-validate: --events: At most 1 required but received 2 (run with --help for more information)\n');
  });

  it('replay-fuzz takes --events for --event, and refuses both at once', async (t) => {
    const dir = tempDir(t);
    const r = await runBin(bin('replay-fuzz'), ['--events', '4', '--cycles', '1', '--no-progress', '--report', join(dir, 'r.json')]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { config: { event_range: number[] } }).config.event_range, [4, 4]);
    const both = await runBin(bin('replay-fuzz'), ['--event', '4', '--events', '5']);
    assert.equal(both.code, 2);
    assert.equal(both.stderr, 'replay-fuzz: --event and --events are the same option; give one\n');
  });
});

describe('usage errors', () => {
  it('keep commander\'s "did you mean" on the one line', async () => {
    assert.equal(oneLineError("error: unknown option '--evnt'\n(Did you mean --event?)"), "unknown option '--evnt' (did you mean --event?)");
    assert.equal(oneLineError("error: missing required argument 'trace'"), "missing required argument 'trace'");
    const fuzz = await runBin(bin('replay-fuzz'), ['--evnt', '3']);
    assert.equal(fuzz.code, 2);
    assert.equal(fuzz.stderr, "replay-fuzz: unknown option '--evnt' (did you mean --event?)\n");
    const replay = await runBin(bin('peering-replay-ts'), ['--modle', 'lean', '-']);
    assert.equal(replay.code, 2);
    assert.equal(replay.stderr, "peering-replay-ts: unknown option '--modle' (did you mean --model?) (usage: peering-replay-ts <trace.jsonl | ->)\n");
  });

  it('cross-validate --help lists every profile it takes, upstream\'s error keeps upstream\'s list', async () => {
    const help = await runBin(CROSS_VALIDATE, ['--help']);
    assert.match(help.stdout, /--profile TEXT:\{full,lean-core,explore\} \[full\]/);
    assert.match(help.stdout, /-V, --version/);
    const bad = await runBin(CROSS_VALIDATE, ['--profile', 'nope']);
    assert.equal(bad.code, 105);
    assert.equal(bad.stderr, 'cross-validate: --profile: nope not in {full,lean-core} (run with --help for more information)\n');
  });
});

describe('replay-fuzz help', () => {
  it('prints the campaign help, or a command\'s, with exit 0', async () => {
    const main = await runBin(bin('replay-fuzz'), ['help']);
    assert.equal(main.code, 0, main.stderr);
    assert.equal(main.stdout, (await runBin(bin('replay-fuzz'), ['--help'])).stdout);
    assert.match(main.stdout, /replay-fuzz help \[COMMAND\]/);
    for (const sub of ['merge', 'rerun']) {
      const r = await runBin(bin('replay-fuzz'), ['help', sub]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, (await runBin(bin('replay-fuzz'), [sub, '--help'])).stdout);
    }
  });

  it('refuses a command it does not know, in one line', async () => {
    const r = await runBin(bin('replay-fuzz'), ['help', 'deploy']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^replay-fuzz: help takes one of merge, rerun(, \w+)* or nothing, got "deploy"\n$/);
  });
});
