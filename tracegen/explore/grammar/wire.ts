/**
 * An explore event as written, next to the event the C++ reducer acts on.
 *
 * The reducer's images are canonical maps, so an ill-formed list or a
 * `"final_len": null` exists only on the wire. `event` is what a C++ decoder
 * makes of the wire form (a repeated object keeps its last entry), which is
 * what the trace's snapshots follow.
 */
import type { PeeringEvent } from '../../../reducer/index.js';
import type { ExploreFeature } from './features.js';
import type { RawImage } from './images.js';

export interface WireDetails {
  /** Replaces the event's image (local_info, info, auth_info or recovered_image) on the wire. */
  readonly image?: RawImage;
  /** Unknown final lengths are written as `"final_len": null` instead of being omitted. */
  readonly nullFinalLen?: boolean;
  /** Features of the trace, written on its first Initialize. */
  readonly features?: readonly ExploreFeature[];
}

export interface ExploreEvent {
  readonly event: PeeringEvent;
  readonly wire: WireDetails | undefined;
}

export function plain(event: PeeringEvent): ExploreEvent {
  return { event, wire: undefined };
}
