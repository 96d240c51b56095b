/**
 * Known and new: `--allow-known` passes a campaign whose only failures are
 * known divergences, whatever ran it (our checker in-process, or an
 * implementation under test), and fails one with an implementation bug or
 * a cause its registry does not know. `--minimize` keeps every minimized
 * witness beside its failure, with a command that reproduces it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import type { CampaignReport } from '../../../fuzz/outputs/report.js';
import type { FailureRecord, MinimizedRecord } from '../../../fuzz/store/store.js';
import { parseJsonWithFractions } from '../../../replay/index.js';
import { fixture, ROOT } from '../../helpers.js';

const BIN = join(ROOT, 'dist', 'bin', 'replay-fuzz.js');
const RENDER = join(ROOT, 'dist', 'scripts', 'peering-render.js');
const fuzz = (args: readonly string[], cwd: string) => spawnSync(process.execPath, [BIN, ...args, '--no-progress'], { cwd, encoding: 'utf8', env: { ...process.env, TMPDIR: cwd } });
const report = (path: string) => parseJsonWithFractions(readFileSync(path, 'utf8')) as unknown as CampaignReport;
const EXPLORE = ['--profile', 'explore', '--campaign-seed', '11', '--cycles', '6', '--event-range', '32', '120'];
/** Processes per cycle cost more: fewer cycles (the first four of campaign 11 all fail). */
const EXPLORE_PROCESSES = EXPLORE.map((a, i) => (EXPLORE[i - 1] === '--cycles' ? '4' : a));

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'known-divergences-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('--allow-known', () => {
  it('in-process explore: exit 0 when every failure is a known divergence, 1 without the flag', (t) => {
    const dir = tempDir(t);
    const plain = fuzz([...EXPLORE, '--report', 'plain.json'], dir);
    assert.equal(plain.status, 1, plain.stderr);
    const allowed = fuzz([...EXPLORE, '--allow-known', '--report', 'r.json'], dir);
    assert.equal(allowed.status, 0, allowed.stdout + allowed.stderr);
    const r = report(join(dir, 'r.json'));
    assert.ok(Number(r.cycles.failed) >= 4);
    assert.match(allowed.stdout, new RegExp(`\\n${r.cycles.failed} of 6 cycles failed, every one a known divergence \\(--allow-known\\)`));
    assert.equal(Number(r.new_causes), 0);
    assert.ok(r.failures.every((f) => f.divergence?.known === true && f.divergence.cause !== 'unknown'));
    assert.ok((r.divergences ?? []).every((d) => d.known && d.summary !== null && d.docs === `docs/divergences.md#${d.cause}`));
  });

  it('an implementation under test: its divergences are catalogued and attributed like ours; one wrong field makes it exit 1', (t) => {
    const dir = tempDir(t);
    const good = fuzz([...EXPLORE_PROCESSES, '--impl', RENDER, '--impl-arg', '--model', '--impl-arg', 'cpp', '--allow-known', '--report', 'good.json'], dir);
    assert.equal(good.status, 0, good.stdout + good.stderr);
    const g = report(join(dir, 'good.json'));
    assert.ok((g.divergences ?? []).length >= 2, 'findings through --impl are catalogued');
    assert.ok(g.failures.every((f) => f.divergence?.known === true && f.implementation !== undefined));

    const bad = fuzz([...EXPLORE_PROCESSES, '--impl', fixture('protocol/corrupt-field-impl.js'), '--allow-known', '--report', 'bad.json'], dir);
    assert.equal(bad.status, 1, bad.stdout + bad.stderr);
    const b = report(join(dir, 'bad.json'));
    assert.ok(Number(b.new_causes) > 0);
    assert.deepEqual([...new Set((b.divergences ?? []).map((d) => [d.cause, d.known].join(' ')))], ['unknown false']);
    assert.ok(b.failures.every((f) => f.divergence?.class === 'producer-bug' && !f.divergence.known));
    assert.match(bad.stdout, /not all known divergences: \d+ new signature\(s\)/);
  });

  it('an external checker: its findings are asked of both models and attributed like ours', (t) => {
    const dir = tempDir(t);
    const checker = join(ROOT, 'dist', 'scripts', 'peering-replay-ts.js');
    const run = fuzz([...EXPLORE_PROCESSES, '--replayer', checker, '--replayer-arg', '--model', '--replayer-arg', 'lean', '--allow-known', '--report', 'r.json'], dir);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const r = report(join(dir, 'r.json'));
    assert.equal(Number(r.cycles.failed), 4);
    assert.ok(r.failures.every((f) => f.divergence?.known === true && f.replay_failure === undefined), 'judged by the external checker, attributed by ours');
  });

  it('--known-divergences: a registry of its own decides what is known; a bad one is a usage error', (t) => {
    const dir = tempDir(t);
    const full = JSON.parse(readFileSync(join(ROOT, 'divergences', 'known.json'), 'utf8')) as { causes: { id: string }[] };
    writeFileSync(join(dir, 'one.json'), JSON.stringify({ causes: full.causes.filter((c) => c.id === 'zero-length-image-entry') }));
    const one = fuzz([...EXPLORE, '--allow-known', '--known-divergences', 'one.json', '--report', 'r.json'], dir);
    assert.equal(one.status, 1, one.stdout + one.stderr);
    const r = report(join(dir, 'r.json'));
    const causes = new Set((r.divergences ?? []).map((d) => d.cause));
    assert.ok(causes.has('unknown') && [...causes].every((c) => c === 'unknown' || c === 'zero-length-image-entry'), [...causes].join(','));

    const missing = fuzz([...EXPLORE, '--known-divergences', 'absent.json'], dir);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^replay-fuzz: cannot read the cause registry [^\n]*absent\.json: no such file\n$/);
    writeFileSync(join(dir, 'bad.json'), '{"causes":[{"id":"x"}]}');
    const bad = fuzz([...EXPLORE, '--known-divergences', 'bad.json'], dir);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^replay-fuzz: [^\n]*bad\.json: causes\[0\]: "summary" must be a non-empty string\n$/);
  });
});

describe('--minimize under --model both', () => {
  it('writes <name>.min.jsonl beside every finding without --report; its reproduce command shows the finding; example.events counts events', (t) => {
    const dir = tempDir(t);
    const run = fuzz([...EXPLORE, '--minimize', '--save-failure-traces', 'out'], dir);
    assert.equal(run.status, 1, run.stderr);
    const records = parseJsonWithFractions(readFileSync(join(dir, 'out', 'failures.json'), 'utf8')) as unknown as FailureRecord[];
    assert.ok(records.length >= 4);
    for (const f of records) {
      const m = f.minimized as MinimizedRecord;
      assert.ok(m.trace_path !== null && existsSync(m.trace_path), `cycle ${f.config.cycle}: ${JSON.stringify(f.minimized)}`);
      assert.equal(m.trace_path, f.trace_path!.replace(/\.jsonl$/, '.min.jsonl'));
      assert.ok(m.events >= 1 && m.events <= f.divergence!.step + 1);
      const events = readFileSync(m.trace_path, 'utf8').split('\n').filter((l) => l.startsWith('{"kind":"step"')).length;
      assert.equal(events, m.events);
      const [file, ...args] = m.reproduce!.split(' ');
      const check = spawnSync(file!, args, { encoding: 'utf8' });
      assert.equal(check.status, 1, `${m.reproduce}: ${check.stdout}`);
      assert.match(check.stdout + check.stderr, /C\+\+\/Lean divergence/);
    }
    assert.match(run.stdout, /reproduce minimized: /);
  });

  it('without --minimize, an example counts the events of its whole trace', (t) => {
    const dir = tempDir(t);
    assert.equal(fuzz([...EXPLORE, '--report', 'r.json'], dir).status, 1);
    for (const d of report(join(dir, 'r.json')).divergences ?? []) {
      for (const s of d.signatures) {
        const steps = s.example.trace!.split('\n').filter((l) => l.startsWith('{"kind":"step"')).length;
        assert.equal(Number(s.example.events), steps);
        assert.equal(Number(s.example.original_events), steps);
        assert.equal(s.example.minimized, false);
      }
    }
  });
});
