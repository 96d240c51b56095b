#!/usr/bin/env node
/**
 * `peering-render --model cpp|lean`: our implementation of the "events in,
 * trace out" protocol (docs/protocol.md). Reads events on stdin, writes the
 * trace. `cross-validate ... --emit events | peering-render --model M` writes
 * exactly what `cross-validate ... --model M` writes.
 */
import { once } from 'node:events';
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from '../replay/index.js';
import { LineTooLongError } from '../replay/input/line-reader.js';
import { unreadableStdin } from '../replay/input/stdin.js';
import { EventLineReader, PROTOCOL_VERSION, ProtocolError } from '../replay/protocol/protocol.js';
import { RENDER_MODELS, TraceRenderer, UnhandledEvent, type RenderModel } from '../replay/protocol/render.js';
import { ByteWriter } from '../tracegen/index.js';
import { versionLine } from '../tracegen/version.js';
import { oneLineError } from './shared/one-line.js';

/** Exit statuses (docs/protocol.md). */
const EXIT = { ok: 0, unhandled: 1, usage: 2, malformed: 3, io: 4, brokenPipe: 141 } as const;

const HELP_AFTER = `
Reads JSON Lines on stdin: one event per line (the trace format's "event"
member), blank lines ignored, optionally ending with the summary line
{"kind":"summary","seed":S,"events":N}. Writes one trace step line per event,
starting from the empty snapshot, as soon as the event is read; on the
summary line it checks N and writes the trace's summary line. Trace step
lines are accepted as input too (their "event" member is used), so a saved
trace can be re-rendered under another model.

  cross-validate --profile lean-core --seed 1 --emit events | peering-render --model cpp
  cross-validate --profile explore --seed 5 --emit events | peering-render --model lean

Protocol version ${PROTOCOL_VERSION} (docs/protocol.md).

Exit status:
  0    every line handled (end of input)
  1    the model cannot handle an event (one line on stderr; no step written for it)
  2    usage error
  3    malformed input line (one line on stderr naming the line)
  4    stdin cannot be read
  141  stdout was closed early (broken pipe)
Steps written before an error stand; nothing is written for the failing line.`;

function packageVersion(): string {
  return `${versionLine('peering-render')} (protocol ${PROTOCOL_VERSION})`;
}

class Exit extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function parseArgs(argv: string[]): { model: RenderModel; maxLineBytes: number } | number {
  const program = new Command('peering-render')
    .description('Implementation of the events-in, trace-out protocol: apply each event on stdin to a model and write its trace step')
    .addOption(new Option('--model <model>', 'the model that answers (renderers write C++ output by default)').choices(RENDER_MODELS).default('cpp'))
    .addOption(
      new Option('--max-line-bytes <n>', 'reject input lines longer than this').default(DEFAULT_MAX_LINE_BYTES).argParser((v) => {
        const n = Number(v);
        if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n <= 0) throw new Error(`--max-line-bytes needs a positive integer, got ${JSON.stringify(v)}`);
        return n;
      }),
    )
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .addHelpText('after', HELP_AFTER)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (t) => process.stdout.write(t) })
    .showHelpAfterError(false);
  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError && ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code)) return EXIT.ok;
    process.stderr.write(`peering-render: ${oneLineError(err instanceof Error ? err.message : String(err))}\n`);
    return EXIT.usage;
  }
  if (program.args.length > 0) {
    process.stderr.write(`peering-render: unexpected argument ${JSON.stringify(program.args[0])} (input is read from stdin)\n`);
    return EXIT.usage;
  }
  return program.opts<{ model: RenderModel; maxLineBytes: number }>();
}

/** Writes and waits for the pipe to take it: input is not read further meanwhile. */
async function writeOut(bytes: Uint8Array): Promise<void> {
  if (bytes.length === 0) return;
  if (!process.stdout.write(bytes)) await once(process.stdout, 'drain');
}

async function render(model: RenderModel, maxLineBytes: number): Promise<void> {
  // A directory reads as an empty stream here: without this, an empty trace and exit 0.
  const why = unreadableStdin();
  if (why !== undefined) throw new Exit(EXIT.io, `cannot read stdin: ${why}`);
  const reader = new EventLineReader({ acceptSteps: true });
  const trace = new TraceRenderer(model);
  const out = new ByteWriter(1 << 16);
  const splitter = new LineSplitter((bytes, lineNo) => {
    const line = reader.read(bytes, lineNo);
    if (line.kind === 'end') trace.end(line.seed, out);
    if (line.kind !== 'event') return;
    try {
      trace.apply(line.event, line.wire, out);
    } catch (err) {
      if (err instanceof UnhandledEvent) throw new Exit(EXIT.unhandled, `line ${lineNo}: ${err.message}`);
      throw err;
    }
  }, maxLineBytes);

  // Whatever was rendered before a failing line is real output: flush it first.
  const flush = async (): Promise<void> => {
    const bytes = out.view().slice();
    out.reset();
    await writeOut(bytes);
  };
  const guarded = async (work: () => void): Promise<void> => {
    try {
      work();
    } catch (err) {
      await flush();
      if (err instanceof ProtocolError) throw new Exit(EXIT.malformed, err.message);
      if (err instanceof LineTooLongError) throw new Exit(EXIT.malformed, `line ${err.lineNo}: longer than the ${err.limit}-byte limit (--max-line-bytes)`);
      throw err;
    }
    await flush();
  };

  try {
    for await (const chunk of process.stdin) await guarded(() => splitter.push(chunk as Buffer));
  } catch (err) {
    if (err instanceof Exit) throw err;
    throw new Exit(EXIT.io, `cannot read stdin: ${(err as Error).message}`);
  }
  await guarded(() => splitter.end());
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'number') return args;
  try {
    await render(args.model, args.maxLineBytes);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof Exit) {
      process.stderr.write(`peering-render: ${err.message}\n`);
      return err.code;
    }
    process.stderr.write(`peering-render: ${(err as Error).message.split('\n')[0]}\n`);
    return EXIT.io;
  }
}

// A reader that goes away must not turn into exit 0: the trace it got is incomplete.
process.stdout.on('error', (err: NodeJS.ErrnoException) => process.exit(err.code === 'EPIPE' ? EXIT.brokenPipe : EXIT.io));
process.exitCode = await main(process.argv.slice(2));
