/** Bench child: replays one trace file and reports time and peak RSS as JSON on stdout. */
import { createReadStream, statSync } from 'node:fs';
import { replayStream } from '../replay/index.js';

const path = process.argv[2] as string;
// `lean`, `cpp`, `both`, or `strict` (the cpp model compared member by member).
const variant = process.argv[3] ?? 'cpp';
const strict = variant === 'strict';
const model = strict ? 'cpp' : (variant as 'lean' | 'cpp' | 'both');
const start = process.hrtime.bigint();
const stats = await replayStream(createReadStream(path, { highWaterMark: 1 << 20 }), { mode: strict ? 'strict' : 'lean', model });
const ms = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(
  JSON.stringify({ steps: stats.steps, slowLines: stats.slowLines, bytes: statSync(path).size, ms, maxRssKiB: process.resourceUsage().maxRSS }) + '\n',
);
