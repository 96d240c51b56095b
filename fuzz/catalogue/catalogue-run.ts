/**
 * The catalogue during a campaign. Every failed cycle whose failing step
 * the two models can be asked about becomes a finding, whatever ran it (our
 * in-process checker, an external checker or generator, an implementation
 * under test): its cause is attributed from its events, it is filed under
 * cause and signature, and the earliest cycle of each signature supplies
 * the example (minimized when `--minimize` is on; the campaign's record
 * phase shrinks it and hands the witness back).
 */
import { readFileSync, statSync } from 'node:fs';
import type { CycleConfig } from '../plan/campaign.js';
import type { CycleOutcome } from '../cycle/outcome.js';
import { DIVERGENCE_CLASSES } from '../../replay/verdict/failure.js';
import { runInProcessCycle } from '../cycle/inprocess.js';
import { traceText } from '../../tracegen/index.js';
import { attributeDivergence, attributionSignature, firstDivergence, type Attribution } from './attribute.js';
import { Catalogue, findingOf, type CataloguedFinding, type DivergenceEntry, type DivergenceExample } from './catalogue.js';
import { matchCause, UNKNOWN_CAUSE, type CauseEvidence, type CauseRegistry } from './registry.js';
import { stepDiff, triageTraceFile, witnessFromConfig, witnessFromFile, type Triage, type Witness } from './witness.js';

/** Example traces larger than this are referenced by command only. */
const MAX_INLINE_TRACE = 256 * 1024;
/** The C++/Lean divergences, which attribution looks into (a producer bug it cannot: our models agree there). */
const MODEL_DIVERGENCES = new Set(['cpp-lean-divergence', 'lean-cpp-divergence']);

/** What a failure record says about its finding. */
export interface RecordedDivergence {
  readonly cause: string;
  readonly known: boolean;
  readonly signature: string;
  readonly class: string;
  /** The failing step (0-based). */
  readonly step: number;
}

/** Where a failed cycle's evidence is. */
export interface FindingSource {
  readonly outcome: CycleOutcome;
  readonly reproduce: string;
  /** The saved trace, when the campaign keeps failures. */
  readonly tracePath: string | null;
  /** The cycle's trace on disk now (saved or still temporary), for cycles our generator did not render in-process. */
  readonly traceFile: string | undefined;
  /** The event stream an implementation was fed. */
  readonly eventsFile: string | undefined;
  /** True when the cycle's trace is ours to regenerate from its configuration. */
  readonly regenerable: boolean;
}

/** A filed finding: what goes into the failure record, and the witness to shrink. */
export interface FiledFinding {
  readonly divergence: RecordedDivergence;
  readonly finding: CataloguedFinding;
  /** The events up to the failing step; undefined when they could not be read. */
  readonly witness: Witness | undefined;
  /** Whether this cycle now holds its signature's example. */
  readonly isExample: boolean;
  readonly config: CycleConfig;
  /** Where the cycle's whole trace can be had again. */
  readonly regenerable: boolean;
  readonly traceFile: string | undefined;
}

/** A shrunk witness, as the record phase made it. */
export interface ShrunkWitness {
  readonly witness: Witness;
  readonly text: string;
  readonly path: string | null;
  readonly reproduce: string | null;
}

function triageOf(src: FindingSource, mode: 'lean' | 'strict'): Triage | undefined {
  const own = src.outcome.replayFailure?.comparison;
  if (own !== undefined) return { comparison: own, fromState: '?' };
  // A cycle that ran out of time would run out of it again here, with no deadline on this thread.
  if (src.outcome.lost !== undefined) return undefined;
  if (src.regenerable) {
    const c = runInProcessCycle(src.outcome.config, { requireInvariant: false, mode, model: 'both' }).replayFailure?.comparison;
    return c === undefined ? undefined : { comparison: c, fromState: '?' };
  }
  return src.traceFile === undefined ? undefined : triageTraceFile(src.traceFile);
}

function witnessOf(src: FindingSource, step: number): Witness | undefined {
  try {
    if (src.regenerable) return witnessFromConfig(src.outcome.config, step + 1);
    if (src.eventsFile !== undefined) return witnessFromFile(src.eventsFile, step + 1, 'events');
    if (src.traceFile !== undefined) return witnessFromFile(src.traceFile, step + 1, 'trace');
  } catch {
    // Events we cannot read back: the finding is filed without a cause.
  }
  return undefined;
}

/** Evidence for a finding attribution could not look into (a producer bug, unreadable events). */
function plainEvidence(t: Triage): CauseEvidence {
  const f = findingOf(t.comparison, []);
  return { class: f.class, event: f.event, fromState: t.fromState, stage: f.stage, fields: f.fields, removedBy: [], changedBy: [], explains: {} };
}

export class DivergenceRecorder {
  private readonly catalogue = new Catalogue();

  constructor(
    private readonly registry: CauseRegistry,
    private readonly mode: 'lean' | 'strict' = 'lean',
  ) {}

  /** Attributes and files a failed cycle; undefined when it is not a finding both models can be asked about. */
  record(src: FindingSource): FiledFinding | undefined {
    const t = triageOf(src, this.mode);
    // A line only one model's reader rejects is no finding about the models (replay/verdict/failure.ts).
    if (t === undefined || t.comparison.step === undefined || !DIVERGENCE_CLASSES.includes(t.comparison.class)) return undefined;
    const step = t.comparison.step;
    const witness = witnessOf(src, step);
    const attribution = MODEL_DIVERGENCES.has(t.comparison.class) && witness?.events.length === step + 1 ? attributeDivergence(witness.events, witness.seed, this.registry) : undefined;
    const finding = this.findingOf(t, attribution?.step === step ? attribution : undefined);
    const config = src.outcome.config;
    const example: DivergenceExample = {
      cycle: config.cycle,
      seed: config.seed,
      events: witness?.total ?? src.outcome.events,
      original_events: witness?.total ?? src.outcome.events,
      reproduce: src.reproduce,
      trace: null,
      trace_path: src.tracePath,
      minimized: false,
    };
    const isExample = this.catalogue.add(finding, example);
    return {
      divergence: { cause: finding.cause, known: finding.known, signature: finding.signature, class: finding.class, step },
      finding,
      witness,
      isExample,
      config,
      regenerable: src.regenerable,
      traceFile: src.traceFile,
    };
  }

  private findingOf(t: Triage, a: Attribution | undefined): CataloguedFinding {
    // The finding's own class (a Lean-like implementation's trace makes C++ the one that disagrees).
    const evidence = a?.evidence === undefined ? plainEvidence(t) : { ...a.evidence, class: t.comparison.class };
    // A divergence no repair was tried on stays unknown; other findings (a producer bug) may match a rule of their own.
    const cause = a !== undefined ? this.registry.causes.find((c) => c.id === a.cause) : MODEL_DIVERGENCES.has(evidence.class) ? undefined : matchCause(this.registry, evidence);
    const tags = a?.tags ?? [];
    return {
      cause: cause?.id ?? UNKNOWN_CAUSE,
      known: cause !== undefined,
      summary: cause?.summary ?? null,
      docs: cause?.docs ?? null,
      signature: attributionSignature(evidence, tags),
      class: evidence.class,
      event: evidence.event,
      fromState: evidence.fromState,
      stage: evidence.stage,
      fields: evidence.fields,
      illFormed: tags,
      repairs: [...evidence.removedBy, ...evidence.changedBy],
    };
  }

  /**
   * Fills in a signature's example once the record phase is done with it:
   * the shrunk witness when there is one, else the cycle's whole trace.
   */
  fillExample(filed: FiledFinding, shrunk: ShrunkWitness | undefined): void {
    if (!filed.isExample) return;
    const { cause, signature } = filed.divergence;
    const base = this.exampleBase(filed);
    if (shrunk !== undefined) {
      const diff = filed.divergence.class === 'producer-bug' ? undefined : stepDiff(shrunk.witness.events, shrunk.witness.seed, shrunk.witness.events.length - 1);
      this.catalogue.setExample(cause, signature, {
        ...base,
        events: shrunk.witness.events.length,
        reproduce: shrunk.reproduce ?? base.reproduce,
        trace: shrunk.text.length <= MAX_INLINE_TRACE ? shrunk.text : null,
        minimized_path: shrunk.path,
        minimized: true,
        ...(diff === undefined ? {} : { step_diff: diff }),
      });
      return;
    }
    const w = filed.witness;
    const full = w === undefined ? undefined : fullTrace(filed);
    const diff = w === undefined || filed.divergence.class === 'producer-bug' ? undefined : stepDiff(w.events, w.seed, filed.divergence.step);
    this.catalogue.setExample(cause, signature, {
      ...base,
      trace: full !== undefined && full.length <= MAX_INLINE_TRACE ? full : null,
      ...(diff === undefined ? {} : { step_diff: diff }),
    });
  }

  private exampleBase(filed: FiledFinding): DivergenceExample {
    return this.catalogue.example(filed.divergence.cause, filed.divergence.signature)!;
  }

  entries(): DivergenceEntry[] {
    return this.catalogue.entries();
  }
}

/** The cycle's whole trace, when it can be had again and is not too large to show. */
function fullTrace(filed: FiledFinding): string | undefined {
  const w = filed.witness;
  if (w === undefined || w.total > 2_000) return undefined;
  if (filed.regenerable) return traceText(filed.config);
  if (filed.traceFile === undefined) return undefined;
  try {
    return statSync(filed.traceFile).size <= MAX_INLINE_TRACE ? readFileSync(filed.traceFile, 'utf8') : undefined;
  } catch {
    return undefined; // already moved or removed: the example names it by path
  }
}

/** The first divergence a witness shows, for the shrinker: same class, event, from-state, stage and fields. */
export function witnessKey(w: Pick<Witness, 'events' | 'seed'>): string | undefined {
  const d = firstDivergence(w.events, w.seed);
  if (d === undefined || d.step !== w.events.length - 1) return undefined;
  return attributionSignature({ class: d.comparison.class, event: d.comparison.event ?? '-', fromState: d.fromState, stage: d.comparison.stage, fields: d.fields, removedBy: [], changedBy: [], explains: {} }, []);
}
