/**
 * Upstream's trace layout for the Lean mirror's values: the same keys, key
 * order and separators as the C++ generator writes.
 *
 * Lists the Lean checker normalises (OSD sets, images, authority, blob
 * metadata) are written sorted by value, like the C++ generator's ordered
 * containers; lists Lean compares in order (acting/up, plans, recoveries,
 * everything inside effects) are written exactly as the mirror holds them.
 * So two snapshots with the same bytes are equal to the Lean checker.
 */
import { imageRecoveryTargets, type Snapshot } from '../../lean/Machine.js';
import type { InvariantChecks } from '../../lean/Invariants.js';
import type {
  ActingSet,
  AuthorityImage,
  BlobMetaImage,
  Int,
  Nat,
  ObjectImage,
  ObjRecovery,
  PeerInfo,
  PeeringEffect,
  PeeringEvent,
  PeerRecoveryPlan,
  PGInfo,
  RecoveryTarget,
} from '../../lean/Types.js';
import { ByteWriter } from '../encode/byte-writer.js';
import { jsonString } from '../encode/encode.js';

type W = ByteWriter;

function nat(w: W, v: Nat): void {
  w.u64(v);
}

function int(w: W, v: Int): void {
  if (typeof v === 'number') w.int(v);
  else w.ascii(v.toString());
}

function cmp(a: Nat, b: Nat): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isSorted<T>(xs: readonly T[], order: (a: T, b: T) => number): boolean {
  for (let i = 1; i < xs.length; i++) if (order(xs[i - 1]!, xs[i]!) > 0) return false;
  return true;
}

function sortedBy<T>(xs: readonly T[], order: (a: T, b: T) => number): readonly T[] {
  return xs.length < 2 || isSorted(xs, order) ? xs : [...xs].sort(order);
}

export function writeIntList(w: W, xs: readonly Int[]): void {
  w.byte(0x5b);
  for (let i = 0; i < xs.length; i++) {
    if (i > 0) w.byte(0x2c);
    int(w, xs[i]!);
  }
  w.byte(0x5d);
}

function writeIntSet(w: W, xs: readonly Int[]): void {
  writeIntList(w, sortedBy(xs, cmp));
}

function writeActing(w: W, acting: ActingSet): void {
  w.token('{"osds":');
  writeIntList(w, acting.osds);
  w.token(',"epoch":');
  nat(w, acting.epoch);
  w.byte(0x7d);
}

const imageOrder = (a: readonly [Nat, Nat], b: readonly [Nat, Nat]): number => cmp(a[0], b[0]) || cmp(a[1], b[1]);

export function writeImage(w: W, image: ObjectImage, sorted = false): void {
  const entries = sorted ? sortedBy(image.entries, imageOrder) : image.entries;
  w.byte(0x5b);
  for (let i = 0; i < entries.length; i++) {
    w.token(i === 0 ? '{"obj":' : ',{"obj":');
    nat(w, entries[i]![0]);
    w.token(',"len":');
    nat(w, entries[i]![1]);
    w.byte(0x7d);
  }
  w.byte(0x5d);
}

type AuthEntry = AuthorityImage['entries'][number];
const authorityOrder = (a: AuthEntry, b: AuthEntry): number =>
  cmp(a[0], b[0]) || cmp(a[1].authorityOsd, b[1].authorityOsd) || cmp(a[1].authorityLength, b[1].authorityLength);

function writeAuthority(w: W, auth: AuthorityImage, sorted = false): void {
  const entries = sorted ? sortedBy(auth.entries, authorityOrder) : auth.entries;
  w.byte(0x5b);
  for (let i = 0; i < entries.length; i++) {
    const [obj, a] = entries[i]!;
    w.token(i === 0 ? '{"obj":' : ',{"obj":');
    nat(w, obj);
    w.token(',"osd":');
    int(w, a.authorityOsd);
    w.token(',"len":');
    nat(w, a.authorityLength);
    w.byte(0x7d);
  }
  w.byte(0x5d);
}

type MetaEntry = BlobMetaImage['entries'][number];
const metaOrder = (a: MetaEntry, b: MetaEntry): number =>
  cmp(a[0], b[0]) ||
  Number(a[1].sealed) - Number(b[1].sealed) ||
  (a[1].finalLen === null ? (b[1].finalLen === null ? 0 : -1) : b[1].finalLen === null ? 1 : cmp(a[1].finalLen, b[1].finalLen));

function writeBlobMeta(w: W, meta: BlobMetaImage, sorted = false): void {
  const entries = sorted ? sortedBy(meta.entries, metaOrder) : meta.entries;
  w.byte(0x5b);
  for (let i = 0; i < entries.length; i++) {
    const [obj, m] = entries[i]!;
    w.token(i === 0 ? '{"obj":' : ',{"obj":');
    nat(w, obj);
    w.token(',"sealed":');
    w.bool(m.sealed);
    if (m.finalLen !== null) {
      w.token(',"final_len":');
      nat(w, m.finalLen);
    }
    w.byte(0x7d);
  }
  w.byte(0x5d);
}

function writeRecoveries(w: W, items: readonly ObjRecovery[]): void {
  w.byte(0x5b);
  for (let i = 0; i < items.length; i++) {
    const r = items[i]!;
    w.token(i === 0 ? '{"obj":' : ',{"obj":');
    nat(w, r.obj);
    w.token(',"source":');
    int(w, r.source);
    w.token(',"from_length":');
    nat(w, r.fromLength);
    w.token(',"to_length":');
    nat(w, r.toLength);
    w.byte(0x7d);
  }
  w.byte(0x5d);
}

function writePlans(w: W, plans: readonly PeerRecoveryPlan[]): void {
  w.byte(0x5b);
  for (let i = 0; i < plans.length; i++) {
    const p = plans[i]!;
    w.token(i === 0 ? '{"target":' : ',{"target":');
    int(w, p.target);
    w.token(',"peer_committed_seq":');
    nat(w, p.peerCommittedSeq);
    w.token(',"authoritative_seq":');
    nat(w, p.authoritativeSeq);
    w.token(',"recoveries":');
    writeRecoveries(w, p.recoveries);
    w.byte(0x7d);
  }
  w.byte(0x5d);
}

function writeTargets(w: W, targets: readonly RecoveryTarget[]): void {
  w.byte(0x5b);
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i]!;
    w.token(i === 0 ? '{"osd":' : ',{"osd":');
    int(w, t.osd);
    w.token(',"peer_length":');
    nat(w, t.peerLength);
    w.token(',"authoritative_length":');
    nat(w, t.authoritativeLength);
    w.token(',"peer_committed_seq":');
    nat(w, t.peerCommittedSeq);
    w.token(',"authoritative_seq":');
    nat(w, t.authoritativeSeq);
    w.token(',"recoveries":');
    writeRecoveries(w, t.recoveries);
    w.byte(0x7d);
  }
  w.byte(0x5d);
}

/** `sorted`: inside a snapshot, where Lean normalises the image and blob metadata. */
export function writePeerInfo(w: W, info: PeerInfo, sorted = false): void {
  w.token('{"osd":');
  int(w, info.osd);
  w.token(',"committed_seq":');
  nat(w, info.committedSeq);
  w.token(',"committed_length":');
  nat(w, info.committedLength);
  w.token(',"image":');
  writeImage(w, info.image, sorted);
  w.token(',"blob_meta":');
  writeBlobMeta(w, info.blobMeta, sorted);
  w.token(',"last_epoch_started":');
  nat(w, info.lastEpochStarted);
  w.token(',"last_interval_started":');
  nat(w, info.lastIntervalStarted);
  w.byte(0x7d);
}

export function writePGInfo(w: W, info: PGInfo, sorted = false): void {
  w.token('{"pgid":');
  nat(w, info.pgid);
  w.token(',"committed_seq":');
  nat(w, info.committedSeq);
  w.token(',"committed_length":');
  nat(w, info.committedLength);
  w.token(',"image":');
  writeImage(w, info.image, sorted);
  w.token(',"blob_meta":');
  writeBlobMeta(w, info.blobMeta, sorted);
  w.token(',"last_epoch_started":');
  nat(w, info.lastEpochStarted);
  w.token(',"last_interval_started":');
  nat(w, info.lastIntervalStarted);
  w.token(',"last_epoch_clean":');
  nat(w, info.lastEpochClean);
  w.token(',"epoch_created":');
  nat(w, info.epochCreated);
  w.token(',"same_interval_since":');
  nat(w, info.sameIntervalSince);
  w.token(',"same_up_since":');
  nat(w, info.sameUpSince);
  w.token(',"same_primary_since":');
  nat(w, info.samePrimarySince);
  w.byte(0x7d);
}

function writePeerMap(w: W, peers: Snapshot['peerInfo']): void {
  w.byte(0x5b);
  for (let i = 0; i < peers.length; i++) {
    if (i > 0) w.byte(0x2c);
    writePeerInfo(w, peers[i]![1], true);
  }
  w.byte(0x5d);
}

interface SnapshotField {
  /** The key with its separator, e.g. `,"epoch":`. */
  readonly prefix: string;
  readonly read: (s: Snapshot) => unknown;
  readonly write: (w: W, v: never) => void;
}

const f = <T>(prefix: string, read: (s: Snapshot) => T, write: (w: W, v: T) => void): SnapshotField => ({ prefix, read, write: write as (w: W, v: never) => void });

/** Snapshot members in upstream's order; `recovery_targets` (ignored by Lean) is the mirror's own. */
const SNAPSHOT_FIELDS: readonly SnapshotField[] = [
  f('{"state":', (s) => s.state, (w, v: string) => {
    w.byte(0x22);
    w.token(v);
    w.byte(0x22);
  }),
  f(',"pgid":', (s) => s.pgid, nat),
  f(',"whoami":', (s) => s.whoami, int),
  f(',"epoch":', (s) => s.epoch, nat),
  f(',"acting":', (s) => s.acting, writeActing),
  f(',"up":', (s) => s.up, writeActing),
  f(',"pool_size":', (s) => s.poolSize, nat),
  f(',"pool_min_size":', (s) => s.poolMinSize, nat),
  f(',"local_info":', (s) => s.localInfo, (w, v: PGInfo) => writePGInfo(w, v, true)),
  f(',"auth_seq":', (s) => s.authSeq, nat),
  f(',"auth_image":', (s) => s.authImage, (w, v: ObjectImage) => writeImage(w, v, true)),
  f(',"auth_sources":', (s) => s.authSources, (w, v: AuthorityImage) => writeAuthority(w, v, true)),
  f(',"auth_blob_meta":', (s) => s.authBlobMeta, (w, v: BlobMetaImage) => writeBlobMeta(w, v, true)),
  f(',"peer_info":', (s) => s.peerInfo, writePeerMap),
  f(',"peers_queried":', (s) => s.peersQueried, writeIntSet),
  f(',"peers_responded":', (s) => s.peersResponded, writeIntSet),
  f(',"prior_osds":', (s) => s.priorOsds, writeIntSet),
  f(',"recovery_targets":', (s) => s, (w, v: Snapshot) => writeIntSet(w, imageRecoveryTargets(v))),
  f(',"peer_recovery_plans":', (s) => s.peerRecoveryPlans, writePlans),
  f(',"local_recovery_plan":', (s) => s.localRecoveryPlan, writeRecoveries),
  f(',"recovered":', (s) => s.recovered, writeIntSet),
  f(',"timed_out_probes":', (s) => s.timedOutProbes, writeIntSet),
  f(',"need_up_thru":', (s) => s.needUpThru, (w, v: boolean) => w.bool(v)),
  f(',"activated":', (s) => s.activated, (w, v: boolean) => w.bool(v)),
  f(',"pending_acting_change":', (s) => s.pendingActingChange, (w, v: boolean) => w.bool(v)),
  f(',"last_peering_reset":', (s) => s.lastPeeringReset, nat),
];

const RECOVERY_TARGETS = 17;

/** A snapshot in upstream's layout. */
export function writeSnapshot(w: W, s: Snapshot): void {
  for (const field of SNAPSHOT_FIELDS) {
    w.token(field.prefix);
    field.write(w, field.read(s) as never);
  }
  w.byte(0x7d);
}

/**
 * `writeSnapshot` with memory: a member whose value is the same object (or
 * primitive) as in the previous snapshot is copied from its cached bytes.
 * Model values are immutable, so identity implies the same encoding.
 */
export class LeanSnapshotEncoder {
  private readonly values: unknown[] = new Array<unknown>(SNAPSHOT_FIELDS.length).fill(undefined);
  private readonly bytes: Uint8Array[] = new Array<Uint8Array>(SNAPSHOT_FIELDS.length).fill(new Uint8Array(0));
  private readonly scratch = new ByteWriter(1 << 12);
  private primed = false;

  write(w: W, s: Snapshot): void {
    for (let i = 0; i < SNAPSHOT_FIELDS.length; i++) {
      const field = SNAPSHOT_FIELDS[i]!;
      // recovery_targets derives from several members: key it on them.
      const value = i === RECOVERY_TARGETS ? recoveryTargetInputs(s, this.values[i]) : field.read(s);
      if (!this.primed || value !== this.values[i]) {
        const x = this.scratch;
        x.reset();
        x.token(field.prefix);
        field.write(x, (i === RECOVERY_TARGETS ? s : value) as never);
        this.bytes[i] = x.view().slice();
        this.values[i] = value;
      }
      w.bytes(this.bytes[i]!);
    }
    this.primed = true;
    w.byte(0x7d);
  }
}

interface TargetInputs {
  readonly plans: Snapshot['peerRecoveryPlans'];
  readonly local: Snapshot['localRecoveryPlan'];
  readonly seq: Nat;
  readonly auth: Nat;
  readonly whoami: Int;
}

/** The previous inputs object when every input is the same, else a new one. */
function recoveryTargetInputs(s: Snapshot, previous: unknown): TargetInputs {
  const p = previous as TargetInputs | undefined;
  if (p !== undefined && p.plans === s.peerRecoveryPlans && p.local === s.localRecoveryPlan && p.seq === s.localInfo.committedSeq && p.auth === s.authSeq && p.whoami === s.whoami) {
    return p;
  }
  return { plans: s.peerRecoveryPlans, local: s.localRecoveryPlan, seq: s.localInfo.committedSeq, auth: s.authSeq, whoami: s.whoami };
}

export function writeChecks(w: W, c: InvariantChecks): void {
  w.token('{"have_enough_info":');
  w.bool(c.haveEnoughInfo);
  w.token(',"image_invariant":');
  w.bool(c.imageInvariant);
  w.token(',"image_clean":');
  w.bool(c.imageClean);
  w.token(',"image_recovering":');
  w.bool(c.imageRecovering);
  w.byte(0x7d);
}

function writeString(w: W, text: string): void {
  w.utf8(jsonString(text));
}

export function writeEvent(w: W, e: PeeringEvent): void {
  switch (e.type) {
    case 'Initialize':
      w.token('{"type":"Initialize","pgid":');
      nat(w, e.pgid);
      w.token(',"whoami":');
      int(w, e.whoami);
      w.token(',"epoch":');
      nat(w, e.epoch);
      w.token(',"acting":');
      writeActing(w, e.acting);
      w.token(',"up":');
      writeActing(w, e.up);
      w.token(',"pool_size":');
      nat(w, e.poolSize);
      w.token(',"pool_min_size":');
      nat(w, e.poolMinSize);
      w.token(',"local_info":');
      writePGInfo(w, e.localInfo);
      w.token(',"prior_osds":');
      writeIntList(w, e.priorOsds);
      break;
    case 'AdvanceMap':
      w.token('{"type":"AdvanceMap","new_epoch":');
      nat(w, e.newEpoch);
      w.token(',"new_acting":');
      writeActing(w, e.newActing);
      w.token(',"new_up":');
      writeActing(w, e.newUp);
      w.token(',"new_pool_size":');
      nat(w, e.newPoolSize);
      w.token(',"new_pool_min_size":');
      nat(w, e.newPoolMinSize);
      w.token(',"prior_osds":');
      writeIntList(w, e.priorOsds);
      break;
    case 'PeerInfoReceived':
      w.token('{"type":"PeerInfoReceived","from":');
      int(w, e.sender);
      w.token(',"info":');
      writePeerInfo(w, e.info);
      w.token(',"query_epoch":');
      nat(w, e.queryEpoch);
      break;
    case 'PeerQueryTimeout':
      w.token('{"type":"PeerQueryTimeout","peer":');
      int(w, e.peer);
      break;
    case 'UpThruUpdated':
      w.token('{"type":"UpThruUpdated","epoch":');
      nat(w, e.epoch);
      break;
    case 'RecoveryComplete':
      w.token('{"type":"RecoveryComplete","peer":');
      int(w, e.peer);
      w.token(',"epoch":');
      nat(w, e.epoch);
      break;
    case 'AllReplicasRecovered':
      w.token('{"type":"AllReplicasRecovered","epoch":');
      nat(w, e.epoch);
      w.token(',"peers":');
      writeIntList(w, e.peers);
      break;
    case 'ReplicaActivate':
      w.token('{"type":"ReplicaActivate","from":');
      int(w, e.sender);
      w.token(',"auth_info":');
      writePeerInfo(w, e.authInfo);
      w.token(',"auth_sources":');
      writeAuthority(w, e.authSources);
      w.token(',"auth_blob_meta":');
      writeBlobMeta(w, e.authBlobMeta);
      w.token(',"authoritative_seq":');
      nat(w, e.authoritativeSeq);
      w.token(',"activation_epoch":');
      nat(w, e.activationEpoch);
      break;
    case 'ReplicaRecoveryComplete':
      w.token('{"type":"ReplicaRecoveryComplete","new_committed_seq":');
      nat(w, e.newCommittedSeq);
      w.token(',"new_committed_length":');
      nat(w, e.newCommittedLength);
      w.token(',"recovered_image":');
      writeImage(w, e.recoveredImage);
      w.token(',"activation_epoch":');
      nat(w, e.activationEpoch);
      break;
    case 'ActivateCommitted':
    case 'DeleteStart':
    case 'DeleteComplete':
      w.token('{"type":"');
      w.token(e.type);
      w.byte(0x22);
      break;
  }
  w.byte(0x7d);
}

export function writeEffect(w: W, f: PeeringEffect): void {
  switch (f.type) {
    case 'SendQuery':
      w.token('{"type":"SendQuery","target":');
      int(w, f.target);
      w.token(',"pgid":');
      nat(w, f.pgid);
      w.token(',"epoch":');
      nat(w, f.epoch);
      break;
    case 'SendNotify':
      w.token('{"type":"SendNotify","target":');
      int(w, f.target);
      w.token(',"pgid":');
      nat(w, f.pgid);
      w.token(',"info":');
      writePeerInfo(w, f.info);
      w.token(',"epoch":');
      nat(w, f.epoch);
      break;
    case 'SendActivate':
      w.token('{"type":"SendActivate","target":');
      int(w, f.target);
      w.token(',"pgid":');
      nat(w, f.pgid);
      w.token(',"auth_info":');
      writePeerInfo(w, f.authInfo);
      w.token(',"auth_sources":');
      writeAuthority(w, f.authSources);
      w.token(',"auth_blob_meta":');
      writeBlobMeta(w, f.authBlobMeta);
      w.token(',"authoritative_seq":');
      nat(w, f.authoritativeSeq);
      w.token(',"activation_epoch":');
      nat(w, f.activationEpoch);
      break;
    case 'ActivatePG':
      w.token('{"type":"ActivatePG","pgid":');
      nat(w, f.pgid);
      w.token(',"authoritative_seq":');
      nat(w, f.authoritativeSeq);
      w.token(',"authoritative_length":');
      nat(w, f.authoritativeLength);
      w.token(',"authoritative_image":');
      writeImage(w, f.authoritativeImage);
      w.token(',"authoritative_blob_meta":');
      writeBlobMeta(w, f.authoritativeBlobMeta);
      w.token(',"activation_epoch":');
      nat(w, f.activationEpoch);
      break;
    case 'ScheduleRecovery':
      w.token('{"type":"ScheduleRecovery","pgid":');
      nat(w, f.pgid);
      w.token(',"targets":');
      writeTargets(w, f.targets);
      break;
    case 'PersistState':
      w.token('{"type":"PersistState","pgid":');
      nat(w, f.pgid);
      w.token(',"info":');
      writePGInfo(w, f.info);
      break;
    case 'RequestUpThru':
      w.token('{"type":"RequestUpThru","epoch":');
      nat(w, f.epoch);
      break;
    case 'RequestActingChange':
      w.token('{"type":"RequestActingChange","pgid":');
      nat(w, f.pgid);
      w.token(',"want_acting":');
      writeIntList(w, f.wantActing);
      break;
    case 'UpdateHeartbeats':
      w.token('{"type":"UpdateHeartbeats","peers":');
      writeIntList(w, f.peers);
      break;
    case 'PublishStats':
      w.token('{"type":"PublishStats","pgid":');
      nat(w, f.pgid);
      w.token(',"state":"');
      w.token(f.state);
      w.token('","committed_seq":');
      nat(w, f.committedSeq);
      w.token(',"authoritative_seq":');
      nat(w, f.authoritativeSeq);
      w.token(',"committed_length":');
      nat(w, f.committedLength);
      w.token(',"image":');
      writeImage(w, f.image);
      w.token(',"authoritative_image":');
      writeImage(w, f.authoritativeImage);
      w.token(',"authoritative_blob_meta":');
      writeBlobMeta(w, f.authoritativeBlobMeta);
      w.token(',"acting_size":');
      nat(w, f.actingSize);
      w.token(',"up_size":');
      nat(w, f.upSize);
      break;
    case 'LogTransition':
      w.token('{"type":"LogTransition","pgid":');
      nat(w, f.pgid);
      w.token(',"from":"');
      w.token(f.fromState);
      w.token('","to":"');
      w.token(f.toState);
      w.token('","reason":');
      writeString(w, f.reason);
      break;
    case 'DeactivatePG':
    case 'CancelRecovery':
    case 'MarkClean':
    case 'DeletePG':
      w.token('{"type":"');
      w.token(f.type);
      w.token('","pgid":');
      nat(w, f.pgid);
      break;
  }
  w.byte(0x7d);
}

export function writeEffects(w: W, effects: readonly PeeringEffect[]): void {
  w.byte(0x5b);
  for (let i = 0; i < effects.length; i++) {
    if (i > 0) w.byte(0x2c);
    writeEffect(w, effects[i]!);
  }
  w.byte(0x5d);
}
