/**
 * Our own implementation of the protocol's output side: applies events one
 * at a time to a model, from the empty snapshot, and writes one step line
 * per event in upstream's exact bytes.
 */
import { EMPTY_SNAPSHOT, step, type PeeringEvent, type Snapshot } from '../reducer/index.js';
import { ByteWriter, SnapshotRenderer, writeStepLine, writeSummaryLine } from '../tracegen/index.js';

export type RenderModel = 'cpp';
export const RENDER_MODELS: readonly RenderModel[] = ['cpp'];

/** The model refused an event (never answered with a made-up step). */
export class UnhandledEvent extends Error {}

export class TraceRenderer {
  private snapshot: Snapshot = EMPTY_SNAPSHOT;
  private readonly renderer = new SnapshotRenderer();
  private steps = 0;

  constructor(readonly model: RenderModel) {}

  get stepsWritten(): number {
    return this.steps;
  }

  /** Applies one event and writes its step line. */
  apply(event: PeeringEvent, w: ByteWriter): void {
    let result;
    try {
      result = step(this.snapshot, event);
    } catch (err) {
      throw new UnhandledEvent(`the ${this.model} model cannot apply ${event.type}: ${(err as Error).message}`);
    }
    writeStepLine(w, this.renderer, this.steps, event, result);
    this.snapshot = result.after;
    this.steps++;
  }

  /** Writes the summary line echoing the input's. */
  end(seed: bigint, w: ByteWriter): void {
    writeSummaryLine(w, seed, this.steps);
  }
}
