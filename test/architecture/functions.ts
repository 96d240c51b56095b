/**
 * Function lengths, measured with the TypeScript parser: a function that
 * does not fit on a screen usually does more than its name says.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript-api';

export interface LongFunction {
  /** `path:line`, relative to the project root. */
  readonly where: string;
  readonly name: string;
  readonly lines: number;
}

function nameOf(node: ts.Node): string {
  const named = node as ts.Node & { name?: ts.Node };
  if (named.name !== undefined) return named.name.getText();
  const parent = node.parent as ts.Node & { name?: ts.Node };
  return parent?.name !== undefined ? parent.name.getText() : '<anonymous>';
}

function isFunctionLike(node: ts.Node): boolean {
  return ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isConstructorDeclaration(node);
}

/** Functions longer than `max` lines in the given files (relative to `root`). */
export function longFunctions(root: string, paths: readonly string[], max: number): LongFunction[] {
  const out: LongFunction[] = [];
  for (const path of paths) {
    const source = ts.createSourceFile(path, readFileSync(join(root, path), 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (isFunctionLike(node)) {
        const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
        const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        if (last - first + 1 > max) out.push({ where: `${path}:${first + 1}`, name: nameOf(node), lines: last - first + 1 });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return out;
}
