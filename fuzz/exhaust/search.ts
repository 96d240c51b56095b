/**
 * The breadth-first search: depth by depth, the frontier (states first
 * reached at that depth) is cut into chunks that expanders check (in this
 * thread or in worker processes, pool.ts), in whatever order the pool
 * takes them, and the results are merged strictly in chunk order. So the
 * first state reached by two paths, the first witness of a cause and every
 * count are those of a plain sequential BFS whatever `--jobs` is. A visited
 * pair is never expanded again; a divergent transition is a leaf.
 *
 * States are not kept here: a frontier state is its parent's index and the
 * index of its event in the parent's alphabet, and expanders rebuild it.
 */
import type { FailureReport } from '../../replay/index.js';
import { CoverageSum, type Coverage } from '../cycle/coverage.js';
import type { ChunkResult, DivergenceReport, ExpandTask } from './expander.js';
import { FingerprintSet } from './fingerprint.js';
import type { Finding, Judge, Judgement } from './judge.js';
import { LanePlan, type ChunkRunner } from './pool.js';

export type { ChunkRunner } from './pool.js';

export interface LevelStats {
  /** States first reached at this depth. */
  states: number;
  /** Transitions checked into this depth, and how many of them diverged. */
  transitions: number;
  divergent: number;
  /** Time spent expanding the depth before it. */
  ms: number;
}

/** The divergences of one finding key: how many, the judgement of the first, and its witness (a shortest). */
export interface KeyRecord {
  readonly key: string;
  readonly finding: Finding;
  readonly judgement: Judgement;
  count: number;
  /** Events in the witness (its depth). */
  readonly events: number;
  /** 1-based rank of the witness among all transitions checked, in BFS order. */
  readonly ordinal: number;
  readonly texts: readonly string[];
  readonly failure: FailureReport;
}

/** A cause: its finding keys in the order met; its witness is its first key's. */
export interface CauseRecord {
  readonly cause: string;
  readonly known: boolean;
  readonly first: KeyRecord;
  readonly keys: KeyRecord[];
}

export type StopReason = 'max-states' | 'time-budget' | 'interrupted';

export interface SearchOptions {
  readonly depth: number;
  readonly runner: ChunkRunner;
  /** Names the cause of the first divergence of each finding key (judge.ts). */
  readonly judge: Judge;
  readonly maxStates?: number;
  readonly timeBudgetMs?: number;
  readonly signal?: AbortSignal;
  /** Keep every state's fingerprint, depth and transitions (shard reports carry them for merge). */
  readonly keepFingerprints?: boolean;
  /** Called once per cause, at its first witness, before the search goes on (write it durably here). */
  readonly onCause?: (record: CauseRecord) => void;
  readonly onProgress?: (p: SearchProgress) => void;
}

export interface SearchProgress {
  /** The depth being reached (its frontier is the one before it). */
  readonly depth: number;
  readonly done: number;
  readonly total: number;
  readonly states: number;
  readonly transitions: number;
  readonly levelMs: number;
  readonly elapsedMs: number;
}

export interface SearchResult {
  readonly depthLimit: number;
  /** Index = depth; depth 0 is the start (one state). */
  readonly levels: readonly LevelStats[];
  /** The deepest depth every transition into which was checked. */
  readonly depthCompleted: number;
  readonly complete: boolean;
  readonly stoppedBy?: StopReason;
  readonly causes: readonly CauseRecord[];
  /** Every finding key met, in the order first met; each belongs to one cause. */
  readonly keys: readonly KeyRecord[];
  readonly coverage: Coverage;
  readonly elapsedMs: number;
  /** With keepFingerprints: per state (depth >= 1) its fingerprint, depth and transitions checked from it (0 when not expanded). */
  readonly fingerprints?: { readonly hi: Uint32Array; readonly lo: Uint32Array; readonly depth: Uint8Array; readonly transitions: Uint32Array };
}

/** One depth's frontier: parent (index in the depth before) and event (index in the parent's alphabet) per state. */
interface Level {
  readonly parents: number[];
  readonly letters: number[];
  readonly hi: number[];
  readonly lo: number[];
  /** Transitions checked from each state, once expanded. */
  readonly transitions: number[];
}

const newLevel = (): Level => ({ parents: [], letters: [], hi: [], lo: [], transitions: [] });

export async function search(options: SearchOptions): Promise<SearchResult> {
  const run = new SearchRun(options);
  return run.run();
}

class SearchRun {
  private readonly visited = new FingerprintSet(1 << 16);
  private readonly levels: Level[] = [{ parents: [-1], letters: [-1], hi: [0], lo: [0], transitions: [] }];
  private readonly stats: LevelStats[] = [{ states: 1, transitions: 0, divergent: 0, ms: 0 }];
  private readonly causes = new Map<string, CauseRecord>();
  private readonly keys = new Map<string, KeyRecord>();
  private readonly coverage = new CoverageSum();
  private readonly started = Date.now();
  private stoppedBy: StopReason | undefined;
  private states = 0;
  private ordinal = 0;
  private depthCompleted = 0;

  constructor(private readonly o: SearchOptions) {}

  async run(): Promise<SearchResult> {
    for (let d = 0; d < this.o.depth && this.stoppedBy === undefined; d++) {
      if (this.levels[d]!.parents.length === 0) {
        this.depthCompleted = this.o.depth;
        break;
      }
      this.levels.push(newLevel());
      this.stats.push({ states: 0, transitions: 0, divergent: 0, ms: 0 });
      const levelStart = Date.now();
      const finished = await this.expandLevel(d, levelStart);
      this.stats[d + 1]!.ms = Date.now() - levelStart;
      if (finished) this.depthCompleted = d + 1;
    }
    return this.result();
  }

  private chunkSize(count: number): number {
    return Math.max(1, Math.min(512, Math.ceil(count / (this.o.runner.capacity * 24))));
  }

  /** Expands every state of depth `d`; false when a stop came first. */
  private async expandLevel(d: number, levelStart: number): Promise<boolean> {
    const count = this.levels[d]!.parents.length;
    const size = this.chunkSize(count);
    const chunks = Math.ceil(count / size);
    const plan = new LanePlan(chunks, this.o.runner.capacity);
    const free = Array.from({ length: this.o.runner.capacity }, (_, slot) => slot);
    const done = new Map<number, ChunkResult>();
    let failure: unknown;
    let wake: () => void = () => undefined;
    let merged = 0;
    let expanded = 0;
    while (merged < chunks) {
      while (this.stoppedBy === undefined && failure === undefined && free.length > 0) {
        const slot = free.pop()!;
        const chunk = plan.take(slot);
        if (chunk === undefined) {
          free.push(slot);
          break;
        }
        this.o.runner.run(this.task(d, chunk, size), slot).then(
          (r) => (done.set(chunk, r), (expanded += r.transitions.length), free.push(slot), wake()),
          (err: unknown) => ((failure ??= err), free.push(slot), wake()),
        );
      }
      const inFlight = this.o.runner.capacity - free.length;
      if (inFlight === 0 && !done.has(merged)) break;
      if (!done.has(merged)) await new Promise<void>((resolve) => (wake = resolve));
      if (failure !== undefined && this.o.runner.capacity === free.length) throw failure;
      while (done.has(merged)) {
        this.merge(d, done.get(merged)!, merged * size);
        done.delete(merged++);
      }
      // Whenever a chunk ends, merged or not: a lane ahead of the merge still hears Ctrl-C and the time budget.
      this.checkBudgets();
      this.o.onProgress?.({ depth: d + 1, done: expanded, total: count, states: this.states, transitions: this.stats[d + 1]!.transitions, levelMs: Date.now() - levelStart, elapsedMs: Date.now() - this.started });
    }
    if (failure !== undefined) throw failure;
    return merged === chunks;
  }

  private checkBudgets(): void {
    if (this.stoppedBy !== undefined) return;
    if (this.o.signal?.aborted) this.stoppedBy = 'interrupted';
    else if (this.o.maxStates !== undefined && this.states >= this.o.maxStates) this.stoppedBy = 'max-states';
    else if (this.o.timeBudgetMs !== undefined && Date.now() - this.started >= this.o.timeBudgetMs) this.stoppedBy = 'time-budget';
  }

  /** The paths of one chunk's states, alphabet indices from the root. */
  private task(d: number, chunk: number, size: number): ExpandTask {
    const start = chunk * size;
    const count = Math.min(size, this.levels[d]!.parents.length - start);
    const paths = new Int32Array(count * d);
    for (let n = 0; n < count; n++) {
      let node = start + n;
      for (let k = d - 1; k >= 0; k--) {
        const level = this.levels[k + 1]!;
        paths[n * d + k] = level.letters[node]!;
        node = level.parents[node]!;
      }
    }
    return { chunk, depth: d, paths, count };
  }

  private merge(d: number, r: ChunkResult, start: number): void {
    const from = this.levels[d]!;
    const to = this.levels[d + 1]!;
    const stats = this.stats[d + 1]!;
    const before = new Int32Array(r.transitions.length + 1);
    for (let n = 0; n < r.transitions.length; n++) {
      from.transitions[start + n] = r.transitions[n]!;
      before[n + 1] = before[n]! + r.transitions[n]!;
    }
    for (let q = 0; q < r.found.length; q += 4) {
      const hi = r.found[q + 2]!;
      const lo = r.found[q + 3]!;
      if (!this.visited.add(hi, lo)) continue;
      to.parents.push(start + r.found[q]!);
      to.letters.push(r.found[q + 1]!);
      if (this.o.keepFingerprints) (to.hi.push(hi >>> 0), to.lo.push(lo >>> 0));
      stats.states++;
      this.states++;
    }
    for (const v of r.divergences) this.recordDivergence(v, d, this.ordinal + before[v.node]! + v.rank + 1);
    stats.transitions += before[r.transitions.length]!;
    stats.divergent += r.divergences.length;
    this.ordinal += before[r.transitions.length]!;
    this.coverage.add(r.coverage);
  }

  /** Counts a divergence under its key; the first of a key is judged, and the first of a cause announced. */
  private recordDivergence(v: DivergenceReport, d: number, ordinal: number): void {
    const had = this.keys.get(v.key);
    if (had !== undefined) {
      had.count++;
      return;
    }
    if (v.witness === undefined) throw new Error(`exhaust: the first divergence of ${v.key} came without its witness`);
    const judgement = this.o.judge(v.witness.texts, v.witness.finding);
    const key: KeyRecord = { key: v.key, finding: v.witness.finding, judgement, count: 1, events: d + 1, ordinal, texts: v.witness.texts, failure: v.witness.failure };
    this.keys.set(v.key, key);
    const cause = this.causes.get(judgement.cause);
    if (cause !== undefined) {
      cause.keys.push(key);
      return;
    }
    const record: CauseRecord = { cause: judgement.cause, known: judgement.known, first: key, keys: [key] };
    this.causes.set(judgement.cause, record);
    this.o.onCause?.(record);
  }

  private result(): SearchResult {
    const complete = this.stoppedBy === undefined && this.depthCompleted >= this.o.depth;
    // A frontier that ran dry completes every depth below it, with nothing in them.
    if (complete) while (this.stats.length <= this.o.depth) this.stats.push({ states: 0, transitions: 0, divergent: 0, ms: 0 });
    return {
      depthLimit: this.o.depth,
      levels: this.stats,
      depthCompleted: complete ? this.o.depth : this.depthCompleted,
      complete,
      ...(this.stoppedBy === undefined ? {} : { stoppedBy: this.stoppedBy }),
      causes: [...this.causes.values()],
      keys: [...this.keys.values()],
      coverage: this.coverage.result(),
      elapsedMs: Date.now() - this.started,
      ...(this.o.keepFingerprints ? { fingerprints: this.fingerprints() } : {}),
    };
  }

  private fingerprints(): NonNullable<SearchResult['fingerprints']> {
    const total = this.levels.slice(1).reduce((n, l) => n + l.parents.length, 0);
    const out = { hi: new Uint32Array(total), lo: new Uint32Array(total), depth: new Uint8Array(total), transitions: new Uint32Array(total) };
    let i = 0;
    this.levels.forEach((level, d) => {
      if (d === 0) return;
      for (let n = 0; n < level.parents.length; n++, i++) {
        out.hi[i] = level.hi[n]!;
        out.lo[i] = level.lo[n]!;
        out.depth[i] = d;
        out.transitions[i] = level.transitions[n] ?? 0;
      }
    });
    return out;
  }
}
