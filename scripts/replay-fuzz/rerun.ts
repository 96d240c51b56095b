/** `replay-fuzz rerun DIR`: every recorded failure run again as it was produced and judged, and which still fail. */
import { join, resolve } from 'node:path';
import { Command as Cli } from 'commander';
import { isModelChoice, MODEL_CHOICES, type ModelChoice } from '../../replay/models/model.js';
import { readFailureIndex, rerunFailures, type RerunOverrides, type RerunVerdict } from '../../fuzz/campaign/rerun.js';
import { MAX_TIMER_MS } from '../../fuzz/campaign/settings.js';
import { ChildGroups } from '../../fuzz/cycle/child.js';
import { neutralizeCommands } from '../../fuzz/outputs/escape.js';
import { collect, resolveCommand } from '../../fuzz/plan/command.js';
import type { FailureRecord } from '../../fuzz/store/store.js';
import { asUsage, positive, UsageError } from '../shared/args.js';
import { EXIT } from './exit.js';

const MAX_TIMEOUT_S = Math.floor(MAX_TIMER_MS / 1000);

const HELP_AFTER = `
Each record is run again with what produced and judged it (its "tools":
generator, implementation, checker, model(s) and their arguments), so
"fixed" means the same checker now accepts the same input. --model,
--replayer, --impl and --cross-validate replace one of them for every
record. A record whose generator, implementation or checker cannot be run
again (gone, not executable, or not recorded) is reported as "cannot rerun",
never as fixed. A damaged record (a member of the wrong type or out of
range) is an error naming the file and the record.

Exit status: 0 every record fixed, 1 some still fail, 2 usage error (no
DIR/failures.json, a damaged record, a bad option), 3 none still fails but
some could not be run again, 130 interrupted.`;

type RerunOptions = {
  crossValidate?: string;
  crossValidateArg: string[];
  replayer?: string;
  replayerArg: string[];
  impl?: string;
  implArg: string[];
  model?: string;
  requireImageInvariant?: boolean;
  strict?: boolean;
  timeout?: number;
};

function rerunProgram(): Cli {
  return new Cli('replay-fuzz rerun')
    .description('Run every failure recorded in DIR/failures.json again, as it was produced and judged, and report which still fail')
    .argument('<dir>', 'a failure directory written with --save-failure-traces')
    .option('--cross-validate <path>', 'replace the recorded generator')
    .option('--cross-validate-arg <arg>', 'an argument for --cross-validate (repeatable)', collect, [])
    .option('--replayer <path>', 'replace the recorded checker by one with the peering-replay interface')
    .option('--replayer-arg <arg>', 'an argument for --replayer (repeatable)', collect, [])
    .option('--impl <path>', 'replace the recorded implementation under test (docs/protocol.md)')
    .option('--impl-arg <arg>', 'an argument for --impl (repeatable)', collect, [])
    .option('--model <model>', `replace the recorded checker by ours with these model(s): ${MODEL_CHOICES.join(', ')}`)
    .option('--require-image-invariant', 'also fail a cycle whose trace reports a broken image invariant (always on for failures that were one)')
    .option('--strict', 'run our checker in strict mode')
    .option('--timeout <seconds>', 'kill a generator, implementation or checker that runs longer', positive('--timeout', MAX_TIMEOUT_S))
    .addHelpText('after', HELP_AFTER)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (t) => process.stdout.write(t) });
}

function overridesOf(o: RerunOptions): RerunOverrides {
  return asUsage(() => {
    if (o.model !== undefined && !isModelChoice(o.model)) throw new UsageError(`--model must be one of ${MODEL_CHOICES.join(', ')}, got ${JSON.stringify(o.model)}`);
    if (o.model !== undefined && o.replayer !== undefined) throw new UsageError('--model chooses our checker; it cannot be combined with --replayer');
    for (const [value, args, flag] of [[o.crossValidate, o.crossValidateArg, '--cross-validate'], [o.replayer, o.replayerArg, '--replayer'], [o.impl, o.implArg, '--impl']] as const) {
      if (value === undefined && args.length > 0) throw new UsageError(`${flag}-arg needs ${flag}`);
    }
    return {
      ...(o.model === undefined ? {} : { model: o.model as ModelChoice }),
      ...(o.strict ? { strict: true } : {}),
      ...(o.crossValidate === undefined ? {} : { generator: resolveCommand(o.crossValidate, o.crossValidateArg, 'cross_validate', '--cross-validate') }),
      ...(o.replayer === undefined ? {} : { replayer: resolveCommand(o.replayer, o.replayerArg, 'replayer', '--replayer') }),
      ...(o.impl === undefined ? {} : { impl: resolveCommand(o.impl, o.implArg, 'implementation', '--impl') }),
    };
  });
}

/** Causes echo tools' output: no line of ours can act as a CI workflow command. */
const say = (text: string): void => void process.stdout.write(neutralizeCommands(text));

const line = (c: FailureRecord['config']) => `cycle=${c.cycle} seed=${c.seed} event=${c.event} profile=${c.profile}`;

function verdictText(v: RerunVerdict): string {
  switch (v.kind) {
    case 'still-fails':
      return `still fails: ${line(v.record.config)}: ${v.cause}\n  checked by: ${v.checker}\n  reproduce: ${v.record.reproduce}\n`;
    case 'fixed':
      return `fixed:       ${line(v.record.config)} (checked by: ${v.checker})\n`;
    case 'cannot-rerun':
      return `cannot rerun: ${line(v.record.config)}: ${v.why}\n`;
  }
}

export async function runRerun(argv: string[]): Promise<number> {
  const program = rerunProgram();
  program.parse(argv, { from: 'user' });
  const o = program.opts<RerunOptions>();
  const dir = resolve(program.args[0]!);
  const overrides = overridesOf(o);
  asUsage(() => readFailureIndex(dir));
  const controller = new AbortController();
  const groups = new ChildGroups();
  process.on('exit', () => groups.signalAll('SIGKILL'));
  const onSignal = (): void => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const settings = { dir, overrides, requireInvariant: o.requireImageInvariant ?? false, timeoutMs: (o.timeout ?? 0) * 1000, signal: controller.signal, groups };
  const verdicts = await rerunFailures(settings, (v) => say(verdictText(v)));
  const failing = verdicts.filter((v) => v.kind === 'still-fails').length;
  const notRerun = verdicts.filter((v) => v.kind === 'cannot-rerun').length;
  if (controller.signal.aborted) {
    say(`\nInterrupted after ${verdicts.length} rerun(s), ${failing} still failing.\n`);
    return EXIT.interrupted;
  }
  const unrun = notRerun === 0 ? '' : `; ${notRerun} could not be run again`;
  say(`\n${failing} of ${verdicts.length} recorded failure(s) still fail${unrun} (${join(dir, 'failures.json')}).\n`);
  return failing > 0 ? EXIT.failures : notRerun > 0 ? EXIT.notRerun : EXIT.ok;
}
