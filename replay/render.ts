/**
 * Our own implementation of the protocol's output side: applies events one
 * at a time to a model, from the empty snapshot, and writes one step line
 * per event in upstream's exact bytes.
 */
import { EMPTY_SNAPSHOT, step, type PeeringEvent, type Snapshot } from '../reducer/index.js';
import { ByteWriter, SnapshotRenderer, writeStepTail, writeSummaryLine } from '../tracegen/index.js';

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

  /**
   * Applies one event and writes its step line, echoing the event as
   * received (`wire`): a checker then replays what this renderer was given,
   * not its reading of it, and generator-made wire forms survive unchanged.
   */
  apply(event: PeeringEvent, wire: string, w: ByteWriter): void {
    let result;
    try {
      result = step(this.snapshot, event);
    } catch (err) {
      throw new UnhandledEvent(`the ${this.model} model cannot apply ${event.type}: ${(err as Error).message}`);
    }
    w.token('{"kind":"step","step":');
    w.uint(this.steps);
    w.token(',"from_state":"');
    w.token(result.from);
    w.token('","to_state":"');
    w.token(result.to);
    w.token('","event":');
    w.utf8(wire);
    writeStepTail(w, this.renderer, result);
    w.byte(0x0a);
    this.snapshot = result.after;
    this.steps++;
  }

  /** Writes the summary line echoing the input's. */
  end(seed: bigint, w: ByteWriter): void {
    writeSummaryLine(w, seed, this.steps);
  }
}
