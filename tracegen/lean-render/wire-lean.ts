/**
 * Event lists given by their wire text, stepped through the Lean mirror:
 * the Lean-consistent trace for them (the other half of a C++/Lean
 * side-by-side), and the order in which the mirror's authority lists
 * objects after a step. Lean builds authority from the known peers' images
 * in list order and keeps each object where it first saw it, so that order
 * can differ from object-id order even when every image is sorted.
 */
import { emptySnapshot, step, type Snapshot } from '../../lean/Machine.js';
import { parseLeanJson } from '../../lean/LeanJson.js';
import { parseEvent } from '../../lean/Replay.js';
import type { PeeringEvent } from '../../lean/Types.js';
import { ByteWriter } from '../encode/byte-writer.js';
import { LeanLineWriter } from './explore-lean.js';
import { leanReplayStep } from './lean-trace.js';

const leanEvent = (text: string): PeeringEvent => parseEvent(parseLeanJson(text));

/** The trace the Lean model implies for events written exactly as `texts`. */
export function wireLeanTraceText(texts: readonly string[], seed: bigint): string {
  const w = new ByteWriter(1 << 16);
  const out = new LeanLineWriter(w);
  texts.forEach((text, index) => out.step(index, (s) => s.utf8(text)));
  out.finish(seed, texts.length);
  return w.text();
}

/** The mirror's snapshot right after the last event, as its step leaves it (before the replay normalises it by printed form). */
function afterLast(texts: readonly string[]): Snapshot | undefined {
  let cursor: Snapshot = emptySnapshot;
  for (let i = 0; i < texts.length - 1; i++) cursor = leanReplayStep(cursor, leanEvent(texts[i]!)).after;
  const last = texts.at(-1);
  return last === undefined ? undefined : step(cursor, leanEvent(last)).after;
}

/** Objects of the mirror's authority right after the last event, in the order Lean keeps them. */
export function leanAuthorityOrder(texts: readonly string[]): (number | bigint)[] {
  return afterLast(texts)?.authSources.entries.map(([obj]) => obj) ?? [];
}

/**
 * Objects of the mirror's local image right after the last event, in the
 * order Lean lists them: a replica's recovery joins its image with the
 * recovered one by appending, so its own objects come first.
 */
export function leanLocalImageOrder(texts: readonly string[]): (number | bigint)[] {
  return afterLast(texts)?.localInfo.image.entries.map(([obj]) => obj) ?? [];
}
