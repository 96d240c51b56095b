/**
 * `cross-validate --emit events` and `peering-render`: the event stream is
 * exactly the events of the trace, and rendering it back gives the trace
 * byte for byte (golden argv of both upstream profiles).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { EventLineReader, ProtocolError } from '../../../replay/protocol/protocol.js';
import { TraceRenderer, type RenderModel } from '../../../replay/protocol/render.js';
import { replayText } from '../../../replay/models/run.js';
import { ByteWriter, eventStreamText, renderTraceWithLean, traceText, type Profile } from '../../../tracegen/index.js';
import { CROSS_VALIDATE, fixture, readJson, requireGolden, ROOT, runBin } from '../../helpers.js';

const RENDER = join(ROOT, 'dist', 'scripts', 'peering-render.js');

interface ManifestRow {
  readonly profile: Profile;
  readonly seed: string;
  readonly events: number;
  readonly args: string[];
  readonly sha256: string;
}

const manifest = readJson<ManifestRow[]>(join(requireGolden(), 'manifest.json'));
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Renders an event stream in-process, through the same reader and renderer as the bin. */
function renderText(stream: string, model: RenderModel = 'cpp'): string {
  const reader = new EventLineReader();
  const trace = new TraceRenderer(model);
  const w = new ByteWriter(1 << 16);
  stream.split('\n').forEach((line, i) => {
    const got = reader.read(Buffer.from(line), i + 1);
    if (got.kind === 'event') trace.apply(got.event, got.wire, w);
    if (got.kind === 'end') trace.end(got.seed, w);
  });
  return w.text();
}

/** `cross-validate ARGS --emit events | peering-render ARGS2`, both real processes. */
function pipeline(cvArgs: readonly string[], renderArgs: readonly string[]): Promise<{ stdout: Buffer; genCode: number | null; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const gen = spawn(process.execPath, [CROSS_VALIDATE, ...cvArgs, '--emit', 'events'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const render = spawn(process.execPath, [RENDER, ...renderArgs], { stdio: ['pipe', 'pipe', 'pipe'] });
    gen.stdout.pipe(render.stdin);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    render.stdout.on('data', (d: Buffer) => out.push(d));
    render.stderr.on('data', (d: Buffer) => err.push(d));
    let genCode: number | null = null;
    gen.on('close', (c) => (genCode = c));
    render.on('error', reject);
    render.on('close', (code) => setImmediate(() => resolve({ stdout: Buffer.concat(out), genCode, code, stderr: Buffer.concat(err).toString() })));
  });
}

describe('cross-validate --emit events', () => {
  it('writes each step\'s event member byte for byte, then the summary line', () => {
    for (const profile of ['lean-core', 'full'] as const) {
      for (const seed of [1n, 9n, 18446744073709551615n]) {
        const trace = traceText({ seed, events: 120, profile }).split('\n');
        const events = eventStreamText({ seed, events: 120, profile }).split('\n');
        assert.equal(events.length, trace.length);
        assert.equal(events.at(-2), trace.at(-2), 'same summary line');
        for (let i = 0; i < trace.length - 2; i++) {
          const line = trace[i]!;
          const start = line.indexOf(',"event":') + ',"event":'.length;
          assert.equal(line.slice(start, start + events[i]!.length + ',"before":'.length), `${events[i]},"before":`, `${profile} seed ${seed} step ${i}`);
        }
      }
    }
  });

  it('refuses --format legacy with one line and exit 105', () => {
    const r = spawnSync(process.execPath, [CROSS_VALIDATE, '--emit', 'events', '--format', 'legacy'], { encoding: 'utf8' });
    assert.equal(r.status, 105);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'cross-validate: --emit events needs --format jsonl (run with --help for more information)\n');
  });

  it('rejects an unknown --emit value like any other choice', () => {
    const r = spawnSync(process.execPath, [CROSS_VALIDATE, '--emit', 'steps'], { encoding: 'utf8' });
    assert.equal(r.status, 105);
    assert.match(r.stderr, /--emit: steps not in \{trace,events\}/);
  });
});

describe('peering-render --model cpp reproduces cross-validate', () => {
  it('for every golden row, rendered in-process through the protocol reader', () => {
    const rows = manifest.filter((r) => r.args.length > 0);
    assert.ok(rows.some((r) => r.profile === 'lean-core') && rows.some((r) => r.profile === 'full'));
    for (const row of rows) {
      const options = { seed: BigInt(row.seed), events: row.events, profile: row.profile };
      assert.equal(sha256(renderText(eventStreamText(options))), row.sha256, row.args.join(' '));
    }
  });

  it('through the real bins, piped, on golden argv of both profiles', async () => {
    const picks = [...manifest.filter((r) => r.profile === 'lean-core' && r.events === 200).slice(0, 3), ...manifest.filter((r) => r.profile === 'full' && r.events === 200).slice(0, 3), manifest.find((r) => r.args.length === 0)!];
    for (const row of picks) {
      const r = await pipeline(row.args, ['--model', 'cpp']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.genCode, 0);
      assert.equal(r.stderr, '');
      assert.equal(sha256(r.stdout), row.sha256, `[${row.args.join(' ')}]`);
    }
  });

  it('for --profile explore too: wire forms are echoed, snapshots follow the C++ reading', async () => {
    for (const seed of [1n, 2n, 3n, 4n, 5n, 6n]) {
      const options = { seed, events: 150, profile: 'explore' as Profile };
      assert.equal(renderText(eventStreamText(options)), traceText(options), `explore seed ${seed}`);
    }
    const r = await pipeline(['--profile', 'explore', '--seed', '5', '--events', '200'], ['--model', 'cpp']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), traceText({ seed: 5n, events: 200, profile: 'explore' }));
  });

  it('takes a trace as input too and renders it back unchanged', async () => {
    const trace = traceText({ seed: 4n, events: 60, profile: 'full' });
    const r = await runBin(RENDER, [], trace);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, trace);
  });
});

/** `cross-validate ... --model lean`, in-process. */
function leanTraceText(options: { seed: bigint; events: number; profile: Profile }): string {
  const w = new ByteWriter(1 << 16);
  renderTraceWithLean(options, w);
  return w.text();
}

describe('peering-render --model lean answers as the Lean mirror', () => {
  it('equals cross-validate --model lean for every profile, and the Lean checker accepts it', () => {
    for (const profile of ['lean-core', 'full', 'explore'] as const) {
      for (const seed of [1n, 5n, 18446744073709551615n]) {
        const options = { seed, events: 150, profile };
        const rendered = renderText(eventStreamText(options), 'lean');
        assert.equal(rendered, leanTraceText(options), `${profile} seed ${seed}`);
        assert.equal(replayText(rendered, { model: 'lean' }).steps, rendered.split('\n').length - 2, `${profile} seed ${seed}`);
      }
    }
  });

  it('differs from the C++ rendering where the models diverge (explore), and the cpp checker then rejects it', () => {
    let diverging = 0;
    for (let seed = 1n; seed <= 12n; seed++) {
      const stream = eventStreamText({ seed, events: 200, profile: 'explore' });
      const lean = renderText(stream, 'lean');
      if (lean === renderText(stream, 'cpp')) continue;
      diverging++;
      assert.throws(() => replayText(lean, { model: 'cpp' }), Error, `explore seed ${seed}`);
    }
    assert.ok(diverging >= 3, `only ${diverging} of 12 explore seeds diverge`);
  });

  it('through the real bins, piped', async () => {
    const r = await pipeline(['--profile', 'explore', '--seed', '5', '--events', '200'], ['--model', 'lean']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString(), leanTraceText({ seed: 5n, events: 200, profile: 'explore' }));
  });
});

describe('peering-render agrees with upstream\'s C++ reducer beyond the generator', () => {
  for (const name of ['odd-primary', 'odd-replica']) {
    it(`${name}: writes the adapter's bytes (fixtures from adapters/cpp)`, async () => {
      const events = readFileSync(fixture(`protocol/${name}.events.jsonl`));
      const expected = gunzipSync(readFileSync(fixture(`protocol/${name}.cpp-trace.jsonl.gz`))).toString('utf8');
      const r = await runBin(RENDER, ['--model', 'cpp'], events);
      assert.equal(r.code, 0, r.stderr);
      const got = r.stdout.split('\n');
      const want = expected.split('\n');
      const first = want.findIndex((line, i) => got[i] !== line);
      assert.equal(first, -1, `first difference at output line ${first + 1}`);
      assert.equal(got.length, want.length);
    });
  }
});

describe('peering-render input handling', () => {
  const events = eventStreamText({ seed: 2n, events: 40, profile: 'lean-core' }).split('\n').filter(Boolean);
  const steps = traceText({ seed: 2n, events: 40, profile: 'lean-core' }).split('\n').filter(Boolean);

  it('ignores blank lines and CRs, and accepts a last line without newline', async () => {
    const input = `\n  \n${events.slice(0, 3).join('\r\n')}\r\n\t\n${events[3]}`;
    const r = await runBin(RENDER, ['--model', 'cpp'], input);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n').filter(Boolean), steps.slice(0, 4));
  });

  it('reads "final_len": null as unknown and echoes the event as received, compact', async () => {
    const init = events[0]!;
    const peer = '{ "type":"PeerInfoReceived", "from":1, "query_epoch":0, "info":{"osd":1,"committed_seq":3,"committed_length":3,"image":[{"obj":4,"len":3},{"obj":4,"len":2}],"blob_meta":[{"obj":4,"sealed":true,"final_len":null}],"last_epoch_started":0,"last_interval_started":0,"extra":[1,{"x":null}]} }';
    const same = peer.replace(',"final_len":null', '').replace('{"obj":4,"len":3},', '');
    const a = await runBin(RENDER, [], `${init}\n${peer}\n`);
    const b = await runBin(RENDER, [], `${init}\n${same}\n`);
    assert.equal(a.code, 0, a.stderr);
    const [stepA, stepB] = [a.stdout.split('\n')[1]!, b.stdout.split('\n')[1]!];
    const compact = peer.replace(/ /g, '');
    assert.ok(stepA.includes(`"event":${compact},"before":`), stepA.slice(0, 300));
    assert.equal(stepA.slice(stepA.indexOf(',"before":')), stepB.slice(stepB.indexOf(',"before":')), 'same step either way');
  });

  it('writes no summary when the input has none', async () => {
    const r = await runBin(RENDER, [], events.slice(0, -1).join('\n') + '\n');
    assert.equal(r.code, 0);
    assert.deepEqual(r.stdout.split('\n').filter(Boolean), steps.slice(0, -1));
  });

  const bad: readonly [string, string, RegExp][] = [
    ['invalid JSON', '{"type":', /^peering-render: line 3: invalid JSON/],
    ['not an object', '[1,2]', /^peering-render: line 3: an input line must be a JSON object/],
    ['unknown event type', '{"type":"Bogus"}', /^peering-render: line 3: unknown event type "Bogus"/],
    ['missing member', '{"type":"PeerQueryTimeout"}', /^peering-render: line 3: not a valid event: .*missing member "peer"/],
    ['out-of-range number', '{"type":"UpThruUpdated","epoch":4294967296}', /^peering-render: line 3: not a valid event/],
    ['a step line kind it does not know', '{"kind":"banner"}', /^peering-render: line 3: unexpected line kind "banner"/],
    ['a summary with the wrong count', '{"kind":"summary","seed":2,"events":9}', /^peering-render: line 3: summary line counts 9 events but 2 were read/],
    ['not UTF-8', '{"type":"DeleteStart","x":"\xff"}', /^peering-render: line 3: not valid UTF-8/],
  ];
  for (const [name, line, message] of bad) {
    it(`rejects ${name} with exit 3, naming the line, keeping the steps before it`, async () => {
      const input = Buffer.concat([Buffer.from(`${events[0]}\n${events[1]}\n`), Buffer.from(line, 'latin1'), Buffer.from(`\n${events[2]}\n`)]);
      const r = await runBin(RENDER, [], input);
      assert.equal(r.code, 3);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
      assert.deepEqual(r.stdout.split('\n').filter(Boolean), steps.slice(0, 2), 'the two steps before, nothing made up');
    });
  }

  it('rejects anything after the summary line', async () => {
    const r = await runBin(RENDER, [], `${events[0]}\n{"kind":"summary","seed":2,"events":1}\n${events[1]}\n`);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /line 3: input after the summary line/);
  });

  it('rejects an over-long line with exit 3', async () => {
    const r = await runBin(RENDER, ['--max-line-bytes', '100'], `${events[0]}\n`);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /line 1: longer than the 100-byte limit/);
  });

  it('keeps seeds above 2^53 exact in the summary', async () => {
    const seed = 18446744073709551615n;
    const trace = traceText({ seed, events: 5, profile: 'full' });
    const r = await runBin(RENDER, [], eventStreamText({ seed, events: 5, profile: 'full' }));
    assert.equal(r.stdout, trace);
  });

  it('prints usage errors in one line with exit 2, and --version', async () => {
    for (const args of [['--model', 'rust'], ['extra'], ['--bogus']]) {
      const r = await runBin(RENDER, args, '');
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
    }
    const v = await runBin(RENDER, ['--version'], '');
    assert.equal(v.code, 0);
    assert.match(v.stdout, /^peering-render \d+\.\d+\.\d+.* \(protocol 1\)\n$/);
  });

  it('exits 141, not 0, when stdout goes away', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${CROSS_VALIDATE}" --events 3000 --emit events 2>/dev/null | "${process.execPath}" "${RENDER}" | head -c 10 >/dev/null; echo "\${PIPESTATUS[1]}"`], { encoding: 'utf8' });
    assert.equal(r.stdout.trim(), '141');
    assert.doesNotMatch(r.stderr, /Error|at /);
  });

  it('answers each event before the next one is sent', async () => {
    const child = spawn(process.execPath, [RENDER], { stdio: ['pipe', 'pipe', 'inherit'] });
    let buffered = '';
    const nextLine = () =>
      new Promise<string>((resolve) => {
        const take = () => {
          const nl = buffered.indexOf('\n');
          if (nl < 0) return false;
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          resolve(line);
          return true;
        };
        if (take()) return;
        const onData = (d: Buffer) => {
          buffered += d.toString();
          if (take()) child.stdout.off('data', onData);
        };
        child.stdout.on('data', onData);
      });
    for (let i = 0; i < 5; i++) {
      child.stdin.write(`${events[i]}\n`);
      assert.equal(await nextLine(), steps[i]);
    }
    child.stdin.end();
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, 0);
  });
});

describe('EventLineReader', () => {
  it('refuses a summary before any event', () => {
    assert.throws(() => new EventLineReader().read(Buffer.from('{"kind":"summary","seed":1,"events":0}'), 1), ProtocolError);
  });
  it('refuses trace step lines unless asked to take them', () => {
    const step = traceText({ seed: 1n, events: 1, profile: 'full' }).split('\n')[0]!;
    assert.throws(() => new EventLineReader().read(Buffer.from(step), 1), /unexpected line kind "step"/);
    assert.equal(new EventLineReader({ acceptSteps: true }).read(Buffer.from(step), 1).kind, 'event');
  });
});
