/**
 * Incremental snapshot encoding. Consecutive snapshots share most field
 * values by identity (the reducer never mutates, it replaces), so a field
 * whose value is the same object or primitive as in the previous snapshot
 * is copied from the previous encoding instead of being encoded again.
 */
import type { Snapshot } from '../../reducer/index.js';
import { ByteWriter } from './byte-writer.js';
import { SNAPSHOT_FIELD_CODECS as FIELDS } from './encode.js';

const FIELD_COUNT = FIELDS.length;

export class SnapshotEncoder {
  private current = new ByteWriter(1 << 13);
  private spare = new ByteWriter(1 << 13);
  /** Start offset of each field in `current`, plus its end. */
  private offsets = new Int32Array(FIELD_COUNT + 1);
  private spareOffsets = new Int32Array(FIELD_COUNT + 1);
  private previous: Snapshot | undefined;
  /** The previous snapshot's field values, so each field is read once per snapshot. */
  private readonly values: unknown[] = new Array<unknown>(FIELD_COUNT).fill(undefined);

  /** Encodes `snap` and returns a writer holding exactly its JSON. */
  encode(snap: Snapshot): ByteWriter {
    if (snap === this.previous) return this.current;
    const prev = this.previous;
    const out = this.spare;
    const from = this.current;
    const offsets = this.spareOffsets;
    out.reset();
    // Runs of unchanged fields are copied with one call.
    let copyStart = -1;
    for (let i = 0; i < FIELD_COUNT; i++) {
      const field = FIELDS[i]!;
      const value = field.read(snap);
      const unchanged = prev !== undefined && value === this.values[i];
      this.values[i] = value;
      if (unchanged) {
        if (copyStart < 0) copyStart = i;
        offsets[i] = out.length + (this.offsets[i]! - this.offsets[copyStart]!);
        continue;
      }
      if (copyStart >= 0) {
        from.copyRangeTo(out, this.offsets[copyStart]!, this.offsets[i]!);
        copyStart = -1;
      }
      offsets[i] = out.length;
      field.writeValue(out, value);
    }
    if (copyStart >= 0) from.copyRangeTo(out, this.offsets[copyStart]!, this.offsets[FIELD_COUNT]!);
    offsets[FIELD_COUNT] = out.length;
    out.byte(0x7d);

    this.spare = from;
    this.current = out;
    this.spareOffsets = this.offsets;
    this.offsets = offsets;
    this.previous = snap;
    return out;
  }
}
