#!/usr/bin/env node
/**
 * `replay-fuzz`: randomized replay campaigns, compatible with upstream's
 * scripts/replay_fuzz.py flags, plus sharding, reports, timeouts,
 * minimization and crash-safe failure records. Subcommands: `merge`
 * combines shard reports, `rerun` runs recorded failures again, `exhaust`
 * explores a scope exhaustively.
 */
import { CommanderError } from 'commander';
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

async function main(argv: string[]): Promise<number> {
  try {
    const sub = argv[0] === undefined ? undefined : SUBCOMMANDS[argv[0]];
    return sub === undefined ? await runCampaignCommand(argv) : await sub(argv.slice(1));
  } catch (err) {
    if (err instanceof CommanderError) {
      const verdict = commanderExit(err);
      if (verdict.code === 'ok') return EXIT.ok;
      process.stderr.write(`replay-fuzz: ${verdict.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`replay-fuzz: ${err.message}\n`);
      return EXIT.usage;
    }
    const e = err as Error & { shortMessage?: string };
    process.stderr.write(`replay-fuzz: ${clip((e.shortMessage ?? e.message).split('\n')[0]!, 400)}\n`);
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
