/**
 * The catalogue during a campaign: each failed cycle whose checker compared
 * both models becomes a finding; the first cycle of a signature supplies
 * its example, minimized to that same signature when `--minimize` is on.
 */
import { ReplayFailure, replayText } from '../../replay/index.js';
import { traceText } from '../../tracegen/index.js';
import type { CycleConfig } from '../plan/campaign.js';
import { Catalogue, findingOf, signatureOf, type ComparisonLike, type DivergenceEntry } from './catalogue.js';
import { extractWireEvents, minimizeToSignature } from '../minimize/catalogue-minimize.js';
import { illFormedTags, type CycleOutcome } from '../cycle/outcome.js';

/** Example traces larger than this are referenced by command only. */
const MAX_INLINE_TRACE = 256 * 1024;

export interface CatalogueSettings {
  readonly minimize: boolean;
  readonly minimizeBudget: number;
}

function comparisonOf(outcome: CycleOutcome): ComparisonLike | undefined {
  return outcome.replayFailure?.comparison;
}

/** The signature a trace shows under `--model both`, or undefined when both models accept it. */
export function traceSignature(text: string): string | undefined {
  try {
    replayText(text, { model: 'both' });
    return undefined;
  } catch (err) {
    if (!(err instanceof ReplayFailure)) throw err;
    const c = err.report.comparison;
    if (c === undefined) return `unclassified: ${err.report.message}`;
    const line = text.split('\n')[c.line - 1] ?? '';
    return signatureOf(findingOf(c, illFormedTags(line)));
  }
}

export class DivergenceRecorder {
  private readonly catalogue = new Catalogue();

  constructor(private readonly settings: CatalogueSettings) {}

  /** Files a failed cycle; returns whether it was a two-model finding. */
  record(outcome: CycleOutcome, reproduce: string, tracePath: string | null): boolean {
    const comparison = comparisonOf(outcome);
    if (comparison === undefined) return false;
    const config = outcome.config;
    const finding = findingOf(comparison, outcome.illFormed ?? []);
    const example = {
      cycle: config.cycle,
      seed: config.seed,
      events: outcome.events,
      original_events: outcome.events,
      reproduce,
      trace: null,
      trace_path: tracePath,
      minimized: false,
    };
    if (this.catalogue.add(finding, example)) this.fillExample(signatureOf(finding), config, example);
    return true;
  }

  /** Attaches the trace (minimized when asked) to a signature's first example. */
  private fillExample(signature: string, config: CycleConfig, example: Parameters<Catalogue['add']>[1]): void {
    const full = traceText(config);
    let text = full;
    let events = example.events;
    let minimized = false;
    if (this.settings.minimize) {
      const result = minimizeToSignature(extractWireEvents(full), signature, traceSignature, this.settings.minimizeBudget);
      if (result !== undefined) {
        text = result.text;
        events = result.events;
        minimized = true;
      }
    }
    this.catalogue.setExample(signature, { ...example, events, trace: text.length <= MAX_INLINE_TRACE ? text : null, minimized });
  }

  entries(): DivergenceEntry[] {
    return this.catalogue.entries();
  }
}
