#!/usr/bin/env node
/**
 * `peering-trace-diff A B`: the first diverging line of two traces, with a
 * focused diff. `--itf FILE` also writes them side by side as an ITF trace
 * (Apalache/Quint trace viewers); with A alone, beside the Lean mirror's
 * rendering of A's events.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { writeFileDurably } from '../fuzz/store/durable.js';
import { extractWireEvents } from '../fuzz/minimize/catalogue-minimize.js';
import { firstDivergence } from '../fuzz/catalogue/attribute.js';
import { itfOfTraces } from '../replay/diff/itf.js';
import { wireLeanTraceText } from '../tracegen/lean-render/wire-lean.js';
import { unreadableStdin } from '../replay/input/stdin.js';
import { Command, CommanderError } from 'commander';
import { ReplayFailure } from '../replay/verdict/failure.js';
import { reportJson } from '../replay/input/json-text.js';
import { clipText, REPLAY_EXIT } from '../replay/verdict/report.js';
import { diffTraces } from '../replay/diff/trace-diff.js';
import { versionLine } from '../tracegen/version.js';
import { oneLineError } from './shared/one-line.js';

function fail(code: number, message: string): never {
  process.stderr.write(`peering-trace-diff: ${message}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('peering-trace-diff')
    .description('Report the first line where two peering traces diverge')
    .argument('<a>', 'first trace (or - for stdin)')
    .argument('[b]', 'second trace (with --itf alone: the Lean mirror rendering A\'s events)')
    .option('--itf <file>', 'also write both traces side by side as an ITF trace (Informal Trace Format)')
    .option('--strict', 'compare every member and order (cpp model only; default: what the Lean checker compares)')
    .option('--json', 'print a JSON report on stdout')
    .version(versionLine('peering-trace-diff'), '-V, --version', 'print the version and exit')
    .option('--model <model>', "lean (default, as every checker): what Lean's parser reads of each line, normalised as Lean does; cpp: the cpp checker's view")
    .addHelpText('after', '\nExit status: 0 equivalent, 1 diverging, 2 usage, 3 malformed line (checked as peering-replay-ts does), 4 unreadable file\nA closed stdout (| head) never changes the status.')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError && (err.code === 'commander.helpDisplayed' || err.code === 'commander.version')) process.exit(0);
    fail(REPLAY_EXIT.usage, `${oneLineError((err as Error).message)} (usage: peering-trace-diff <a> <b>)`);
  }
  const [pathA, pathB] = program.args as [string, string | undefined];
  const itf = program.opts<{ itf?: string }>().itf;
  if (pathB === undefined) {
    if (itf === undefined) fail(REPLAY_EXIT.usage, 'missing trace B (usage: peering-trace-diff <a> <b>)');
    writeItf(itf, pathA, undefined, undefined);
    return;
  }
  if (itf !== undefined && (pathA === '-' || pathB === '-')) fail(REPLAY_EXIT.usage, '--itf reads its traces from files, not stdin');
  if (pathA === '-' && pathB === '-') fail(REPLAY_EXIT.usage, 'only one side can be stdin');
  if (pathA === '-' || pathB === '-') {
    const why = unreadableStdin();
    if (why !== undefined) fail(REPLAY_EXIT.io, `cannot read stdin: ${why}`);
  }
  const open = (p: string) => (p === '-' ? process.stdin : createReadStream(p, { highWaterMark: 1 << 20 }));
  const opts = program.opts<{ strict?: boolean; json?: boolean; model?: string }>();
  const model = opts.model ?? 'lean';
  if (model !== 'cpp' && model !== 'lean') fail(REPLAY_EXIT.usage, `--model must be cpp or lean, got ${JSON.stringify(model)}`);
  if (opts.strict && model === 'lean') fail(REPLAY_EXIT.usage, '--strict applies to the cpp model; use --model cpp');
  try {
    const result = await diffTraces(open(pathA), open(pathB), opts.strict ? 'strict' : 'lean', undefined, model);
    if (itf !== undefined) writeItf(itf, pathA, pathB, result.divergence === undefined ? undefined : (result.divergence.step ?? 0));
    if (opts.json) process.stdout.write(`${reportJson({ same: result.divergence === undefined, ...result })}\n`);
    process.exitCode = result.divergence === undefined ? REPLAY_EXIT.ok : REPLAY_EXIT.mismatch;
    if (result.divergence === undefined) {
      if (!opts.json) process.stdout.write(`traces agree: ${result.lines} lines (${result.equivalentLines} equivalent but not byte-identical)\n`);
      return;
    }
    const d = result.divergence;
    if (!opts.json) {
      const where = [`A line ${d.lineA}`, `B line ${d.lineB}`, d.step === undefined ? '' : `step ${d.step}`, d.event ?? ''].filter(Boolean).join(', ');
      const out = [`${d.message} (${where})`];
      for (const e of d.diff.slice(0, 40)) out.push(`  ${clipText(e.path)}: A ${clipText(e.expected ?? '(absent)')}, B ${clipText(e.actual ?? '(absent)')}`);
      if (d.diff.length > 40) out.push(`  ... ${d.diff.length - 40} more`);
      process.stdout.write(`${out.join('\n')}\n`);
    }
    process.exitCode = REPLAY_EXIT.mismatch;
  } catch (err) {
    if (err instanceof ReplayFailure) fail(REPLAY_EXIT.malformed, `line ${err.report.line}: ${err.report.message}`);
    const e = err as NodeJS.ErrnoException;
    const what = e.path ?? 'input';
    fail(REPLAY_EXIT.io, e.code === 'ENOENT' ? `cannot read ${what}: no such file` : e.code === 'EISDIR' ? `cannot read ${what}: is a directory` : e.message);
  }
}

/**
 * `--itf FILE`: A and B (or A and the Lean mirror's rendering of its
 * events) as one ITF trace; `first` is where they first differ (for A
 * alone: where both models first disagree about A's events).
 */
function writeItf(file: string, pathA: string, pathB: string | undefined, first: number | undefined): void {
  if (pathA === '-') fail(REPLAY_EXIT.usage, '--itf reads its traces from files, not stdin');
  let a: string;
  let b: string;
  try {
    a = readFileSync(pathA, 'utf8');
    if (pathB === undefined) {
      const w = extractWireEvents(a);
      b = wireLeanTraceText(
        w.events.map((e) => e.text),
        w.seed,
      );
      first = firstDivergence(w.events, w.seed)?.step;
    } else {
      b = readFileSync(pathB, 'utf8');
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    fail(e.code === undefined ? REPLAY_EXIT.malformed : REPLAY_EXIT.io, `--itf: ${e.code === 'ENOENT' ? `cannot read ${e.path}: no such file` : e.message.split('\n')[0]}`);
  }
  const names = pathB === undefined ? ['trace', 'lean'] : ['a', 'b'];
  const text = itfOfTraces([{ name: names[0]!, text: a }, { name: names[1]!, text: b }], pathB === undefined ? pathA : `${pathA} vs ${pathB}`, 'peering-trace-diff --itf', first);
  try {
    writeFileDurably(file, text);
  } catch (err) {
    fail(REPLAY_EXIT.io, `--itf ${file} cannot be written: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

// A reader that stops early (`| head`) loses output, nothing else: the verdict's status stands.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);
main(process.argv.slice(2)).catch((err: unknown) => fail(REPLAY_EXIT.io, err instanceof Error ? err.message : String(err)));
