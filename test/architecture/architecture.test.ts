/**
 * The shape of the code, as docs/architecture.md draws it: layers import
 * downward only, the models never import each other, no import cycle
 * between files or between rooms, rooms small enough to read, functions
 * short enough to read, and a README for every room.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers.js';
import { longFunctions } from './functions.js';
import { cycles, fileGraph, layerOf, LAYERS, MODELS, readSources, roomGraph, roomOf, type SourceFile } from './imports.js';

const FILES = readSources(ROOT);
/** Most files a room holds directly (docs/architecture.md: "about 12"). */
const MAX_ROOM_FILES = 13;
const MAX_FUNCTION_LINES = 80;

/** Barrels (index.ts) re-export a layer's rooms: the public face, not a dependency. */
const isBarrel = (path: string): boolean => path === 'index.ts' || path.endsWith('/index.ts');

/** The long functions docs/architecture.md names, with why: `path#name`. */
function allowedLongFunctions(): Set<string> {
  const doc = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
  const section = doc.split(/^## /m).find((s) => s.startsWith('Long functions')) ?? '';
  return new Set([...section.matchAll(/`([\w/.-]+\.ts)#(\w+)`/g)].map((m) => `${m[1]}#${m[2]}`));
}

describe('architecture', () => {
  it('reads a graph worth checking (every layer has files, imports are found)', () => {
    for (const layer of LAYERS.flat()) assert.ok(FILES.some((f) => f.path === layer || f.path.startsWith(`${layer}/`)), `no files in ${layer}`);
    assert.ok(FILES.reduce((n, f) => n + f.imports.length, 0) > 300);
    for (const f of FILES) for (const target of f.imports) assert.ok(existsSync(join(ROOT, target)), `${f.path} imports ${target}, which is not a source file`);
  });

  it('imports only point down the layers: models -> tracegen -> replay -> fuzz -> scripts', () => {
    const up = FILES.flatMap((f) => f.imports.filter((t) => (layerOf(t) ?? Infinity) > layerOf(f.path)!).map((t) => `${f.path} -> ${t}`));
    assert.deepEqual(up, []);
  });

  it('the models never import each other', () => {
    const model = (p: string) => MODELS.find((m) => p.startsWith(`${m}/`));
    const across = FILES.flatMap((f) => f.imports.filter((t) => model(f.path) !== undefined && model(t) !== undefined && model(t) !== model(f.path)).map((t) => `${f.path} -> ${t}`));
    assert.deepEqual(across, []);
  });

  it('no two files import each other, directly or through others', () => {
    assert.deepEqual(cycles(fileGraph(FILES)), []);
  });

  it('rooms import one way: no cycle between folders (barrels aside)', () => {
    assert.deepEqual(cycles(roomGraph(FILES.filter((f) => !isBarrel(f.path)))), []);
  });

  it(`no room holds more than ${MAX_ROOM_FILES} source files directly`, () => {
    const counts = new Map<string, number>();
    for (const f of FILES) counts.set(roomOf(f.path), (counts.get(roomOf(f.path)) ?? 0) + 1);
    assert.deepEqual([...counts].filter(([, n]) => n > MAX_ROOM_FILES), []);
  });

  it('every room says what belongs in it (a README.md, or a header comment in its index.ts)', () => {
    const rooms = [...new Set(FILES.map((f) => roomOf(f.path)))].filter((r) => r !== '.');
    const silent = rooms.filter((r) => !existsSync(join(ROOT, r, 'README.md')));
    assert.deepEqual(silent, []);
  });

  it(`no function is longer than ${MAX_FUNCTION_LINES} lines, except those docs/architecture.md names`, () => {
    const allowed = allowedLongFunctions();
    const long = longFunctions(ROOT, FILES.map((f: SourceFile) => f.path), MAX_FUNCTION_LINES);
    const unexplained = long.filter((l) => !allowed.has(`${l.where.replace(/:\d+$/, '')}#${l.name}`)).map((l) => `${l.where} ${l.name} (${l.lines} lines)`);
    assert.deepEqual(unexplained, []);
    // The list stays true: every name on it is still a long function.
    const stale = [...allowed].filter((a) => !long.some((l) => `${l.where.replace(/:\d+$/, '')}#${l.name}` === a));
    assert.deepEqual(stale, []);
  });

  it('the map in docs/architecture.md names every room', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
    const rooms = [...new Set(FILES.map((f) => roomOf(f.path)))].filter((r) => r !== '.');
    assert.deepEqual(rooms.filter((r) => !doc.includes(`${r}/`)), []);
  });

  it('test/ mirrors the rooms: every test file sits under a folder named like a source room or layer', () => {
    // long/: the campaigns only `npm run test:long` runs (test/run.ts --long).
    const top = new Set([...LAYERS.flat().filter((l) => !l.endsWith('.ts')), 'adapters', 'bench', 'architecture', 'long']);
    const stray: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
        const p = posix.join(dir, e.name);
        if (e.isDirectory() && e.name !== 'fixtures') walk(p);
        else if (e.name.endsWith('.test.ts') && dir !== 'test' && !top.has(p.split('/')[1]!)) stray.push(p);
      }
    };
    walk('test');
    assert.deepEqual(stray, []);
  });
});
