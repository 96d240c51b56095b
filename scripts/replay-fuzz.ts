#!/usr/bin/env node
/**
 * `replay-fuzz`: randomized replay campaigns, compatible with upstream's
 * scripts/replay_fuzz.py flags, plus sharding, reports, timeouts,
 * minimization and crash-safe failure records. Subcommands: `merge`
 * combines shard reports, `rerun` runs recorded failures again, `exhaust`
 * explores a scope exhaustively.
 */
import { CommanderError } from 'commander';
import { neutralizeCommands } from '../fuzz/outputs/escape.js';
import { clip } from '../fuzz/store/store.js';
import { tuneV8ForShortRuns } from '../tracegen/v8-tuning.js';
import { commanderExit, UsageError } from './shared/args.js';
import { restoreExtraCaCerts } from './build/launcher.js';
import { runCampaignCommand } from './replay-fuzz/campaign.js';
import { EXIT } from './replay-fuzz/exit.js';
import { runExhaust } from './replay-fuzz/exhaust.js';
import { runMerge } from './replay-fuzz/merge.js';
import { runRerun } from './replay-fuzz/rerun.js';

const SUBCOMMANDS: Readonly<Record<string, (argv: string[]) => Promise<number>>> = { merge: runMerge, rerun: runRerun, exhaust: runExhaust };

/** An error line; it may quote a tool or a file, so it cannot act as a CI workflow command. */
const fail = (message: string): void => void process.stderr.write(neutralizeCommands(`replay-fuzz: ${message}\n`));

/** `replay-fuzz help [COMMAND]`: the campaign's help, or a subcommand's. */
function runHelp(argv: string[]): Promise<number> {
  const [name, ...extra] = argv;
  if (extra.length > 0 || (name !== undefined && SUBCOMMANDS[name] === undefined)) {
    throw new UsageError(`help takes one of ${Object.keys(SUBCOMMANDS).join(', ')} or nothing, got ${JSON.stringify(argv.join(' '))}`);
  }
  return name === undefined ? runCampaignCommand(['--help']) : SUBCOMMANDS[name]!(['--help']);
}

async function main(argv: string[]): Promise<number> {
  try {
    if (argv[0] === 'help') return await runHelp(argv.slice(1));
    const sub = argv[0] === undefined ? undefined : SUBCOMMANDS[argv[0]];
    return sub === undefined ? await runCampaignCommand(argv) : await sub(argv.slice(1));
  } catch (err) {
    if (err instanceof CommanderError) {
      const verdict = commanderExit(err);
      if (verdict.code === 'ok') return EXIT.ok;
      fail(String(verdict.message));
      return EXIT.usage;
    }
    if (err instanceof UsageError) {
      fail(err.message);
      return EXIT.usage;
    }
    const e = err as Error & { shortMessage?: string };
    fail(clip((e.shortMessage ?? e.message).split('\n')[0]!, 400));
    return EXIT.usage;
  }
}

// A closed stdout or stderr (`| head`) only loses output: the campaign goes on,
// writes its report, releases its lock and exits with its verdict.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);
tuneV8ForShortRuns();
// Started by its launcher without NODE_EXTRA_CA_CERTS: the tools it starts get it back.
restoreExtraCaCerts();
process.exitCode = await main(process.argv.slice(2));
