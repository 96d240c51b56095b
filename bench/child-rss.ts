/**
 * Bench child: runs one of our bins in this process (argv: bin, args...) and,
 * at exit, writes the process's peak RSS in KiB (worker threads included) to
 * the file named by BENCH_RSS_FILE. Node offers no rusage of child
 * processes, so the bench measures from inside.
 *
 * The peak is the memory map's high-water mark (`VmHWM`), not getrusage's
 * `maxrss`: Linux carries `maxrss` over an exec, so a child forked from the
 * bench process, holding a 100 MB trace, would report at least the bench's
 * own size.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

function peakRssKiB(): number {
  try {
    const hwm = /^VmHWM:\s*(\d+)\s*kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm !== null) return Number(hwm[1]);
  } catch {
    // Not Linux: the rusage figure, which may include the parent's size.
  }
  return process.resourceUsage().maxRSS;
}

const [bin, ...args] = process.argv.slice(2) as [string, ...string[]];
const rssFile = process.env.BENCH_RSS_FILE;
process.argv = [process.argv[0]!, bin, ...args];
process.on('exit', () => {
  if (rssFile !== undefined) writeFileSync(rssFile, String(peakRssKiB()));
});
await import(pathToFileURL(bin).href);
