/**
 * The project's import graph, read from the TypeScript sources (type-only
 * imports included: a cycle of types is still a cycle of concepts).
 * Used by architecture.test.ts; kept apart so the rules read on their own.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';

/** Source roots in layer order: a file may import its own layer or a lower one. */
export const LAYERS: readonly (readonly string[])[] = [['lean', 'reducer'], ['tracegen'], ['replay'], ['fuzz'], ['scripts'], ['index.ts']];

/** Models are peers: neither imports the other (a third model is a new folder). */
export const MODELS: readonly string[] = ['lean', 'reducer'];

const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\1/g;

export interface SourceFile {
  /** Relative to the project root, with forward slashes. */
  readonly path: string;
  /** Project files it imports (relative paths of .ts files). */
  readonly imports: readonly string[];
}

function listTs(root: string, dir: string, out: string[]): void {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = posix.join(dir, entry.name);
    if (entry.isDirectory()) listTs(root, path, out);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
}

/** Drops comments, so an example import in a doc comment is not an edge. */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

export function readSources(root: string): SourceFile[] {
  const paths: string[] = [];
  for (const layer of LAYERS.flat()) {
    if (layer.endsWith('.ts')) paths.push(layer);
    else listTs(root, layer, paths);
  }
  return paths.sort().map((path) => {
    const text = stripComments(readFileSync(join(root, path), 'utf8'));
    const imports = new Set<string>();
    for (const m of text.matchAll(SPECIFIER)) {
      const target = posix.normalize(posix.join(posix.dirname(path), m[2]!));
      imports.add(target.replace(/\.js$/, '.ts'));
    }
    return { path, imports: [...imports].sort() };
  });
}

/** The layer index of a path, or undefined for files outside the layers. */
export function layerOf(path: string): number | undefined {
  const top = path.split('/')[0]!;
  const i = LAYERS.findIndex((names) => names.includes(top));
  return i < 0 ? undefined : i;
}

/** The room of a file: its folder (`fuzz/run`, `replay/input`, `lean`). */
export function roomOf(path: string): string {
  return posix.dirname(path);
}

/** Strongly connected components with more than one member (or a self edge): the cycles. */
export function cycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (edges.get(v) ?? []).includes(v)) out.push(component.sort());
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

export function fileGraph(files: readonly SourceFile[]): Map<string, readonly string[]> {
  return new Map(files.map((f) => [f.path, f.imports]));
}

/** Rooms as nodes; an edge for every import between two different rooms. */
export function roomGraph(files: readonly SourceFile[]): Map<string, readonly string[]> {
  const edges = new Map<string, Set<string>>();
  for (const f of files) {
    const from = roomOf(f.path);
    const set = edges.get(from) ?? new Set<string>();
    edges.set(from, set);
    for (const target of f.imports) if (roomOf(target) !== from) set.add(roomOf(target));
  }
  return new Map([...edges].map(([k, v]) => [k, [...v].sort()]));
}

export function relativeTo(root: string, path: string): string {
  return relative(root, path).split(/[\\/]/).join('/');
}

export const here = (url: string): string => dirname(new URL(url).pathname);
