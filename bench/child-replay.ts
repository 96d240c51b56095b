/** Bench child: replays one trace file and reports time and peak RSS as JSON on stdout. */
import { createReadStream, statSync } from 'node:fs';
import { replayStream } from '../replay/index.js';

const path = process.argv[2] as string;
const strict = process.argv[3] === 'strict';
const start = process.hrtime.bigint();
const stats = await replayStream(createReadStream(path, { highWaterMark: 1 << 20 }), { mode: strict ? 'strict' : 'lean' });
const ms = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(
  JSON.stringify({ steps: stats.steps, slowLines: stats.slowLines, bytes: statSync(path).size, ms, maxRssKiB: process.resourceUsage().maxRSS }) + '\n',
);
