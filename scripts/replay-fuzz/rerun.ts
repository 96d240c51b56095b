/** `replay-fuzz rerun DIR`: every recorded failure run again, and which still fail. */
import { join, resolve } from 'node:path';
import { Command as Cli } from 'commander';
import { readFailureIndex, rerunFailures } from '../../fuzz/campaign/rerun.js';
import { MAX_TIMER_MS } from '../../fuzz/campaign/settings.js';
import { ChildGroups } from '../../fuzz/cycle/child.js';
import { neutralizeCommands } from '../../fuzz/outputs/escape.js';
import { collect, resolveCommand, type Command } from '../../fuzz/plan/command.js';
import type { FailureRecord } from '../../fuzz/store/store.js';
import { asUsage, positive } from '../shared/args.js';
import { EXIT } from './exit.js';

const MAX_TIMEOUT_S = Math.floor(MAX_TIMER_MS / 1000);

/** Causes echo tools' output: no line of ours can act as a CI workflow command. */
const say = (text: string): void => void process.stdout.write(neutralizeCommands(text));

export async function runRerun(argv: string[]): Promise<number> {
  const program = new Cli('replay-fuzz rerun')
    .description('Run every failure recorded in DIR/failures.json again (after a fix, say) and report which still fail')
    .argument('<dir>', 'a failure directory written with --save-failure-traces')
    .option('--cross-validate <path>', 'generator executable; default: ours')
    .option('--cross-validate-arg <arg>', 'an argument for --cross-validate (repeatable)', collect, [])
    .option('--replayer <path>', 'checker with the peering-replay interface; default: the TS checker, in-process')
    .option('--replayer-arg <arg>', 'an argument for --replayer (repeatable)', collect, [])
    .option('--require-image-invariant', 'also fail a cycle whose trace reports a broken image invariant (always on for failures that were one)')
    .option('--strict', 'run the TS checker in strict mode')
    .option('--timeout <seconds>', 'kill a generator or checker that runs longer', positive('--timeout', MAX_TIMEOUT_S))
    .addHelpText('after', '\nExit status: 0 none still fails, 1 some still fail, 2 usage error (no DIR/failures.json, bad option)')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (t) => process.stdout.write(t) });
  program.parse(argv, { from: 'user' });
  const o = program.opts<{ crossValidate?: string; crossValidateArg: string[]; replayer?: string; replayerArg: string[]; requireImageInvariant?: boolean; strict?: boolean; timeout?: number }>();
  const dir = resolve(program.args[0]!);
  let generator: Command | undefined;
  let replayer: Command | undefined;
  asUsage(() => {
    if (o.crossValidate !== undefined) generator = resolveCommand(o.crossValidate, o.crossValidateArg, 'cross_validate', '--cross-validate');
    if (o.replayer !== undefined) replayer = resolveCommand(o.replayer, o.replayerArg, 'replayer', '--replayer');
    readFailureIndex(dir);
  });
  const controller = new AbortController();
  const groups = new ChildGroups();
  process.on('exit', () => groups.signalAll('SIGKILL'));
  const onSignal = (): void => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const line = (c: FailureRecord['config']) => `cycle=${c.cycle} seed=${c.seed} event=${c.event} profile=${c.profile}`;
  const verdicts = await rerunFailures(
    {
      dir,
      ...(generator === undefined ? {} : { generator }),
      ...(replayer === undefined ? {} : { replayer }),
      requireInvariant: o.requireImageInvariant ?? false,
      mode: o.strict ? 'strict' : 'lean',
      timeoutMs: (o.timeout ?? 0) * 1000,
      signal: controller.signal,
      groups,
    },
    (v) => say(v.stillFails ? `still fails: ${line(v.record.config)}: ${v.cause}\n  reproduce: ${v.record.reproduce}\n` : `fixed:       ${line(v.record.config)}\n`),
  );
  const failing = verdicts.filter((v) => v.stillFails).length;
  if (controller.signal.aborted) {
    say(`\nInterrupted after ${verdicts.length} rerun(s), ${failing} still failing.\n`);
    return EXIT.interrupted;
  }
  say(`\n${failing} of ${verdicts.length} recorded failure(s) still fail (${join(dir, 'failures.json')}).\n`);
  return failing > 0 ? EXIT.failures : EXIT.ok;
}
