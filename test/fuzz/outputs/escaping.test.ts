/**
 * Hostile values in every page and log we write: the HTML report, the
 * Markdown step summary, the failure listing and the workflow annotations.
 * Every field of a (tampered) report holds HTML, Markdown and workflow
 * commands, numeric fields included; nothing of it may become markup or a
 * command.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { errorAnnotations, markdownSummary } from '../../../fuzz/outputs/github.js';
import { renderHtmlReport } from '../../../fuzz/outputs/html.js';
import { groupedFailureListing } from '../../../fuzz/outputs/listing.js';
import type { CampaignReport } from '../../../fuzz/outputs/report.js';
import type { FailureRecord } from '../../../fuzz/store/store.js';
import { fixture, ROOT } from '../../helpers.js';

const BIN = join(ROOT, 'dist', 'bin', 'replay-fuzz.js');

const EVIL =
  '<script>alert(1)</script><img src=x onerror=alert(2)>"\'</style></title><a href="javascript:alert(3)">x</a>' +
  ' | `t` *b* [l](javascript:alert(4)) ![i](http://x/t.png) @someone $x$ &amp;\n::error title=t::c\n  ::add-mask::s\n##[error]x\n::stop-commands::tok';

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'escaping-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A failure record with EVIL in every member, numbers included. */
function evilFailure(): FailureRecord {
  return {
    config: { cycle: EVIL, profile: EVIL, seed: EVIL, event: EVIL },
    cross_validate_returncode: EVIL,
    replayer_returncode: EVIL,
    cross_validate_stderr: EVIL,
    replayer_stderr: EVIL,
    failure_reason: EVIL,
    trace_path: EVIL,
    reproduce: EVIL,
    campaign_seed: EVIL,
    implementation_returncode: EVIL,
    implementation_stderr: EVIL,
    events_path: EVIL,
    minimized: { trace_path: EVIL, events: EVIL, original_events: EVIL, checker_runs: EVIL, complete: EVIL },
  } as unknown as FailureRecord;
}

/** A report as a tampered file could hold it: EVIL wherever a value goes, also where a number belongs. */
function evilReport(): CampaignReport {
  const config = Object.fromEntries(
    ['profile', 'cycles', 'campaign_seed', 'shard', 'seed', 'event_range', 'jobs', 'require_image_invariant', 'cross_validate', 'replayer', 'compare', 'timeout_s', 'minimize', 'stop_on_first_failure', EVIL].map((k) => [k, EVIL]),
  );
  const coverage = {
    transitions: [{ from: 'Initial', event: EVIL, to: EVIL, count: EVIL }],
    effects: [{ type: EVIL, count: EVIL }],
    checks: [{ have_enough_info: EVIL, image_invariant: EVIL, image_clean: EVIL, image_recovering: EVIL, count: EVIL }],
    features: [{ feature: EVIL, traces: EVIL }],
    explore_traces: 1,
  };
  const divergence = { signature: EVIL, count: EVIL, class: EVIL, event: EVIL, stage: EVIL, fields: [EVIL], ill_formed: [EVIL], example: { cycle: EVIL, seed: EVIL, events: EVIL, original_events: EVIL, reproduce: EVIL, trace: EVIL, trace_path: EVIL, minimized: EVIL } };
  return {
    tool: 'replay-fuzz',
    format: EVIL,
    config,
    argv: [EVIL, EVIL],
    started_at: EVIL,
    finished_at: EVIL,
    duration_s: EVIL,
    interrupted: EVIL,
    cycles: { planned: EVIL, run: EVIL, passed: EVIL, failed: EVIL },
    events: EVIL,
    events_per_second: EVIL,
    cycles_per_second: EVIL,
    failures: [evilFailure()],
    coverage,
    divergences: [divergence],
    shards: [EVIL],
  } as unknown as CampaignReport;
}

const HTML_TAGS = new Set(['!doctype', 'html', 'head', 'meta', 'title', 'style', 'body', 'h1', 'h2', 'h3', 'h4', 'div', 'b', 'p', 'table', 'tr', 'th', 'td', 'code', 'span', 'pre', 'ol', 'li', 'a']);
const HTML_ATTRS = new Set(['lang', 'charset', 'name', 'content', 'class', 'style', 'title', 'id', 'colspan', 'start', 'href']);

/** Every tag is one of ours with quoted attributes of ours; the style sheet is ours alone; the hostile text is there, escaped. */
function assertInertHtml(page: string): void {
  for (const m of page.matchAll(/<(\/?)([^\s>/]*)([^>]*)>/g)) {
    const [tag, , name, attrs] = m as unknown as [string, string, string, string];
    assert.ok(HTML_TAGS.has(name.toLowerCase()), `a tag we do not write: ${tag}`);
    if (name.toLowerCase() === '!doctype') continue;
    assert.match(attrs, /^(\s+[a-z-]+="[^"<>]*")*\s*$/, `attributes of ${tag}`);
    for (const a of attrs.matchAll(/([a-z-]+)="/g)) assert.ok(HTML_ATTRS.has(a[1]!), `an attribute we do not write: ${a[1]} in ${tag}`);
  }
  assert.equal(page.match(/<style>/g)?.length, 1);
  assert.equal(page.match(/<\/style>/g)?.length, 1);
  assert.equal(page.match(/<\/title>/g)?.length, 1);
  assert.doesNotMatch(page, /<script|<img/i);
  // The only links are the divergences' docs links, into a web page.
  for (const a of page.matchAll(/<a ([^>]*)>/gi)) assert.match(a[1]!, /^href="https:\/\/[^"]*"$/, `a link we do not write: ${a[0]}`);
  assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the hostile text is shown, escaped');
}

/** Lines a GitHub runner would read as workflow commands: `::` after leading blanks, or `##[` anywhere. */
const commandLines = (text: string): string[] => text.split(/\r?\n|\r/).filter((l) => l.trimStart().startsWith('::') || l.includes('##['));

/** Outside fenced code, only our own tags, no raw markup from values, and well-formed tables. */
function assertInertMarkdown(md: string): void {
  let fence: string | undefined;
  const outside: string[] = [];
  for (const line of md.split('\n')) {
    if (fence !== undefined) {
      if (line.startsWith(fence) && /^`+\s*$/.test(line)) fence = undefined;
      continue;
    }
    const open = /^(`{3,})/.exec(line);
    if (open !== null) fence = open[1];
    else outside.push(line);
  }
  assert.equal(fence, undefined, 'every code fence is closed');
  for (const line of outside) {
    // Our tags, and code spans of plain text (markdownCode's backtick form: nothing special inside).
    const bare = line.replace(/<\/?(details|summary|code)>/g, '').replace(/`[^`|<>&\\]*`/g, '');
    assert.doesNotMatch(bare, /[<>]/, `raw < or > outside code: ${line}`);
    assert.doesNotMatch(bare, /\*b\*|\[l\]\(|!\[i\]|\$x\$|@someone/, `raw Markdown from a value: ${line}`);
  }
  const rows = outside.filter((l) => l.startsWith('|'));
  const cells = (l: string) => l.replace(/\\\|/g, '').split('|').length - 2;
  for (const row of rows) assert.ok(cells(row) === 6 || cells(row) === 3, `a row of 3 or 6 cells: ${row}`);
}

describe('HTML pages escape every value, whatever its type', () => {
  it('a report with HTML in every field, numeric fields included, renders as inert text', () => {
    assertInertHtml(renderHtmlReport(evilReport()));
  });

  it('an interrupted report with hostile failures and no divergences too', () => {
    const r = { ...evilReport(), interrupted: true, divergences: undefined } as unknown as CampaignReport;
    assertInertHtml(renderHtmlReport(r));
  });
});

describe('the Markdown step summary escapes every value', () => {
  it('hostile causes, seeds, tools and counts stay text in their table cells and <summary>', () => {
    const md = markdownSummary(evilReport());
    assertInertMarkdown(md);
    assert.ok(md.includes('&#60;script&#62;'), 'the hostile text is shown, as entities');
  });
});

describe('workflow commands from tools are neutralized', () => {
  it('the failure listing echoes tool output without a line a runner would execute', () => {
    const listing = groupedFailureListing([evilFailure()], '/tmp/x');
    assert.deepEqual(commandLines(listing), []);
    assert.ok(listing.includes('::error title=t::c'), 'the text is still shown');
  });

  it('annotations are one ::error line per cause, whatever the cause and reproduce command hold', () => {
    const other = { ...evilFailure(), failure_reason: null, replay_failure: undefined, cross_validate_returncode: 0, replayer_returncode: 1, replayer_stderr: 'other %0A::warning::x' };
    const two = { ...evilReport(), failures: [evilFailure(), other] } as unknown as CampaignReport;
    const lines = errorAnnotations(two).split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 2, lines.join('\n'));
    for (const l of lines) assert.match(l, /^::error title=[^:,\r]*::[^\r]*$/);
    assert.ok(lines.some((l) => l.includes('other %25NA%3A%3Awarning%3A%3Ax')), 'a percent sign in a value is escaped first');
  });
});

describe('replay-fuzz with a hostile checker, under GitHub Actions', () => {
  it('stdout and stderr carry only our own annotation; the summary and the page are inert', (t) => {
    const dir = tempDir(t);
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '');
    const env = { ...process.env, TMPDIR: dir, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary };
    const args = ['--replayer', join(fixture('fuzz'), 'hostile-checker.js'), '--cycles', '2', '--event', '3', '--campaign-seed', '4', '--save-failure-traces', 'out', '--html', 'r.html', '--no-progress'];
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env, timeout: 120_000 });
    assert.equal(r.status, 1, r.stderr);
    const commands = commandLines(r.stdout + '\n' + r.stderr);
    assert.equal(commands.length, 1, commands.join('\n'));
    assert.match(commands[0]!, /^::error title=replay-fuzz%3A 2 cycle\(s\)%3A checker exited 1%3A hostile%3A /);
    assert.ok(r.stdout.includes('::error title=injected::from stderr'), 'the tool output is still shown');
    assertInertMarkdown(readFileSync(summary, 'utf8'));
    assertInertHtml(readFileSync(join(dir, 'r.html'), 'utf8'));
  });

  it('rerun echoes causes without a line a runner would execute', (t) => {
    const dir = tempDir(t);
    const env = { ...process.env, TMPDIR: dir, GITHUB_ACTIONS: 'true' };
    const hostile = ['--replayer', join(fixture('fuzz'), 'hostile-checker.js')];
    const first = spawnSync(process.execPath, [BIN, ...hostile, '--cycles', '1', '--event', '3', '--save-failure-traces', 'out', '--no-progress'], { cwd: dir, encoding: 'utf8', env, timeout: 120_000 });
    assert.equal(first.status, 1, first.stderr);
    const again = spawnSync(process.execPath, [BIN, 'rerun', 'out', ...hostile], { cwd: dir, encoding: 'utf8', env, timeout: 120_000 });
    assert.equal(again.status, 1, again.stderr);
    assert.match(again.stdout, /^still fails: /m);
    assert.deepEqual(commandLines(again.stdout + '\n' + again.stderr), []);
  });
});
