/**
 * Trace JSON encoding with upstream's exact bytes: fixed key order, compact
 * separators, integers in decimal, `final_len` omitted when absent.
 *
 * Images and sets become arrays in key order; `PeerInfo`/`PGInfo` are
 * normalised first so `image` and `committed_length` always agree. Encoders
 * write into a `ByteWriter`; the `encode*` wrappers return strings.
 */
import {
  effectiveImage,
  normalizedPeerInfo,
  normalizedPGInfo,
  type ActingSet,
  type AuthorityImage,
  type BlobMetaImage,
  type ObjectImage,
  type ObjRecovery,
  type OsdId,
  type PeerInfo,
  type PeerInfoMap,
  type PeeringEffect,
  type PeeringEvent,
  type PeerRecoveryPlan,
  type PGInfo,
  type RecoveryTarget,
  type Snapshot,
  type SnapshotChecks,
  type U64,
} from '../../reducer/index.js';
import { ByteWriter } from './byte-writer.js';

type W = ByteWriter;

/**
 * The bytes of the last value encoded through it, kept by identity: values
 * are immutable, so the same object always encodes the same way.
 */
class LastEncoding<T> {
  private value: T | undefined;
  private readonly writer = new ByteWriter(512);
  private bytes: Uint8Array = new Uint8Array(0);

  constructor(private readonly encode: (w: W, value: T) => void) {}

  write(w: W, value: T): void {
    if (value !== this.value) {
      this.writer.reset();
      this.encode(this.writer, value);
      // A copy, never overwritten: `w.bytes` may flush to a consumer that
      // encodes through this same instance before the copy below is made.
      this.bytes = this.writer.view().slice();
      this.value = value;
    }
    w.bytes(this.bytes);
  }
}

/** JSON string literal; escapes like glaze (short forms, else \u00XX). */
export function jsonString(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/["\\\u0000-\u001f]/.test(text)) return `"${text}"`;
  let out = '"';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** ASCII text that JSON needs no escapes for (the usual case: reasons). */
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7f]*$/;

function writeString(w: W, text: string): void {
  if (PLAIN_ASCII.test(text)) {
    w.byte(0x22);
    w.ascii(text);
    w.byte(0x22);
    return;
  }
  const quoted = jsonString(text);
  // eslint-disable-next-line no-control-regex
  if (/^[\u0000-\u007f]*$/.test(quoted)) w.ascii(quoted);
  else w.utf8(quoted);
}

export function writeOsdList(w: W, osds: readonly OsdId[]): void {
  w.byte(0x5b);
  for (let i = 0; i < osds.length; i++) {
    if (i > 0) w.byte(0x2c);
    w.int(osds[i]!);
  }
  w.byte(0x5d);
}

// Events and snapshots carry the same acting set as `acting` and `up`.
const lastActing = new LastEncoding(encodeActing);

function writeActing(w: W, acting: ActingSet): void {
  lastActing.write(w, acting);
}

function encodeActing(w: W, acting: ActingSet): void {
  w.token('{"osds":');
  writeOsdList(w, acting.osds);
  w.token(',"epoch":');
  w.uint(acting.epoch);
  w.byte(0x7d);
}

export function writeImage(w: W, image: ObjectImage): void {
  w.byte(0x5b);
  for (let i = 0; i < image.length; i++) {
    const entry = image[i]!;
    w.token(i === 0 ? '{"obj":' : ',{"obj":');
    w.u64(entry[0]);
    w.token(',"len":');
    w.u64(entry[1]);
    w.byte(0x7d);
  }
  w.byte(0x5d);
}

export function writeAuthority(w: W, auth: AuthorityImage): void {
  w.byte(0x5b);
  for (let i = 0; i < auth.length; i++) {
    const item = auth[i]![1];
    w.token(i === 0 ? '{"obj":' : ',{"obj":');
    w.u64(auth[i]![0]);
    w.token(',"osd":');
    w.int(item.osd);
    w.token(',"len":');
    w.u64(item.length);
    w.byte(0x7d);
  }
  w.byte(0x5d);
}

function writeBlobMeta(w: W, meta: BlobMetaImage): void {
  w.byte(0x5b);
  for (let i = 0; i < meta.length; i++) {
    const item = meta[i]![1];
    w.token(i === 0 ? '{"obj":' : ',{"obj":');
    w.u64(meta[i]![0]);
    w.token(',"sealed":');
    w.bool(item.sealed);
    if (item.finalLen !== undefined) {
      w.token(',"final_len":');
      w.u64(item.finalLen);
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
    w.u64(r.obj);
    w.token(',"source":');
    w.int(r.source);
    w.token(',"from_length":');
    w.u64(r.fromLength);
    w.token(',"to_length":');
    w.u64(r.toLength);
    w.byte(0x7d);
  }
  w.byte(0x5d);
}

function writePlans(w: W, plans: readonly PeerRecoveryPlan[]): void {
  w.byte(0x5b);
  for (let i = 0; i < plans.length; i++) {
    const p = plans[i]!;
    w.token(i === 0 ? '{"target":' : ',{"target":');
    w.int(p.target);
    w.token(',"peer_committed_seq":');
    w.u64(p.peerCommittedSeq);
    w.token(',"authoritative_seq":');
    w.u64(p.authoritativeSeq);
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
    w.int(t.osd);
    w.token(',"peer_length":');
    w.u64(t.peerLength);
    w.token(',"authoritative_length":');
    w.u64(t.authoritativeLength);
    w.token(',"peer_committed_seq":');
    w.u64(t.peerCommittedSeq);
    w.token(',"authoritative_seq":');
    w.u64(t.authoritativeSeq);
    w.token(',"recoveries":');
    writeRecoveries(w, t.recoveries);
    w.byte(0x7d);
  }
  w.byte(0x5d);
}

/** `osd` overrides the info's own id (the map key wins in peer maps). */
export function writePeerInfo(w: W, raw: PeerInfo, osd: OsdId = raw.osd): void {
  const info = normalizedPeerInfo(raw);
  w.token('{"osd":');
  w.int(osd);
  w.token(',"committed_seq":');
  w.u64(info.committedSeq);
  w.token(',"committed_length":');
  w.u64(info.committedLength);
  w.token(',"image":');
  writeImage(w, effectiveImage(info));
  w.token(',"blob_meta":');
  writeBlobMeta(w, info.blobMeta);
  w.token(',"last_epoch_started":');
  w.uint(info.lastEpochStarted);
  w.token(',"last_interval_started":');
  w.uint(info.lastIntervalStarted);
  w.byte(0x7d);
}

// Most steps persist the same local info object as the step before.
const lastPGInfo = new LastEncoding(encodePGInfo);

export function writePGInfo(w: W, raw: PGInfo): void {
  lastPGInfo.write(w, raw);
}

function encodePGInfo(w: W, raw: PGInfo): void {
  const info = normalizedPGInfo(raw);
  w.token('{"pgid":');
  w.u64(info.pgid);
  w.token(',"committed_seq":');
  w.u64(info.committedSeq);
  w.token(',"committed_length":');
  w.u64(info.committedLength);
  w.token(',"image":');
  writeImage(w, info.image);
  w.token(',"blob_meta":');
  writeBlobMeta(w, info.blobMeta);
  w.token(',"last_epoch_started":');
  w.uint(info.lastEpochStarted);
  w.token(',"last_interval_started":');
  w.uint(info.lastIntervalStarted);
  w.token(',"last_epoch_clean":');
  w.uint(info.lastEpochClean);
  w.token(',"epoch_created":');
  w.uint(info.epochCreated);
  w.token(',"same_interval_since":');
  w.uint(info.sameIntervalSince);
  w.token(',"same_up_since":');
  w.uint(info.sameUpSince);
  w.token(',"same_primary_since":');
  w.uint(info.samePrimarySince);
  w.byte(0x7d);
}

/** One top-level snapshot field: its key (with separator) and value. */
export interface SnapshotField {
  readonly key: keyof Snapshot;
  readonly write: (w: W, s: Snapshot) => void;
}

/**
 * A snapshot field with a reader of its own. A shared `s[key]` load sees every
 * key and goes megamorphic; one small reader per field keeps each load
 * monomorphic (this runs for every field of every snapshot).
 */
export interface SnapshotFieldCodec extends SnapshotField {
  readonly read: (s: Snapshot) => unknown;
  /** Writes the field (key and value) given the value `read` returned. */
  readonly writeValue: (w: W, value: unknown) => void;
}

function field<K extends keyof Snapshot>(
  key: K,
  prefix: string,
  read: (s: Snapshot) => Snapshot[K],
  value: (w: W, v: Snapshot[K]) => void,
): SnapshotFieldCodec {
  const writeValue = (w: W, v: unknown): void => {
    w.token(prefix);
    value(w, v as Snapshot[K]);
  };
  return { key, read, writeValue, write: (w, s) => writeValue(w, read(s)) };
}

const uintValue = (w: W, v: number): void => w.uint(v);
const intValue = (w: W, v: number): void => w.int(v);
const u64Value = (w: W, v: U64): void => w.u64(v);
const boolValue = (w: W, v: boolean): void => w.bool(v);

function writePeerMap(w: W, peers: PeerInfoMap): void {
  w.byte(0x5b);
  for (let i = 0; i < peers.length; i++) {
    if (i > 0) w.byte(0x2c);
    writePeerInfo(w, peers[i]![1], peers[i]![0]);
  }
  w.byte(0x5d);
}

/** Snapshot fields in upstream order; the closing brace is written separately. */
export const SNAPSHOT_FIELD_CODECS: readonly SnapshotFieldCodec[] = [
  field('state', '{"state":', (s) => s.state, (w, v) => {
    w.byte(0x22);
    w.token(v);
    w.byte(0x22);
  }),
  field('pgid', ',"pgid":', (s) => s.pgid, u64Value),
  field('whoami', ',"whoami":', (s) => s.whoami, intValue),
  field('epoch', ',"epoch":', (s) => s.epoch, uintValue),
  field('acting', ',"acting":', (s) => s.acting, writeActing),
  field('up', ',"up":', (s) => s.up, writeActing),
  field('poolSize', ',"pool_size":', (s) => s.poolSize, intValue),
  field('poolMinSize', ',"pool_min_size":', (s) => s.poolMinSize, intValue),
  field('localInfo', ',"local_info":', (s) => s.localInfo, writePGInfo),
  field('authSeq', ',"auth_seq":', (s) => s.authSeq, u64Value),
  field('authImage', ',"auth_image":', (s) => s.authImage, writeImage),
  field('authSources', ',"auth_sources":', (s) => s.authSources, writeAuthority),
  field('authBlobMeta', ',"auth_blob_meta":', (s) => s.authBlobMeta, writeBlobMeta),
  field('peerInfo', ',"peer_info":', (s) => s.peerInfo, writePeerMap),
  field('peersQueried', ',"peers_queried":', (s) => s.peersQueried, writeOsdList),
  field('peersResponded', ',"peers_responded":', (s) => s.peersResponded, writeOsdList),
  field('priorOsds', ',"prior_osds":', (s) => s.priorOsds, writeOsdList),
  field('recoveryTargets', ',"recovery_targets":', (s) => s.recoveryTargets, writeOsdList),
  field('peerRecoveryPlans', ',"peer_recovery_plans":', (s) => s.peerRecoveryPlans, writePlans),
  field('localRecoveryPlan', ',"local_recovery_plan":', (s) => s.localRecoveryPlan, writeRecoveries),
  field('recovered', ',"recovered":', (s) => s.recovered, writeOsdList),
  field('timedOutProbes', ',"timed_out_probes":', (s) => s.timedOutProbes, writeOsdList),
  field('needUpThru', ',"need_up_thru":', (s) => s.needUpThru, boolValue),
  field('activated', ',"activated":', (s) => s.activated, boolValue),
  field('pendingActingChange', ',"pending_acting_change":', (s) => s.pendingActingChange, boolValue),
  field('lastPeeringReset', ',"last_peering_reset":', (s) => s.lastPeeringReset, uintValue),
];

export const SNAPSHOT_FIELDS: readonly SnapshotField[] = SNAPSHOT_FIELD_CODECS;

export function writeSnapshot(w: W, s: Snapshot): void {
  for (const f of SNAPSHOT_FIELDS) f.write(w, s);
  w.byte(0x7d);
}

export function writeChecks(w: W, c: SnapshotChecks): void {
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

export function writeEvent(w: W, e: PeeringEvent): void {
  // Each case writes the type together with its first key, as one token.
  switch (e.type) {
    case 'Initialize':
      w.token('{"type":"Initialize","pgid":');
      w.u64(e.pgid);
      w.token(',"whoami":');
      w.int(e.whoami);
      w.token(',"epoch":');
      w.uint(e.epoch);
      w.token(',"acting":');
      writeActing(w, e.acting);
      w.token(',"up":');
      writeActing(w, e.up);
      w.token(',"pool_size":');
      w.int(e.poolSize);
      w.token(',"pool_min_size":');
      w.int(e.poolMinSize);
      w.token(',"local_info":');
      writePGInfo(w, e.localInfo);
      w.token(',"prior_osds":');
      writeOsdList(w, e.priorOsds);
      break;
    case 'AdvanceMap':
      w.token('{"type":"AdvanceMap","new_epoch":');
      w.uint(e.newEpoch);
      w.token(',"new_acting":');
      writeActing(w, e.newActing);
      w.token(',"new_up":');
      writeActing(w, e.newUp);
      w.token(',"new_pool_size":');
      w.int(e.newPoolSize);
      w.token(',"new_pool_min_size":');
      w.int(e.newPoolMinSize);
      w.token(',"prior_osds":');
      writeOsdList(w, e.priorOsds);
      break;
    case 'PeerInfoReceived':
      w.token('{"type":"PeerInfoReceived","from":');
      w.int(e.from);
      w.token(',"info":');
      writePeerInfo(w, e.info);
      w.token(',"query_epoch":');
      w.uint(e.queryEpoch);
      break;
    case 'PeerQueryTimeout':
      w.token('{"type":"PeerQueryTimeout","peer":');
      w.int(e.peer);
      break;
    case 'UpThruUpdated':
      w.token('{"type":"UpThruUpdated","epoch":');
      w.uint(e.epoch);
      break;
    case 'RecoveryComplete':
      w.token('{"type":"RecoveryComplete","peer":');
      w.int(e.peer);
      w.token(',"epoch":');
      w.uint(e.epoch);
      break;
    case 'AllReplicasRecovered':
      w.token('{"type":"AllReplicasRecovered","epoch":');
      w.uint(e.epoch);
      w.token(',"peers":');
      writeOsdList(w, e.peers);
      break;
    case 'ReplicaActivate':
      w.token('{"type":"ReplicaActivate","from":');
      w.int(e.from);
      w.token(',"auth_info":');
      writePeerInfo(w, e.authInfo);
      w.token(',"auth_sources":');
      writeAuthority(w, e.authSources);
      w.token(',"auth_blob_meta":');
      writeBlobMeta(w, e.authBlobMeta);
      w.token(',"authoritative_seq":');
      w.u64(e.authoritativeSeq);
      w.token(',"activation_epoch":');
      w.uint(e.activationEpoch);
      break;
    case 'ReplicaRecoveryComplete':
      w.token('{"type":"ReplicaRecoveryComplete","new_committed_seq":');
      w.u64(e.newCommittedSeq);
      w.token(',"new_committed_length":');
      w.u64(e.newCommittedLength);
      w.token(',"recovered_image":');
      writeImage(w, e.recoveredImage);
      w.token(',"activation_epoch":');
      w.uint(e.activationEpoch);
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
  // Each case writes the type together with its first key, as one token.
  switch (f.type) {
    case 'SendQuery':
      w.token('{"type":"SendQuery","target":');
      w.int(f.target);
      w.token(',"pgid":');
      w.u64(f.pgid);
      w.token(',"epoch":');
      w.uint(f.epoch);
      break;
    case 'SendNotify':
      w.token('{"type":"SendNotify","target":');
      w.int(f.target);
      w.token(',"pgid":');
      w.u64(f.pgid);
      w.token(',"info":');
      writePeerInfo(w, f.info);
      w.token(',"epoch":');
      w.uint(f.epoch);
      break;
    case 'SendActivate':
      w.token('{"type":"SendActivate","target":');
      w.int(f.target);
      w.token(',"pgid":');
      w.u64(f.pgid);
      w.token(',"auth_info":');
      writePeerInfo(w, f.authInfo);
      w.token(',"auth_sources":');
      writeAuthority(w, f.authSources);
      w.token(',"auth_blob_meta":');
      writeBlobMeta(w, f.authBlobMeta);
      w.token(',"authoritative_seq":');
      w.u64(f.authoritativeSeq);
      w.token(',"activation_epoch":');
      w.uint(f.activationEpoch);
      break;
    case 'ActivatePG':
      w.token('{"type":"ActivatePG","pgid":');
      w.u64(f.pgid);
      w.token(',"authoritative_seq":');
      w.u64(f.authoritativeSeq);
      w.token(',"authoritative_length":');
      w.u64(f.authoritativeLength);
      w.token(',"authoritative_image":');
      writeImage(w, f.authoritativeImage);
      w.token(',"authoritative_blob_meta":');
      writeBlobMeta(w, f.authoritativeBlobMeta);
      w.token(',"activation_epoch":');
      w.uint(f.activationEpoch);
      break;
    case 'ScheduleRecovery':
      w.token('{"type":"ScheduleRecovery","pgid":');
      w.u64(f.pgid);
      w.token(',"targets":');
      writeTargets(w, f.targets);
      break;
    case 'PersistState':
      w.token('{"type":"PersistState","pgid":');
      w.u64(f.pgid);
      w.token(',"info":');
      writePGInfo(w, f.info);
      break;
    case 'RequestUpThru':
      w.token('{"type":"RequestUpThru","epoch":');
      w.uint(f.epoch);
      break;
    case 'RequestActingChange':
      w.token('{"type":"RequestActingChange","pgid":');
      w.u64(f.pgid);
      w.token(',"want_acting":');
      writeOsdList(w, f.wantActing);
      break;
    case 'UpdateHeartbeats':
      w.token('{"type":"UpdateHeartbeats","peers":');
      writeOsdList(w, f.peers);
      break;
    case 'PublishStats':
      w.token('{"type":"PublishStats","pgid":');
      w.u64(f.pgid);
      w.token(',"state":"');
      w.token(f.state);
      w.token('","committed_seq":');
      w.u64(f.committedSeq);
      w.token(',"authoritative_seq":');
      w.u64(f.authoritativeSeq);
      w.token(',"committed_length":');
      w.u64(f.committedLength);
      w.token(',"image":');
      writeImage(w, f.image);
      w.token(',"authoritative_image":');
      writeImage(w, f.authoritativeImage);
      w.token(',"authoritative_blob_meta":');
      writeBlobMeta(w, f.authoritativeBlobMeta);
      w.token(',"acting_size":');
      w.int(f.actingSize);
      w.token(',"up_size":');
      w.int(f.upSize);
      break;
    case 'LogTransition':
      w.token('{"type":"LogTransition","pgid":');
      w.u64(f.pgid);
      w.token(',"from":"');
      w.token(f.from);
      w.token('","to":"');
      w.token(f.to);
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
      w.u64(f.pgid);
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

/** The trailing summary line, with newline. */
export function writeSummaryLine(w: W, seed: bigint, events: number): void {
  w.ascii(`{"kind":"summary","seed":${seed},"events":${events}}\n`);
}

function toText<T>(write: (w: W, value: T) => void, value: T): string {
  const w = new ByteWriter(1024);
  write(w, value);
  return w.text();
}

export const encodeSnapshot = (s: Snapshot): string => toText(writeSnapshot, s);
export const encodeChecks = (c: SnapshotChecks): string => toText(writeChecks, c);
export const encodeEffect = (f: PeeringEffect): string => toText(writeEffect, f);
export const encodeEffects = (f: readonly PeeringEffect[]): string => toText(writeEffects, f);
