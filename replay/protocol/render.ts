/**
 * Our own implementation of the protocol's output side: applies events one
 * at a time to a model, from the empty snapshot, and writes one step line
 * per event in upstream's exact bytes.
 */
import { parseLeanJson } from '../../lean/LeanJson.js';
import { emptySnapshot as leanEmptySnapshot, type Snapshot as LeanSnapshot } from '../../lean/Machine.js';
import { parseEvent as parseLeanEvent } from '../../lean/Replay.js';
import { EMPTY_SNAPSHOT, step, type PeeringEvent, type Snapshot } from '../../reducer/index.js';
import { ByteWriter, SnapshotRenderer, writeStepHead, writeStepTail, writeSummaryLine } from '../../tracegen/index.js';
import { LeanSnapshotRenderer, leanReplayStep, writeLeanStepTail } from '../../tracegen/lean-render/lean-trace.js';

export type RenderModel = 'cpp' | 'lean';
export const RENDER_MODELS: readonly RenderModel[] = ['cpp', 'lean'];

/** The model refused an event (never answered with a made-up step). */
export class UnhandledEvent extends Error {}

/** One applied event as a model reports it: its two states, then the rest of the line after the event. */
interface AppliedStep {
  readonly from: string;
  readonly to: string;
  writeTail(w: ByteWriter): void;
}

/** A model behind the renderer: keeps its own state between events. */
interface StepModel {
  apply(event: PeeringEvent, wire: string): AppliedStep;
}

/** The C++ port: reads the event as the C++ decoder does. */
class CppStepModel implements StepModel {
  private snapshot: Snapshot = EMPTY_SNAPSHOT;
  private readonly renderer = new SnapshotRenderer();

  apply(event: PeeringEvent): AppliedStep {
    const result = step(this.snapshot, event);
    this.snapshot = result.after;
    return { from: result.from, to: result.to, writeTail: (w) => writeStepTail(w, this.renderer, result) };
  }
}

/**
 * The Lean mirror: reads the echoed wire text with Lean's own readers (so
 * duplicates, order and `null` keep Lean's meaning) and steps from the
 * normalised cursor, as Lean's checker does.
 */
class LeanStepModel implements StepModel {
  private cursor: LeanSnapshot = leanEmptySnapshot;
  private readonly renderer = new LeanSnapshotRenderer();

  apply(_event: PeeringEvent, wire: string): AppliedStep {
    const event = parseLeanEvent(parseLeanJson(wire));
    const s = leanReplayStep(this.cursor, event);
    this.cursor = s.after;
    return { from: s.fromState, to: s.toState, writeTail: (w) => writeLeanStepTail(w, this.renderer, s) };
  }
}

function stepModel(model: RenderModel): StepModel {
  return model === 'lean' ? new LeanStepModel() : new CppStepModel();
}

export class TraceRenderer {
  private readonly stepper: StepModel;
  private steps = 0;

  constructor(readonly model: RenderModel) {
    this.stepper = stepModel(model);
  }

  get stepsWritten(): number {
    return this.steps;
  }

  /**
   * Applies one event and writes its step line, echoing the event as
   * received (`wire`): a checker then replays what this renderer was given,
   * not its reading of it, and generator-made wire forms survive unchanged.
   */
  apply(event: PeeringEvent, wire: string, w: ByteWriter): void {
    let applied: AppliedStep;
    try {
      applied = this.stepper.apply(event, wire);
    } catch (err) {
      throw new UnhandledEvent(`the ${this.model} model cannot apply ${event.type}: ${(err as Error).message}`);
    }
    writeStepHead(w, this.steps, applied.from, applied.to);
    w.utf8(wire);
    applied.writeTail(w);
    w.byte(0x0a);
    this.steps++;
  }

  /** Writes the summary line echoing the input's. */
  end(seed: bigint, w: ByteWriter): void {
    writeSummaryLine(w, seed, this.steps);
  }
}
