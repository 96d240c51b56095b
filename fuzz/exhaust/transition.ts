/**
 * One transition of the search: the lockstep check of `--model both`
 * (replay/models/lockstep.ts), plus the fingerprint of the state it leads
 * to. An event the C++ decoder reads otherwise than the grammar stepped it
 * stops the search as a bug of the grammar.
 */
import { equalBytes, LockstepChecker, UnfaithfulEvent, type LockstepOutcome, type PairState } from '../../replay/models/lockstep.js';
import type { Letter } from './alphabet.js';
import { Fingerprinter } from './fingerprint.js';

export { ROOT, type PairState } from '../../replay/models/lockstep.js';

export type TransitionOutcome =
  | (Extract<LockstepOutcome, { kind: 'ok' }> & { readonly hi: number; readonly lo: number })
  | Extract<LockstepOutcome, { kind: 'divergent' }>;

/** Marks a Lean snapshot in a fingerprint, so the two encodings never run together. */
const LEAN_TAG = 0x4c45414e;
const KEY_TAG = 0x4b455953;

export class PairChecker {
  private readonly lockstep = new LockstepChecker();
  private readonly fingerprint = new Fingerprinter();

  /** Steps `letter` from `state` and checks it; throws only on a bug (an event the port's decoder reads otherwise). */
  check(state: PairState, letter: Letter): TransitionOutcome {
    let outcome: LockstepOutcome;
    try {
      outcome = this.lockstep.check(state, letter);
    } catch (err) {
      if (err instanceof UnfaithfulEvent) throw new Error(`explore grammar: ${err.message}`);
      throw err;
    }
    if (outcome.kind === 'divergent') return outcome;
    this.fingerprintOf(outcome.next, outcome.afterJson, outcome.leanJson);
    return { ...outcome, hi: this.fingerprint.hi, lo: this.fingerprint.lo };
  }

  /** The state after `letter` without checking (a path already checked when it was found). */
  static replay(state: PairState, letter: Letter): PairState {
    return LockstepChecker.replay(state, letter);
  }

  /** The C++ snapshot's bytes, the Lean one's where they differ, and peer map keys that differ from the stored OSD. */
  private fingerprintOf(next: PairState, after: Uint8Array, lean: Uint8Array | undefined): void {
    const f = this.fingerprint;
    f.reset();
    f.bytes(after);
    if (lean !== undefined && !equalBytes(lean, after)) {
      f.int(LEAN_TAG);
      f.bytes(lean);
    }
    for (const [osd, info] of next.cpp.peerInfo) if (info.osd !== osd) (f.int(KEY_TAG), f.int(osd), f.int(info.osd));
    for (const [osd, info] of next.lean.peerInfo) if (info.osd !== osd) (f.int(KEY_TAG), f.int(Number(osd)), f.int(Number(info.osd)));
  }
}
