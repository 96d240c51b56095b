/**
 * `npm run bench -- explore`: explore generation against lean-core
 * generation, measured in the same run, interleaved round by round.
 *  - in-process: 200 seeds x 300 events per profile, rendered to a counting sink;
 *  - whole-process: `cross-validate --profile P --seed 54 --events 20000 > /dev/null`.
 */
import { ByteWriter, renderTrace, type Profile } from '../tracegen/index.js';
import { fmt, interleave, summarize, timeCommand } from './measure.js';

const PROFILES: readonly Profile[] = ['lean-core', 'explore'];

function inProcess(profile: Profile): { ms: number; events: number; bytes: number } {
  let bytes = 0;
  const w = new ByteWriter(1 << 20, (chunk) => (bytes += chunk.length));
  let events = 0;
  const start = process.hrtime.bigint();
  for (let seed = 1; seed <= 200; seed++) events += renderTrace({ seed: BigInt(seed), events: 300, profile }, 'jsonl', w);
  w.flush();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, events, bytes };
}

export async function exploreBench(crossValidate: string, rounds: number, line: (label: string, value: string) => void): Promise<void> {
  process.stdout.write(`\n# explore vs lean-core generation (${rounds} interleaved rounds)\n`);
  const samples = new Map<Profile, { ms: number; events: number; bytes: number }[]>(PROFILES.map((p) => [p, []]));
  for (let round = 0; round < rounds; round++) for (const p of PROFILES) samples.get(p)!.push(inProcess(p));
  for (const p of PROFILES) {
    const s = samples.get(p)!;
    const best = summarize(s.map((x) => x.ms));
    const { events, bytes } = s[0]!;
    line(`in-process ${p} (200 x 300)`, `${fmt(events)} events, ${fmt(bytes / 1e6, 1)} MB; ${fmt(events / (best.min / 1000))} events/s (min), ${fmt(events / (best.median / 1000))} (median)`);
  }
  const ratio = (k: 'min' | 'median') => {
    const rate = (p: Profile) => samples.get(p)![0]!.events / summarize(samples.get(p)!.map((x) => x.ms))[k];
    return rate('explore') / rate('lean-core');
  };
  line('in-process explore / lean-core', `${fmt(ratio('min'), 2)} (min), ${fmt(ratio('median'), 2)} (median) in events/s`);

  const args = (p: Profile) => [crossValidate, '--profile', p, '--seed', '54', '--events', '20000'];
  const events = new Map<Profile, number>();
  for (const p of PROFILES) events.set(p, Number(/Total events: (\d+)/.exec((await timeCommand(process.execPath, args(p))).stdout)?.[1]));
  const results = await interleave(
    rounds,
    PROFILES.map((p) => ({ name: p, run: () => timeCommand(process.execPath, args(p)) })),
  );
  const rates = new Map<Profile, number>();
  for (const p of PROFILES) {
    const t = summarize(results.get(p)!.map((s) => s.ms));
    rates.set(p, events.get(p)! / (t.min / 1000));
    line(`whole-process ${p} (seed 54, 20000)`, `${fmt(events.get(p)!)} events; ${fmt(t.min)} / ${fmt(t.median)} ms; ${fmt(rates.get(p)!)} events/s (min)`);
  }
  line('whole-process explore / lean-core', `${fmt(rates.get('explore')! / rates.get('lean-core')!, 2)} in events/s`);
}

