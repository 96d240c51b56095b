/** A worker process of `replay-fuzz exhaust --jobs N` (pool.ts): expands the chunks the search sends, one at a time. */
import { tuneV8ForShortRuns } from '../../tracegen/v8-tuning.js';
import { Expander, type ExpandTask } from './expander.js';
import type { ChildMessage, ChildReply, WorkerReply } from './pool.js';

tuneV8ForShortRuns();

function expandSafely(expander: Expander, task: ExpandTask): WorkerReply {
  try {
    return { kind: 'result', result: expander.expand(task) };
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

// Ctrl-C and a SIGTERM reach the whole process group: the search finishes the chunks in flight, then stops this process.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
// The search went away (killed, crashed): nothing is left to do.
process.on('disconnect', () => process.exit(0));

let expander: Expander | undefined;
process.on('message', (m: ChildMessage) => {
  if (m.kind === 'setup') {
    expander = new Expander(m.setup.scope, m.setup.shard);
    return;
  }
  const reply: ChildReply = { ...expandSafely(expander!, m.task), cpuMs: cpuMs() };
  process.send!(reply);
});
