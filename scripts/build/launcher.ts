/**
 * The launcher headers that scripts/build/build-bins.ts puts on the bins in place
 * of `#!/usr/bin/env node`, and the driver's side of the one that saves
 * NODE_EXTRA_CA_CERTS. Each header keeps the file both a POSIX shell script
 * and an ES module: /bin/sh runs the second line and execs node on the same
 * file; node sees a string statement and a comment. Node 20 parses every
 * certificate NODE_EXTRA_CA_CERTS names before any JavaScript runs, and none
 * of our bins opens a TLS connection. docs/performance.md has the figures.
 */

/** For bins that start no process: the variable is dropped. */
export const LAUNCHER_HEADER = `#!/bin/sh\n':' //; unset NODE_EXTRA_CA_CERTS; exec node "$0" "$@"\n`;

/** Where the saving header keeps the variable while node starts without it. */
export const SAVED_CA_CERTS = 'PEERING_CROSSVAL_EXTRA_CA_CERTS';

/** For bins that start tools (replay-fuzz): the variable is saved, and put back by `restoreExtraCaCerts`. */
export const SAVING_LAUNCHER_HEADER =
  `#!/bin/sh\n':' //; if [ -n "\${NODE_EXTRA_CA_CERTS+set}" ]; then ${SAVED_CA_CERTS}=$NODE_EXTRA_CA_CERTS; export ${SAVED_CA_CERTS}; unset NODE_EXTRA_CA_CERTS; fi; exec node "$0" "$@"\n`;

/** Gives the tools this process starts the NODE_EXTRA_CA_CERTS its caller set. Call before starting any. */
export function restoreExtraCaCerts(env: NodeJS.ProcessEnv = process.env): void {
  const saved = env[SAVED_CA_CERTS];
  if (saved === undefined) return;
  env.NODE_EXTRA_CA_CERTS = saved;
  delete env[SAVED_CA_CERTS];
}
