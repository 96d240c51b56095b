/**
 * Expands chunks of one depth's frontier: for each state (named by its path,
 * the alphabet index of each event from the root), every event of its
 * alphabet is checked (transition.ts). What comes back is small: per state
 * the number of transitions, the successors' fingerprints this expander had
 * not reported before, the divergences with their causes, and coverage.
 * The same code runs in the main thread (--jobs 1) and in each worker process.
 *
 * States are rebuilt from their paths, which is cheap: consecutive states
 * of a chunk share their prefix, kept on a stack, so usually one step per
 * state is replayed.
 */
import type { FailureReport } from '../../replay/index.js';
import { CoverageSum, type Coverage } from '../cycle/coverage.js';
import { Alphabet, type Letter } from './alphabet.js';
import { FingerprintSet } from './fingerprint.js';
import { findingKey, findingOfFailure, type Finding } from './judge.js';
import { inShard, type ShardChoice } from './shard.js';
import { PairChecker, ROOT, type PairState, type TransitionOutcome } from './transition.js';
import type { Scope } from './scope.js';

export interface ExpandTask {
  readonly chunk: number;
  /** Depth of the states to expand (events on each path). */
  readonly depth: number;
  /** `count` paths of `depth` alphabet indices each, one after the other. */
  readonly paths: Int32Array;
  readonly count: number;
}

export interface DivergenceReport {
  /** Which state of the chunk, and which event of its alphabet. */
  readonly node: number;
  readonly letter: number;
  /** Its place among the transitions checked from that state. */
  readonly rank: number;
  /** Its finding's key (judge.ts). */
  readonly key: string;
  /** The first divergence of its key this expander met carries its finding and witness (the rest travel light: a search meets hundreds of thousands). */
  readonly witness?: { readonly finding: Finding; readonly texts: readonly string[]; readonly failure: FailureReport };
}

export interface ChunkResult {
  readonly chunk: number;
  /** Per state: the transitions checked from it. */
  readonly transitions: Int32Array;
  /** Quads (state, alphabet index, fingerprint high, low) of successors not reported before, in order. */
  readonly found: Int32Array;
  readonly divergences: readonly DivergenceReport[];
  readonly coverage: Coverage;
  readonly draws: number;
}

interface StackEntry {
  readonly index: number;
  readonly state: PairState;
  readonly letter: Letter | undefined;
  letters: readonly Letter[] | undefined;
}

export class Expander {
  private readonly alphabet: Alphabet;
  private readonly checker = new PairChecker();
  /**
   * Fingerprints already reported, stamped with the chunk that reported
   * them (chunkStamp), so a state goes back again only from a chunk the
   * search merges earlier: chunks may come in any order.
   */
  private readonly reported = new FingerprintSet();
  /** Finding keys whose witness this expander has sent, stamped the same way. */
  private readonly witnessed = new Map<string, number>();
  private readonly stack: StackEntry[] = [{ index: -1, state: ROOT, letter: undefined, letters: undefined }];

  constructor(
    scope: Scope,
    private readonly shard: ShardChoice,
  ) {
    this.alphabet = new Alphabet(scope);
  }

  expand(task: ExpandTask): ChunkResult {
    const draws = this.alphabet.draws;
    const transitions = new Int32Array(task.count);
    const found: number[] = [];
    const divergences: DivergenceReport[] = [];
    const coverage = new CoverageTally();
    const stamp = chunkStamp(task);
    for (let n = 0; n < task.count; n++) {
      const state = this.reach(task.paths, n * task.depth, task.depth);
      const top = this.stack[task.depth]!;
      const letters = this.lettersOf(top);
      let checked = 0;
      for (let i = 0; i < letters.length; i++) {
        const letter = letters[i]!;
        if (task.depth === 0 && !inShard(letter.text, this.shard)) continue;
        checked++;
        const outcome = this.checker.check(state, letter);
        coverage.add(outcome, letter);
        if (outcome.kind === 'ok') {
          if (this.reported.claim(outcome.hi, outcome.lo, stamp)) found.push(n, i, outcome.hi | 0, outcome.lo | 0);
        } else {
          divergences.push(this.divergence(n, i, checked - 1, letter, outcome, task.depth, stamp));
        }
      }
      transitions[n] = checked;
    }
    return { chunk: task.chunk, transitions, found: Int32Array.from(found), divergences, coverage: coverage.result(), draws: this.alphabet.draws - draws };
  }

  private divergence(node: number, index: number, rank: number, letter: Letter, outcome: Extract<TransitionOutcome, { kind: 'divergent' }>, depth: number, stamp: number): DivergenceReport {
    const finding = findingOfFailure(letter, outcome.failure, outcome.step.from);
    const key = findingKey(finding);
    const report = { node, letter: index, rank, key };
    if ((this.witnessed.get(key) ?? Infinity) <= stamp) return report;
    this.witnessed.set(key, stamp);
    const texts: string[] = [];
    for (let k = 1; k <= depth; k++) texts.push(this.stack[k]!.letter!.text);
    texts.push(letter.text);
    return { ...report, witness: { finding, texts, failure: outcome.failure.report } };
  }

  /** The state at the end of the path, rebuilding only what the stack does not hold. */
  private reach(paths: Int32Array, at: number, depth: number): PairState {
    let k = 0;
    while (k < depth && this.stack.length > k + 1 && this.stack[k + 1]!.index === paths[at + k]) k++;
    this.stack.length = k + 1;
    for (; k < depth; k++) {
      const parent = this.stack[k]!;
      const index = paths[at + k]!;
      const letter = this.lettersOf(parent)[index];
      if (letter === undefined) throw new Error(`exhaust: path step ${k} names event ${index} of ${this.lettersOf(parent).length} (a search that is not deterministic)`);
      this.stack.push({ index, state: PairChecker.replay(parent.state, letter), letter, letters: undefined });
    }
    return this.stack[depth]!.state;
  }

  private lettersOf(entry: StackEntry): readonly Letter[] {
    return (entry.letters ??= entry.state.depth === 0 ? this.alphabet.first() : this.alphabet.of(entry.state.cpp));
  }
}

/** Where a chunk stands in the search's merge order: by depth, then chunk. */
function chunkStamp(task: ExpandTask): number {
  if (task.depth > 0xff || task.chunk > 0xffffff) throw new Error(`exhaust: chunk ${task.chunk} of depth ${task.depth} is past what a stamp holds`);
  return task.depth * 0x1000000 + task.chunk;
}

/** Coverage of the transitions checked, in the campaign report's shape (divergent ones included, as campaigns count failing steps). */
class CoverageTally {
  private readonly transitions = new Map<string, number>();
  private readonly effects = new Map<string, number>();
  private readonly checks = new Map<string, number>();

  add(outcome: TransitionOutcome, letter: Letter): void {
    const s = outcome.step;
    bump(this.transitions, `${s.from}\n${letter.event.type}\n${s.to}`);
    for (const e of s.effects) bump(this.effects, e.type);
    const c = outcome.checks;
    bump(this.checks, `${+c.haveEnoughInfo}${+c.imageInvariant}${+c.imageClean}${+c.imageRecovering}`);
  }

  result(): Coverage {
    const sum = new CoverageSum();
    sum.add({
      transitions: [...this.transitions].map(([key, count]) => {
        const [from, event, to] = key.split('\n') as [string, string, string];
        return { from, event, to, count };
      }),
      effects: [...this.effects].map(([type, count]) => ({ type, count })),
      checks: [...this.checks].map(([key, count]) => ({ have_enough_info: key[0] === '1', image_invariant: key[1] === '1', image_clean: key[2] === '1', image_recovering: key[3] === '1', count })),
      features: [],
      explore_traces: 0,
    });
    return sum.result();
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
