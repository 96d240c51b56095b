/**
 * Where a report came from: the toolkit's version, the Node that ran it,
 * and the toolkit's git commit when it runs from a checkout (null from an
 * installed package).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot, packageVersion } from '../../tracegen/version.js';

export interface RunMeta {
  readonly tool_version: string;
  readonly node_version: string;
  readonly git_commit: string | null;
}

function gitCommit(root: string | undefined): string | null {
  if (root === undefined || !existsSync(join(root, '.git'))) return null;
  try {
    const out = execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
    return /^[0-9a-f]{40,64}$/.test(out) ? out : null;
  } catch {
    // No git, or not a repository after all: the report just says so.
    return null;
  }
}

/** The toolkit's repository (package.json), for links to its documentation. */
const REPOSITORY = 'https://github.com/peering-crossval/peering-crossval';

/** A registry docs reference (`docs/divergences.md#id`) as a link into the toolkit's repository; http(s) URLs stay as they are, nothing else becomes a scheme. */
export function docsUrl(docs: string): string {
  return /^https?:\/\//i.test(docs) ? docs : `${REPOSITORY}/blob/main/${docs.replace(/^[/\\]+/, '').replace(/^[a-z][a-z0-9+.-]*:/i, '')}`;
}

export function runMeta(): RunMeta {
  return { tool_version: packageVersion(), node_version: process.version, git_commit: gitCommit(packageRoot()) };
}
