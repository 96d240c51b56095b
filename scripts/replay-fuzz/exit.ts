/** Exit statuses of `replay-fuzz` and its subcommands (0/1/2 as upstream's driver). */
export const EXIT = { ok: 0, failures: 1, usage: 2, notRerun: 3, interrupted: 130 } as const;

/** More cycles in flight than this only costs memory (each is a worker thread or two processes). */
export const MAX_JOBS = 64;
