/**
 * Bench yardstick: JSON.parse + JSON.stringify of every line of a trace file,
 * written to stdout. A plain measure of this machine's JSON throughput, so
 * figures can be read as ratios independent of how fast the machine is today.
 */
import { readFileSync, writeSync } from 'node:fs';

const lines = readFileSync(process.argv[2] as string, 'utf8').split('\n');
let out: string[] = [];
let size = 0;
for (const line of lines) {
  if (line === '') continue;
  const s = JSON.stringify(JSON.parse(line)) + '\n';
  out.push(s);
  size += s.length;
  if (size > 1 << 20) {
    writeSync(1, out.join(''));
    out = [];
    size = 0;
  }
}
writeSync(1, out.join(''));
