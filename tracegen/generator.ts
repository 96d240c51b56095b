/**
 * The seeded random event source of `cross-validate`, drawing from the
 * engine in exactly upstream's order so traces are byte-identical.
 *
 * `lean-core` keeps to the proof-covered surface (consistent activation
 * payloads, no deletes); `full` widens it for implementation stress.
 */
import {
  primaryImage,
  primaryLength,
  setHas,
  type ActingSet,
  type Epoch,
  type Initialize,
  type OsdId,
  type PeeringEvent,
  type Snapshot,
  type U64,
} from '../reducer/index.js';
import { Mt19937 } from './rng/mt19937.js';
import { shuffleInPlace } from './rng/shuffle.js';
import { uniformInt } from './rng/uniform-int.js';

/** Upstream's profiles, whose traces are byte-identical to upstream's. */
export type UpstreamProfile = 'full' | 'lean-core';
export const UPSTREAM_PROFILES: readonly UpstreamProfile[] = ['full', 'lean-core'];
/** `explore` is this toolkit's own (tracegen/explore/). */
export type Profile = UpstreamProfile | 'explore';
export const PROFILES: readonly Profile[] = [...UPSTREAM_PROFILES, 'explore'];

export interface GeneratorConfig {
  readonly numOsds: number;
  readonly poolSize: number;
  readonly poolMinSize: number;
  readonly whoami: OsdId;
  readonly initialActing: readonly OsdId[];
}

const INITIAL_EPOCH: Epoch = 10;

/** uint32 decrement clamped as upstream does (never below `floor`). */
function epochBefore(epoch: Epoch, floor: Epoch): Epoch {
  return epoch > 1 ? epoch - 1 : floor;
}

export class EventGenerator {
  readonly rng: Mt19937;
  private cfg: GeneratorConfig = { numOsds: 0, poolSize: 0, poolMinSize: 0, whoami: -1, initialActing: [] };

  constructor(
    seed: bigint,
    readonly profile: UpstreamProfile,
  ) {
    this.rng = new Mt19937(seed);
  }

  get config(): GeneratorConfig {
    return this.cfg;
  }

  /** Uniform draw in [a, b], as `std::uniform_int_distribution` on this engine. */
  draw(a: number, b: number): number {
    return uniformInt(this.rng, a, b);
  }

  /** One in `n` chance (upstream's `uniform(0, n - 1) == 0`). */
  private oneIn(n: number): boolean {
    return this.draw(0, n - 1) === 0;
  }

  private genConfig(): GeneratorConfig {
    const numOsds = this.draw(2, 5);
    const poolSize = this.draw(2, Math.min(numOsds, 3));
    const poolMinSize = this.draw(1, poolSize);
    const all = this.allOsds(numOsds);
    shuffleInPlace(all, this.rng);
    const initialActing = all.slice(0, Math.min(all.length, poolSize));
    return { numOsds, poolSize, poolMinSize, whoami: initialActing[0] as OsdId, initialActing };
  }

  private allOsds(count: number): OsdId[] {
    const osds: OsdId[] = [];
    for (let i = 0; i < count; i++) osds.push(i);
    return osds;
  }

  genInitialize(): Initialize {
    this.cfg = this.genConfig();
    const localLen = this.draw(0, 200);
    const acting: ActingSet = { osds: this.cfg.initialActing, epoch: INITIAL_EPOCH };
    return {
      type: 'Initialize',
      pgid: 1,
      whoami: this.cfg.whoami,
      epoch: INITIAL_EPOCH,
      acting,
      up: acting,
      poolSize: this.cfg.poolSize,
      poolMinSize: this.cfg.poolMinSize,
      localInfo: {
        pgid: 1,
        committedSeq: localLen,
        committedLength: localLen,
        image: [],
        blobMeta: [],
        lastEpochStarted: INITIAL_EPOCH,
        lastIntervalStarted: INITIAL_EPOCH,
        lastEpochClean: 0,
        epochCreated: 0,
        sameIntervalSince: 0,
        sameUpSince: 0,
        samePrimarySince: 0,
      },
      priorOsds: [],
    };
  }

  /** Number of events after Initialize: uniform in [min(50, n), n]. */
  drawEventCount(maxEvents: number): number {
    return this.draw(Math.min(50, maxEvents), maxEvents);
  }

  private randomOsd(): OsdId {
    return this.draw(0, this.cfg.numOsds - 1);
  }

  /** A random OSD other than ourselves, giving up after 20 tries. */
  private randomPeer(): OsdId {
    let osd: OsdId;
    let attempts = 0;
    do {
      osd = this.randomOsd();
      attempts++;
    } while (osd === this.cfg.whoami && attempts < 20);
    return osd;
  }

  private randomActingSet(): OsdId[] {
    const all = this.allOsds(this.cfg.numOsds);
    shuffleInPlace(all, this.rng);
    const size = this.draw(1, Math.min(this.cfg.numOsds, this.cfg.poolSize));
    const result = all.slice(0, size);
    // Usually keep ourselves as primary so peering actually runs here.
    if (this.draw(0, 4) < 4) {
      const at = result.indexOf(this.cfg.whoami);
      if (at >= 0) {
        result[at] = result[0] as OsdId;
        result[0] = this.cfg.whoami;
      } else {
        result[0] = this.cfg.whoami;
      }
    }
    return result;
  }

  genEvent(snap: Snapshot): PeeringEvent {
    return this.profile === 'lean-core' ? this.genLeanCoreEvent(snap) : this.genFullEvent(snap);
  }

  private genFullEvent(snap: Snapshot): PeeringEvent {
    const choice = this.draw(0, 99);
    switch (snap.state) {
      case 'Initial':
        return this.genAdvanceMap(snap);
      case 'GetPeerInfo':
        if (choice < 50) return this.genPeerInfoReceived(snap);
        if (choice < 70) return this.genPeerQueryTimeout();
        if (choice < 85) return this.genAdvanceMap(snap);
        return { type: 'DeleteStart' };
      case 'WaitUpThru':
        if (choice < 40) return this.genUpThruUpdated(snap);
        if (choice < 60) return this.genPeerInfoReceived(snap);
        if (choice < 80) return this.genAdvanceMap(snap);
        return { type: 'DeleteStart' };
      case 'Active':
        if (choice < 30) return this.genAdvanceMap(snap);
        if (choice < 50) return { type: 'ActivateCommitted' };
        if (choice < 65) return this.genAllReplicasRecovered(snap);
        if (choice < 80) return this.genRecoveryComplete(snap);
        return { type: 'DeleteStart' };
      case 'Recovering':
        if (choice < 40) return this.genRecoveryComplete(snap);
        if (choice < 55) return this.genAllReplicasRecovered(snap);
        if (choice < 75) return this.genAdvanceMap(snap);
        if (choice < 85) return { type: 'ActivateCommitted' };
        return { type: 'DeleteStart' };
      case 'Clean':
        if (choice < 50) return this.genAdvanceMap(snap);
        if (choice < 70) return { type: 'ActivateCommitted' };
        if (choice < 85) return this.genAdvanceMap(snap);
        return { type: 'DeleteStart' };
      case 'Stray':
        if (choice < 40) return this.genReplicaActivate(snap);
        if (choice < 70) return this.genAdvanceMap(snap);
        return { type: 'DeleteStart' };
      case 'ReplicaActive':
        if (choice < 30) return this.genReplicaRecoveryComplete(snap);
        if (choice < 60) return this.genAdvanceMap(snap);
        if (choice < 80) return this.genReplicaActivate(snap);
        return { type: 'DeleteStart' };
      case 'Down':
        if (choice < 40) return this.genPeerInfoReceived(snap);
        if (choice < 70) return this.genAdvanceMap(snap);
        if (choice < 85) return this.genPeerQueryTimeout();
        return { type: 'DeleteStart' };
      case 'Incomplete':
        if (choice < 40) return this.genPeerInfoReceived(snap);
        if (choice < 70) return this.genAdvanceMap(snap);
        return { type: 'DeleteStart' };
      case 'Deleting':
        if (choice < 50) return { type: 'DeleteComplete' };
        return this.genAdvanceMap(snap);
      case 'Reset':
        return this.genAdvanceMap(snap);
    }
  }

  private genLeanCoreEvent(snap: Snapshot): PeeringEvent {
    const choice = this.draw(0, 99);
    switch (snap.state) {
      case 'Initial':
        return this.genAdvanceMap(snap);
      case 'GetPeerInfo':
        if (choice < 55) return this.genPeerInfoReceived(snap);
        if (choice < 80) return this.genPeerQueryTimeout();
        return this.genAdvanceMap(snap);
      case 'WaitUpThru':
        if (choice < 45) return this.genUpThruUpdated(snap);
        if (choice < 75) return this.genPeerInfoReceived(snap);
        return this.genAdvanceMap(snap);
      case 'Active':
        if (choice < 20) return this.genAdvanceMap(snap);
        if (choice < 50) return { type: 'ActivateCommitted' };
        if (choice < 75) return this.genAllReplicasRecovered(snap);
        return this.genRecoveryComplete(snap);
      case 'Recovering':
        if (choice < 20) return this.genAdvanceMap(snap);
        if (choice < 55) return this.genRecoveryComplete(snap);
        if (choice < 80) return this.genAllReplicasRecovered(snap);
        return { type: 'ActivateCommitted' };
      case 'Clean':
        if (choice < 35) return this.genAdvanceMap(snap);
        return { type: 'ActivateCommitted' };
      case 'Stray':
        if (choice < 35) return this.genAdvanceMap(snap);
        return this.genReplicaActivate(snap);
      case 'ReplicaActive':
        if (choice < 20) return this.genAdvanceMap(snap);
        if (choice < 68) return this.genReplicaRecoveryComplete(snap);
        return this.genReplicaActivate(snap);
      case 'Down':
        if (choice < 45) return this.genPeerInfoReceived(snap);
        if (choice < 75) return this.genPeerQueryTimeout();
        return this.genAdvanceMap(snap);
      case 'Incomplete':
        if (choice < 70) return this.genPeerInfoReceived(snap);
        return this.genAdvanceMap(snap);
      case 'Deleting':
        return { type: 'DeleteComplete' };
      case 'Reset':
        return this.genAdvanceMap(snap);
    }
  }

  private genAdvanceMap(snap: Snapshot): PeeringEvent {
    const newEpoch = (snap.epoch + 1) >>> 0;
    const newInterval = this.draw(0, 9) < 4;
    const osds = newInterval ? this.randomActingSet() : snap.acting.osds;
    let newPoolMinSize = snap.poolMinSize;
    if (this.oneIn(10)) newPoolMinSize = this.draw(1, snap.poolSize);
    const priorOsds: OsdId[] = [];
    if (newInterval && this.oneIn(3)) {
      const n = this.draw(1, 2);
      for (let i = 0; i < n; i++) priorOsds.push(this.randomOsd());
    }
    const acting: ActingSet = { osds, epoch: newEpoch };
    return {
      type: 'AdvanceMap',
      newEpoch,
      newActing: acting,
      newUp: acting,
      newPoolSize: snap.poolSize,
      newPoolMinSize,
      priorOsds,
    };
  }

  private genPeerInfoReceived(snap: Snapshot): PeeringEvent {
    const from = this.randomPeer();
    const len = this.draw(0, 300);
    const lastEpochStarted = this.draw(snap.epoch > 5 ? snap.epoch - 5 : 1, snap.epoch);
    let queryEpoch = snap.lastPeeringReset;
    if (this.oneIn(5)) queryEpoch = epochBefore(snap.lastPeeringReset, 0);
    return {
      type: 'PeerInfoReceived',
      from,
      info: {
        osd: from,
        committedSeq: len,
        committedLength: len,
        image: primaryImage(len),
        blobMeta: [],
        lastEpochStarted,
        lastIntervalStarted: 0,
      },
      queryEpoch,
    };
  }

  private genPeerQueryTimeout(): PeeringEvent {
    return { type: 'PeerQueryTimeout', peer: this.randomPeer() };
  }

  private genUpThruUpdated(snap: Snapshot): PeeringEvent {
    const epoch = this.oneIn(5) ? epochBefore(snap.epoch, 1) : snap.epoch;
    return { type: 'UpThruUpdated', epoch };
  }

  /** Epoch tag for completions: usually current, sometimes one interval stale. */
  private completionEpoch(snap: Snapshot): Epoch {
    return this.oneIn(5) ? epochBefore(snap.lastPeeringReset, 0) : snap.lastPeeringReset;
  }

  private genRecoveryComplete(snap: Snapshot): PeeringEvent {
    const targets = snap.recoveryTargets;
    let peer: OsdId;
    if (targets.length > 0 && this.draw(0, 2) < 2) {
      peer = targets[this.draw(0, targets.length - 1)] as OsdId;
    } else {
      peer = this.randomPeer();
    }
    return { type: 'RecoveryComplete', peer, epoch: this.completionEpoch(snap) };
  }

  private genAllReplicasRecovered(snap: Snapshot): PeeringEvent {
    const epoch = this.completionEpoch(snap);
    const peers = snap.recoveryTargets.filter((osd) => !setHas(snap.recovered, osd));
    if (this.oneIn(5)) {
      if (peers.length > 0) peers.pop();
      else peers.push(this.randomPeer());
    }
    return { type: 'AllReplicasRecovered', epoch, peers };
  }

  private genReplicaActivate(snap: Snapshot): PeeringEvent {
    let from = snap.acting.osds.length === 0 ? -1 : (snap.acting.osds[0] as OsdId);
    if (from < 0) from = this.randomPeer();
    const epoch = this.oneIn(5) ? epochBefore(snap.epoch, 1) : snap.epoch;

    if (this.profile === 'lean-core') {
      // One internally consistent authority snapshot, as the proofs assume.
      return {
        type: 'ReplicaActivate',
        from,
        authInfo: {
          osd: from,
          committedSeq: snap.authSeq,
          committedLength: primaryLength(snap.authImage),
          image: snap.authImage,
          blobMeta: snap.authBlobMeta,
          lastEpochStarted: epoch,
          lastIntervalStarted: epoch,
        },
        authSources: snap.authSources,
        authBlobMeta: snap.authBlobMeta,
        authoritativeSeq: snap.authSeq,
        activationEpoch: epoch,
      };
    }

    const len = this.draw(50, 300);
    const seq: U64 = snap.authSeq > 0 ? snap.authSeq : len;
    return {
      type: 'ReplicaActivate',
      from,
      authInfo: {
        osd: from,
        committedSeq: seq,
        committedLength: len,
        image: snap.authImage.length === 0 ? primaryImage(len) : snap.authImage,
        blobMeta: snap.authBlobMeta,
        lastEpochStarted: epoch,
        lastIntervalStarted: 0,
      },
      authSources: snap.authSources,
      authBlobMeta: snap.authBlobMeta,
      authoritativeSeq: seq,
      activationEpoch: epoch,
    };
  }

  private genReplicaRecoveryComplete(snap: Snapshot): PeeringEvent {
    let len: U64 = snap.authLength;
    if (this.oneIn(5)) len = this.draw(0, 300);
    let seq: U64 = snap.authSeq > 0 ? snap.authSeq : len;
    if (this.oneIn(5)) seq = this.draw(0, 300);
    const epoch = this.oneIn(5) ? epochBefore(snap.epoch, 1) : snap.epoch;
    return {
      type: 'ReplicaRecoveryComplete',
      newCommittedSeq: seq,
      newCommittedLength: len,
      recoveredImage: snap.authImage.length === 0 ? primaryImage(len) : snap.authImage,
      activationEpoch: epoch,
    };
  }
}
