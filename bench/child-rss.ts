/**
 * Bench child: runs one of our bins in this process (argv: bin, args...) and,
 * at exit, writes the process's peak RSS in KiB (worker threads included) to
 * the file named by BENCH_RSS_FILE. Node offers no rusage of child
 * processes, so the bench measures from inside.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bin, ...args] = process.argv.slice(2) as [string, ...string[]];
const rssFile = process.env.BENCH_RSS_FILE;
process.argv = [process.argv[0]!, bin, ...args];
process.on('exit', () => {
  if (rssFile !== undefined) writeFileSync(rssFile, String(process.resourceUsage().maxRSS));
});
await import(pathToFileURL(bin).href);
