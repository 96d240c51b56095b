/**
 * The registry of known causes (divergences/known.json), docs/divergences.md
 * and the fixtures stay in step: every cause has a section of its own name,
 * a fixture folder generated from test/lean/divergence-cases.ts, and the
 * fixture's events attribute to it. Bad registry files fail with one line
 * naming the file and the entry.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { attributeDivergence } from '../../../fuzz/catalogue/attribute.js';
import { builtinRegistryPath, loadCauseRegistry } from '../../../fuzz/catalogue/registry.js';
import { REPAIR_IDS } from '../../../fuzz/catalogue/repairs.js';
import { extractWireEvents } from '../../../fuzz/minimize/catalogue-minimize.js';
import { CASES, traces } from '../../lean/divergence-cases.js';
import { fixture, readJson, ROOT } from '../../helpers.js';

const registry = loadCauseRegistry();
const DOCS = readFileSync(join(ROOT, 'docs', 'divergences.md'), 'utf8');
const headings = [...DOCS.matchAll(/^## ([a-z0-9-]+)\s*$/gm)].map((m) => m[1]!);

describe('known causes: registry, docs and fixtures agree', () => {
  it('the built-in registry is the one the package ships', () => {
    assert.equal(builtinRegistryPath(), join(ROOT, 'divergences', 'known.json'));
    const pkg = readJson<{ files: string[] }>(join(ROOT, 'package.json'));
    assert.ok(pkg.files.includes('divergences'), 'package.json files lists divergences');
    assert.ok(registry.causes.length >= 13, `${registry.causes.length} causes`);
  });

  it('every cause has a docs section named after it, and every cause section a registry entry', () => {
    for (const c of registry.causes) {
      assert.equal(c.docs, `docs/divergences.md#${c.id}`);
      assert.ok(headings.includes(c.id), `docs/divergences.md has no "## ${c.id}"`);
    }
    assert.deepEqual(headings.filter((h) => !registry.causes.some((c) => c.id === h)), []);
  });

  it('every cause has a fixture folder, and the folders are exactly the registry and the generated cases', () => {
    const folders = readdirSync(fixture('divergences')).sort();
    assert.deepEqual(folders, registry.causes.map((c) => c.id).sort());
    assert.deepEqual(CASES.map((c) => c.name).sort(), folders);
    for (const c of registry.causes) {
      assert.equal(c.fixture, `test/fixtures/divergences/${c.id}`);
      assert.ok(existsSync(join(ROOT, c.fixture!, 'expected.json')));
      assert.equal(readJson<{ class: string }>(join(ROOT, c.fixture!, 'expected.json')).class, c.id);
    }
  });

  it('the docs table of repairs names every repair', () => {
    for (const id of REPAIR_IDS) assert.ok(DOCS.includes(`| \`${id}\` |`), `docs/divergences.md does not describe repair ${id}`);
  });

  for (const c of CASES) {
    it(`the events of fixture ${c.name} attribute to ${c.name}`, () => {
      const { events, seed } = extractWireEvents(traces(c).cpp);
      const a = attributeDivergence(events, seed, registry);
      assert.equal(a.diverges, true);
      assert.equal(a.cause, c.name, `${a.signature}: removed by ${a.evidence?.removedBy.join(',')}; changed by ${a.evidence?.changedBy.join(',')}`);
      assert.equal(a.known, true);
    });
  }
});

describe('loadCauseRegistry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'registry-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, value: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
    return path;
  };
  const entry = (over: Record<string, unknown> = {}) => ({ id: 'my-deviation', summary: 's', docs: 'https://example.org/x', recognise: { classes: ['producer-bug'], events: ['Initialize'] }, ...over });

  it('reads a registry that extends the built-in one', () => {
    const r = loadCauseRegistry(write('ext.json', { extends: 'peering-crossval', causes: [entry()] }));
    assert.equal(r.causes.length, registry.causes.length + 1);
    assert.equal(r.causes.at(-1)!.id, 'my-deviation');
  });

  it('reads a registry of its own alone', () => {
    const r = loadCauseRegistry(write('own.json', { causes: [entry()] }));
    assert.deepEqual(r.causes.map((c) => c.id), ['my-deviation']);
  });

  const bad: [string, unknown, RegExp][] = [
    ['not JSON', '{', /bad\.json: the cause registry is not valid JSON/],
    ['not an object', [], /not a cause registry/],
    ['no causes list', { causes: 3 }, /"causes" is not a list/],
    ['an entry without summary', { causes: [entry({ summary: '' })] }, /causes\[0\]: "summary" must be a non-empty string/],
    ['the id unknown', { causes: [entry({ id: 'unknown' })] }, /causes\[0\]: id "unknown"/],
    ['an id with spaces', { causes: [entry({ id: 'a b' })] }, /causes\[0\]: id "a b"/],
    ['an unknown repair', { causes: [entry({ recognise: { repair: 'magic' } })] }, /\.recognise: "repair" must be "none" or one of sort-images/],
    ['a stray rule member', { causes: [entry({ recognise: { event: ['X'] } })] }, /unknown member "event"/],
    ['an empty rule', { causes: [entry({ recognise: {} })] }, /an empty rule would match every divergence/],
    ['a rule list of numbers', { causes: [entry({ recognise: { stages: [1] } })] }, /"stages" must be a list of strings/],
    ['a duplicate id', { causes: [entry(), entry()] }, /cause "my-deviation" is listed twice/],
    ['a bad extends', { extends: 'other', causes: [] }, /"extends" must be "peering-crossval"/],
  ];
  for (const [what, value, pattern] of bad) {
    it(`rejects ${what} with one line naming the file`, () => {
      const path = write('bad.json', value);
      assert.throws(
        () => loadCauseRegistry(path),
        (err: Error) => pattern.test(err.message) && !err.message.includes('\n') && err.message.includes(path),
      );
    });
  }

  it('names a missing file', () => {
    assert.throws(() => loadCauseRegistry(join(dir, 'absent.json')), /cannot read the cause registry .*absent\.json: no such file/);
  });
});
