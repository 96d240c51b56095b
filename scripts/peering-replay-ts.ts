#!/usr/bin/env node
/**
 * `peering-replay-ts <trace.jsonl | ->`: the TS counterpart of Lean's
 * `peering-replay`, with the same interface and success line.
 */
import { createReadStream } from 'node:fs';
import { unreadableStdin } from '../replay/input/stdin.js';
import { Command, CommanderError, Option } from 'commander';
import type { CompareMode } from '../replay/compare/project.js';
import { REPLAY_EXIT } from '../replay/verdict/report.js';
import { cliVerdict } from '../replay/models/cli-verdict.js';
import { CheckerCrash } from '../replay/verdict/failure.js';
import { tuneV8ForShortRuns } from '../tracegen/v8-tuning.js';
import { versionLine } from '../tracegen/version.js';
import { oneLineError } from './shared/one-line.js';
import { isModelChoice, MODEL_CHOICES, type ModelChoice } from '../replay/models/model.js';

const HELP_AFTER = `
Replays every step of the trace from the empty snapshot and compares it as the
Lean checker does: input snapshot, before checks, from state, after snapshot,
after checks, to state, effects (as a multiset).

--model lean (default) replays through the mirror of upstream's Lean model and
answers what Lean's peering-replay answers; --model cpp through the port of
upstream's C++ reducer; --model both through both, triaging the first failure
(producer bug, or a C++/Lean divergence). --strict (cpp model only) compares
every member and the order of every list instead (recovery_targets, set and
effect order, unknown members; JSON object member order is not significant).

Exit status:
  0  replay ok (prints "replay ok: steps=N summaries=M")
  1  the trace and the reducer disagree (first diverging step, focused diff)
  2  usage error
  3  malformed input (one line naming the line number), including a torn
     write: a cut final line or a zero-filled (NUL) region
  4  the trace file (or stdin) cannot be read, e.g. it is a directory
  5  internal error: the checker failed (under --model both, a checker
     thread died, e.g. out of memory); no verdict about the trace
A closed stdout (| head) never changes the status.`;

interface Options {
  model: string;
  strict?: boolean;
  json?: boolean;
  maxLineBytes: number;
}

function fail(code: number, message: string): never {
  process.stderr.write(`peering-replay-ts: ${message}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('peering-replay-ts')
    .description('Replay a peering trace through the TypeScript reducer')
    .argument('<trace>', 'trace file (JSON Lines), or - for stdin')
    .addOption(new Option('--model <model>', `model to replay through: ${MODEL_CHOICES.join(', ')}`).default('lean'))
    .option('--strict', 'compare every member and every list order, not just what the Lean checker compares')
    .option('--json', 'print a JSON report on stdout instead of text')
    .addOption(
      new Option('--max-line-bytes <n>', 'reject lines longer than this')
        .default(8 << 20)
        .argParser((v) => {
          const n = Number(v);
          if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n <= 0) throw new Error(`--max-line-bytes needs a positive integer, got ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`);
          return n;
        }),
    )
    .version(versionLine('peering-replay-ts'), '-V, --version', 'print the version and exit')
    .addHelpText('after', HELP_AFTER)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined })
    .showHelpAfterError(false);

  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError && (err.code === 'commander.helpDisplayed' || err.code === 'commander.version')) process.exit(0);
    fail(REPLAY_EXIT.usage, `${oneLineError(err instanceof Error ? err.message : String(err))} (usage: peering-replay-ts <trace.jsonl | ->)`);
  }
  const [path] = program.args as [string];
  const options = program.opts<Options>();
  const mode: CompareMode = options.strict ? 'strict' : 'lean';
  if (!isModelChoice(options.model)) fail(REPLAY_EXIT.usage, `--model must be one of ${MODEL_CHOICES.join(', ')}, got ${JSON.stringify(options.model)}`);
  const model: ModelChoice = options.model;
  if (options.strict && model === 'lean') fail(REPLAY_EXIT.usage, '--strict applies to the cpp model; use --model cpp or --model both');

  if (path === '-') {
    const why = unreadableStdin();
    if (why !== undefined) fail(REPLAY_EXIT.io, `cannot read stdin: ${why}`);
  }
  const input = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    const verdict = await cliVerdict(input, { mode, model, maxLineBytes: options.maxLineBytes, json: options.json ?? false, ...leanHeapLimit() });
    process.stderr.write(verdict.stderr);
    process.stdout.write(verdict.stdout);
    process.exitCode = verdict.code;
  } catch (err) {
    if (err instanceof CheckerCrash) fail(REPLAY_EXIT.internal, `internal error: ${err.message}`);
    const e = err as NodeJS.ErrnoException;
    fail(REPLAY_EXIT.io, `cannot read ${path === '-' ? 'stdin' : path}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message}`);
  }
}

/** PEERING_REPLAY_LEAN_HEAP_MB: a heap limit for the Lean thread of `--model both` (docs/replay.md); ignored unless a positive integer. */
function leanHeapLimit(): { leanHeapMb?: number } {
  const v = process.env.PEERING_REPLAY_LEAN_HEAP_MB;
  return v !== undefined && /^[1-9]\d{0,5}$/.test(v) ? { leanHeapMb: Number(v) } : {};
}

// A reader that stops early (`| head`) loses output, nothing else: the verdict's status stands.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);
tuneV8ForShortRuns();
main(process.argv.slice(2)).catch((err: unknown) => fail(REPLAY_EXIT.io, err instanceof Error ? err.message : String(err)));
