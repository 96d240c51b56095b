/**
 * Loaded into each test file's process by test/run.ts (`--import`): at exit
 * it reports the CPU time the process and the children it waited for used,
 * on the file descriptor TEST_CPU_FD names. Linux only (/proc); elsewhere
 * it reports nothing and the runner shows wall time alone.
 */
import { readFileSync, writeSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

/** CPU seconds of this process and its reaped children, from /proc/self/stat; undefined without /proc. */
export function cpuSeconds(statText?: string): number | undefined {
  try {
    const text = statText ?? readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name (which may hold spaces): utime stime cutime cstime are 14-17.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].reduce((n, i) => n + Number(fields[i]), 0);
    return Number.isFinite(ticks) ? ticks / 100 : undefined;
  } catch {
    return undefined;
  }
}

const fd = Number(process.env.TEST_CPU_FD);
// Worker threads load this too; only the process's own exit counts.
if (isMainThread && Number.isInteger(fd) && fd > 2) {
  process.on('exit', () => {
    const cpu = cpuSeconds();
    if (cpu === undefined) return;
    try {
      writeSync(fd, `${cpu}\n`);
    } catch {
      /* the runner went away */
    }
  });
}
