/**
 * Mirror of upstream `Peering/Replay.lean` (and the `main` of
 * `PeeringReplay.lean`): how Lean's `peering-replay` reads a trace line,
 * normalises snapshots and compares a replayed step with the recorded one.
 *
 * - Lines are split on "\n" and trimmed of ASCII whitespace; blank lines and
 *   lines not starting with "{" are skipped; every other line must parse.
 * - Only the members named below are read; anything else is ignored.
 * - Sets and images are normalised by sorting on Lean's printed form
 *   (`reprStr`), so OSD 10 sorts before OSD 2 and object 10 before object 2.
 *   The replay cursor carries the normalised snapshot into the next step.
 * - Snapshots are compared after normalisation, effects as multisets.
 */
import { computeInvariantChecks, type InvariantChecks } from './Invariants.js';
import {
  LeanJsonError,
  asArray,
  asBool,
  asInt,
  asNat,
  asNatUnbuilt,
  asString,
  getObjVal,
  getObjValD,
  parseLeanJson,
  type LeanJson,
  type ShiftedNumber,
} from './LeanJson.js';
import { listMap } from './Image.js';
import { insertPeerInfo, step, emptySnapshot, withSnapshot, type PeerInfoMap, type Snapshot, type SnapshotStepResult } from './Machine.js';
import { withPeerInfo, withPGInfo } from './Types.js';
import type {
  ActingSet,
  AuthorityImage,
  BlobMeta,
  BlobMetaImage,
  Int,
  Nat,
  ObjectImage,
  ObjRecovery,
  OsdId,
  PeerInfo,
  PeeringEffect,
  PeeringEvent,
  PeerRecoveryPlan,
  PGInfo,
  RecoveryTarget,
  State,
} from './Types.js';

export type SnapshotChecks = InvariantChecks;

/** A natural as Lean's reader accepts it, built only if it is small (LeanJson.ts `asNatUnbuilt`). */
export type UnbuiltNat = Nat | ShiftedNumber;

export interface ReplayStep {
  /** Lean reads it and never uses it: a huge one stays unbuilt. */
  readonly step: UnbuiltNat;
  readonly fromState: State;
  readonly toState: State;
  readonly event: PeeringEvent;
  readonly before: Snapshot;
  readonly beforeChecks: SnapshotChecks;
  readonly after: Snapshot;
  readonly afterChecks: SnapshotChecks;
  readonly effects: readonly PeeringEffect[];
}

export interface ReplaySummary {
  readonly seed: UnbuiltNat;
  readonly events: UnbuiltNat;
}

export type ReplayLine = { readonly kind: 'step'; readonly line: ReplayStep } | { readonly kind: 'summary'; readonly line: ReplaySummary };

/** Thrown for anything Lean's parser rejects. */
export class ReplayParseError extends Error {}

// ── Normalisation by printed form ────────────────────────────────────────

/** Lean's `reprStr` of an integer at precedence 0. */
export function reprInt(n: Int): string {
  return String(n);
}

function reprOption(n: Nat | null): string {
  return n === null ? 'none' : `some ${String(n)}`;
}

export function reprImageEntry(e: readonly [Nat, Nat]): string {
  return `(${String(e[0])}, ${String(e[1])})`;
}

export function reprAuthorityEntry(e: AuthorityImage['entries'][number]): string {
  return `(${String(e[0])}, { authorityOsd := ${String(e[1].authorityOsd)}, authorityLength := ${String(e[1].authorityLength)} })`;
}

export function reprBlobMetaEntry(e: readonly [Nat, BlobMeta]): string {
  return `(${String(e[0])}, { sealed := ${e[1].sealed ? 'true' : 'false'}, finalLen := ${reprOption(e[1].finalLen)} })`;
}

/** Code-point order, as Lean's `String` `≤` (differs from UTF-16 order only past U+FFFF). */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** `normalizeByRepr`: an insertion sort on printed forms; equal forms are equal values. */
export function normalizeByRepr<T>(items: readonly T[], repr: (item: T) => string): readonly T[] {
  if (items.length < 2) return items;
  const keyed = listMap(items, (item) => ({ item, key: repr(item) }));
  let sorted = true;
  for (let i = 1; i < keyed.length && sorted; i++) if (compareStrings(keyed[i - 1]!.key, keyed[i]!.key) > 0) sorted = false;
  if (sorted) return items;
  keyed.sort((a, b) => compareStrings(a.key, b.key));
  return listMap(keyed, (k) => k.item);
}

const SMALL_LIMIT = 10_000_000;

function digits(n: number): number {
  let d = 1;
  for (let v = n; v >= 10; v = Math.floor(v / 10)) d++;
  return d;
}

/**
 * Order of the printed forms of two integers, without printing them when
 * they are small: "-" sorts before digits, and among digit strings a
 * proper prefix sorts first (in every printed form used here the next
 * character, ",", " " or ")", sorts before the digits).
 */
export function compareReprInt(a: number | bigint, b: number | bigint): number {
  if (a === b) return 0;
  if (typeof a === 'number' && typeof b === 'number' && a > -SMALL_LIMIT && a < SMALL_LIMIT && b > -SMALL_LIMIT && b < SMALL_LIMIT) {
    if ((a < 0) !== (b < 0)) return a < 0 ? -1 : 1;
    const x = Math.abs(a);
    const y = Math.abs(b);
    const dx = digits(x);
    const dy = digits(y);
    const sx = x * 10 ** (Math.max(dx, dy) - dx);
    const sy = y * 10 ** (Math.max(dx, dy) - dy);
    if (sx !== sy) return sx < sy ? -1 : 1;
    return dx - dy;
  }
  return compareStrings(String(a), String(b));
}

/** Insertion sort by a comparator equivalent to comparing printed forms; untouched when sorted. */
export function normalizeBy<T>(items: readonly T[], compare: (a: T, b: T) => number): readonly T[] {
  if (items.length < 2) return items;
  let sorted = true;
  for (let i = 1; i < items.length && sorted; i++) if (compare(items[i - 1]!, items[i]!) > 0) sorted = false;
  return sorted ? items : [...items].sort(compare);
}

const compareImageEntry = (a: readonly [Nat, Nat], b: readonly [Nat, Nat]): number => compareReprInt(a[0], b[0]) || compareReprInt(a[1], b[1]);

const compareAuthorityEntry = (a: AuthorityImage['entries'][number], b: AuthorityImage['entries'][number]): number =>
  compareReprInt(a[0], b[0]) || compareReprInt(a[1].authorityOsd, b[1].authorityOsd) || compareReprInt(a[1].authorityLength, b[1].authorityLength);

const compareBlobMetaEntry = (a: readonly [Nat, BlobMeta], b: readonly [Nat, BlobMeta]): number =>
  compareReprInt(a[0], b[0]) ||
  Number(a[1].sealed) - Number(b[1].sealed) ||
  (a[1].finalLen === null ? (b[1].finalLen === null ? 0 : -1) : b[1].finalLen === null ? 1 : compareReprInt(a[1].finalLen, b[1].finalLen));

function normalizeOsds(osds: readonly OsdId[]): readonly OsdId[] {
  return normalizeBy(osds, compareReprInt);
}

export function normalizeObjectImage(image: ObjectImage): ObjectImage {
  const entries = normalizeBy(image.entries, compareImageEntry);
  return entries === image.entries ? image : { entries };
}

export function normalizeAuthorityImage(auth: AuthorityImage): AuthorityImage {
  const entries = normalizeBy(auth.entries, compareAuthorityEntry);
  return entries === auth.entries ? auth : { entries };
}

export function normalizeBlobMetaImage(meta: BlobMetaImage): BlobMetaImage {
  const entries = normalizeBy(meta.entries, compareBlobMetaEntry);
  return entries === meta.entries ? meta : { entries };
}

export function normalizePeerInfo(info: PeerInfo): PeerInfo {
  const image = normalizeObjectImage(info.image);
  const blobMeta = normalizeBlobMetaImage(info.blobMeta);
  return image === info.image && blobMeta === info.blobMeta ? info : withPeerInfo(info, { image, blobMeta });
}

export function normalizePGInfoReplay(info: PGInfo): PGInfo {
  const image = normalizeObjectImage(info.image);
  const blobMeta = normalizeBlobMetaImage(info.blobMeta);
  return image === info.image && blobMeta === info.blobMeta ? info : withPGInfo(info, { image, blobMeta });
}

export function normalizePeerInfoMapReplay(entries: PeerInfoMap): PeerInfoMap {
  let changed = false;
  const out = listMap(entries, (entry) => {
    const info = normalizePeerInfo(entry[1]);
    if (info === entry[1]) return entry;
    changed = true;
    return [entry[0], info] as const;
  });
  return changed ? out : entries;
}

/** Sorts every set-like list; acting/up, plans and recoveries keep their order. */
export function normalizeSnapshot(snap: Snapshot): Snapshot {
  const localInfo = normalizePGInfoReplay(snap.localInfo);
  const authImage = normalizeObjectImage(snap.authImage);
  const authSources = normalizeAuthorityImage(snap.authSources);
  const authBlobMeta = normalizeBlobMetaImage(snap.authBlobMeta);
  const peerInfo = normalizePeerInfoMapReplay(snap.peerInfo);
  const peersQueried = normalizeOsds(snap.peersQueried);
  const peersResponded = normalizeOsds(snap.peersResponded);
  const priorOsds = normalizeOsds(snap.priorOsds);
  const recovered = normalizeOsds(snap.recovered);
  const timedOutProbes = normalizeOsds(snap.timedOutProbes);
  if (
    localInfo === snap.localInfo &&
    authImage === snap.authImage &&
    authSources === snap.authSources &&
    authBlobMeta === snap.authBlobMeta &&
    peerInfo === snap.peerInfo &&
    peersQueried === snap.peersQueried &&
    peersResponded === snap.peersResponded &&
    priorOsds === snap.priorOsds &&
    recovered === snap.recovered &&
    timedOutProbes === snap.timedOutProbes
  ) {
    return snap;
  }
  return withSnapshot(snap, { localInfo, authImage, authSources, authBlobMeta, peerInfo, peersQueried, peersResponded, priorOsds, recovered, timedOutProbes });
}

export function computeSnapshotChecks(snap: Snapshot): SnapshotChecks {
  return computeInvariantChecks(snap);
}

// ── Parsing ──────────────────────────────────────────────────────────────

const STATES: ReadonlySet<string> = new Set([
  'Initial',
  'Reset',
  'GetPeerInfo',
  'WaitUpThru',
  'Active',
  'Recovering',
  'Clean',
  'Stray',
  'ReplicaActive',
  'Down',
  'Incomplete',
  'Deleting',
]);

export function parseStateName(name: string): State {
  if (!STATES.has(name)) throw new ReplayParseError(`unknown state name: ${name}`);
  return name as State;
}

const nat = (j: LeanJson, key: string): Nat => asNat(getObjValD(j, key), key);
const unbuiltNat = (j: LeanJson, key: string): UnbuiltNat => asNatUnbuilt(getObjValD(j, key), key);
const int = (j: LeanJson, key: string): Int => asInt(getObjValD(j, key), key);
const bool = (j: LeanJson, key: string): boolean => asBool(getObjValD(j, key), key);
const str = (j: LeanJson, key: string): string => asString(getObjValD(j, key), key);
const state = (j: LeanJson, key: string): State => parseStateName(str(j, key));

export function parseList<T>(json: LeanJson, f: (item: LeanJson) => T): T[] {
  return listMap(asArray(json, 'list'), f);
}

function osdList(j: LeanJson, key: string): OsdId[] {
  return listMap(asArray(getObjValD(j, key), key), (item) => asInt(item, key));
}

export function parseObjectImage(json: LeanJson): ObjectImage {
  return { entries: parseList(json, (item) => [nat(item, 'obj'), nat(item, 'len')] as const) };
}

export function parseAuthorityImage(json: LeanJson): AuthorityImage {
  return {
    entries: parseList(json, (item) => [nat(item, 'obj'), { authorityOsd: int(item, 'osd'), authorityLength: nat(item, 'len') }] as const),
  };
}

/** `final_len` is `Option`: absent or null is `none`. */
export function parseBlobMeta(json: LeanJson): BlobMeta {
  const sealed = bool(json, 'sealed');
  const raw = getObjValD(json, 'final_len');
  return { sealed, finalLen: raw === null ? null : asNat(raw, 'final_len') };
}

export function parseBlobMetaImage(json: LeanJson): BlobMetaImage {
  return { entries: parseList(json, (item) => [nat(item, 'obj'), parseBlobMeta(item)] as const) };
}

/** Absent means empty; present (even null) must be a list. */
export function parseBlobMetaImageFieldOrDefault(json: LeanJson, field: string): BlobMetaImage {
  let value: LeanJson;
  try {
    value = getObjVal(json, field);
  } catch {
    return { entries: [] };
  }
  return parseBlobMetaImage(value);
}

export function parseActingSet(json: LeanJson): ActingSet {
  return { osds: osdList(json, 'osds'), epoch: nat(json, 'epoch') };
}

export function parsePeerInfo(json: LeanJson): PeerInfo {
  return {
    osd: int(json, 'osd'),
    committedSeq: nat(json, 'committed_seq'),
    committedLength: nat(json, 'committed_length'),
    image: parseObjectImage(getObjVal(json, 'image')),
    blobMeta: parseBlobMetaImageFieldOrDefault(json, 'blob_meta'),
    lastEpochStarted: nat(json, 'last_epoch_started'),
    lastIntervalStarted: nat(json, 'last_interval_started'),
  };
}

export function parsePGInfo(json: LeanJson): PGInfo {
  return {
    pgid: nat(json, 'pgid'),
    committedSeq: nat(json, 'committed_seq'),
    committedLength: nat(json, 'committed_length'),
    image: parseObjectImage(getObjVal(json, 'image')),
    blobMeta: parseBlobMetaImageFieldOrDefault(json, 'blob_meta'),
    lastEpochStarted: nat(json, 'last_epoch_started'),
    lastIntervalStarted: nat(json, 'last_interval_started'),
    lastEpochClean: nat(json, 'last_epoch_clean'),
    epochCreated: nat(json, 'epoch_created'),
    sameIntervalSince: nat(json, 'same_interval_since'),
    sameUpSince: nat(json, 'same_up_since'),
    samePrimarySince: nat(json, 'same_primary_since'),
  };
}

export function parseObjRecovery(json: LeanJson): ObjRecovery {
  return { obj: nat(json, 'obj'), source: int(json, 'source'), fromLength: nat(json, 'from_length'), toLength: nat(json, 'to_length') };
}

export function parsePeerRecoveryPlan(json: LeanJson): PeerRecoveryPlan {
  return {
    target: int(json, 'target'),
    peerCommittedSeq: nat(json, 'peer_committed_seq'),
    authoritativeSeq: nat(json, 'authoritative_seq'),
    recoveries: parseList(getObjVal(json, 'recoveries'), parseObjRecovery),
  };
}

export function parseSnapshotChecks(json: LeanJson): SnapshotChecks {
  return {
    haveEnoughInfo: bool(json, 'have_enough_info'),
    imageInvariant: bool(json, 'image_invariant'),
    imageClean: bool(json, 'image_clean'),
    imageRecovering: bool(json, 'image_recovering'),
  };
}

/** Peer entries are keyed by their own `osd`; a later duplicate replaces an earlier one. */
export function parseSnapshot(json: LeanJson): Snapshot {
  const infos = parseList(getObjVal(json, 'peer_info'), parsePeerInfo);
  let peerInfo: PeerInfoMap = [];
  for (const info of infos) peerInfo = insertPeerInfo(peerInfo, info.osd, info);
  return {
    state: state(json, 'state'),
    pgid: nat(json, 'pgid'),
    whoami: int(json, 'whoami'),
    epoch: nat(json, 'epoch'),
    acting: parseActingSet(getObjVal(json, 'acting')),
    up: parseActingSet(getObjVal(json, 'up')),
    poolSize: nat(json, 'pool_size'),
    poolMinSize: nat(json, 'pool_min_size'),
    localInfo: parsePGInfo(getObjVal(json, 'local_info')),
    authSeq: nat(json, 'auth_seq'),
    authImage: parseObjectImage(getObjVal(json, 'auth_image')),
    authSources: parseAuthorityImage(getObjVal(json, 'auth_sources')),
    authBlobMeta: parseBlobMetaImageFieldOrDefault(json, 'auth_blob_meta'),
    peerInfo,
    peersQueried: osdList(json, 'peers_queried'),
    peersResponded: osdList(json, 'peers_responded'),
    priorOsds: osdList(json, 'prior_osds'),
    peerRecoveryPlans: parseList(getObjVal(json, 'peer_recovery_plans'), parsePeerRecoveryPlan),
    localRecoveryPlan: parseList(getObjVal(json, 'local_recovery_plan'), parseObjRecovery),
    recovered: osdList(json, 'recovered'),
    timedOutProbes: osdList(json, 'timed_out_probes'),
    needUpThru: bool(json, 'need_up_thru'),
    activated: bool(json, 'activated'),
    pendingActingChange: bool(json, 'pending_acting_change'),
    lastPeeringReset: nat(json, 'last_peering_reset'),
  };
}

export function parseEvent(json: LeanJson): PeeringEvent {
  const type = str(json, 'type');
  switch (type) {
    case 'Initialize':
      return {
        type,
        pgid: nat(json, 'pgid'),
        whoami: int(json, 'whoami'),
        epoch: nat(json, 'epoch'),
        acting: parseActingSet(getObjVal(json, 'acting')),
        up: parseActingSet(getObjVal(json, 'up')),
        poolSize: nat(json, 'pool_size'),
        poolMinSize: nat(json, 'pool_min_size'),
        localInfo: parsePGInfo(getObjVal(json, 'local_info')),
        priorOsds: osdList(json, 'prior_osds'),
      };
    case 'AdvanceMap':
      return {
        type,
        newEpoch: nat(json, 'new_epoch'),
        newActing: parseActingSet(getObjVal(json, 'new_acting')),
        newUp: parseActingSet(getObjVal(json, 'new_up')),
        newPoolSize: nat(json, 'new_pool_size'),
        newPoolMinSize: nat(json, 'new_pool_min_size'),
        priorOsds: osdList(json, 'prior_osds'),
      };
    case 'PeerInfoReceived':
      return { type, sender: int(json, 'from'), info: parsePeerInfo(getObjVal(json, 'info')), queryEpoch: nat(json, 'query_epoch') };
    case 'PeerQueryTimeout':
      return { type, peer: int(json, 'peer') };
    case 'UpThruUpdated':
      return { type, epoch: nat(json, 'epoch') };
    case 'ActivateCommitted':
    case 'DeleteStart':
    case 'DeleteComplete':
      return { type };
    case 'RecoveryComplete':
      return { type, peer: int(json, 'peer'), epoch: nat(json, 'epoch') };
    case 'AllReplicasRecovered':
      return { type, epoch: nat(json, 'epoch'), peers: osdList(json, 'peers') };
    case 'ReplicaActivate':
      return {
        type,
        sender: int(json, 'from'),
        authInfo: parsePeerInfo(getObjVal(json, 'auth_info')),
        authSources: parseAuthorityImage(getObjVal(json, 'auth_sources')),
        authBlobMeta: parseBlobMetaImageFieldOrDefault(json, 'auth_blob_meta'),
        authoritativeSeq: nat(json, 'authoritative_seq'),
        activationEpoch: nat(json, 'activation_epoch'),
      };
    case 'ReplicaRecoveryComplete':
      return {
        type,
        newCommittedSeq: nat(json, 'new_committed_seq'),
        newCommittedLength: nat(json, 'new_committed_length'),
        recoveredImage: parseObjectImage(getObjVal(json, 'recovered_image')),
        activationEpoch: nat(json, 'activation_epoch'),
      };
    default:
      throw new ReplayParseError(`unknown event type: ${type}`);
  }
}

export function parseRecoveryTarget(json: LeanJson): RecoveryTarget {
  return {
    osd: int(json, 'osd'),
    peerLength: nat(json, 'peer_length'),
    authoritativeLength: nat(json, 'authoritative_length'),
    peerCommittedSeq: nat(json, 'peer_committed_seq'),
    authoritativeSeq: nat(json, 'authoritative_seq'),
    recoveries: parseList(getObjVal(json, 'recoveries'), parseObjRecovery),
  };
}

export function parseEffect(json: LeanJson): PeeringEffect {
  const type = str(json, 'type');
  switch (type) {
    case 'SendQuery':
      return { type, target: int(json, 'target'), pgid: nat(json, 'pgid'), epoch: nat(json, 'epoch') };
    case 'SendNotify':
      return { type, target: int(json, 'target'), pgid: nat(json, 'pgid'), info: parsePeerInfo(getObjVal(json, 'info')), epoch: nat(json, 'epoch') };
    case 'SendActivate':
      return {
        type,
        target: int(json, 'target'),
        pgid: nat(json, 'pgid'),
        authInfo: parsePeerInfo(getObjVal(json, 'auth_info')),
        authSources: parseAuthorityImage(getObjVal(json, 'auth_sources')),
        authBlobMeta: parseBlobMetaImageFieldOrDefault(json, 'auth_blob_meta'),
        authoritativeSeq: nat(json, 'authoritative_seq'),
        activationEpoch: nat(json, 'activation_epoch'),
      };
    case 'ActivatePG':
      return {
        type,
        pgid: nat(json, 'pgid'),
        authoritativeSeq: nat(json, 'authoritative_seq'),
        authoritativeLength: nat(json, 'authoritative_length'),
        authoritativeImage: parseObjectImage(getObjVal(json, 'authoritative_image')),
        authoritativeBlobMeta: parseBlobMetaImageFieldOrDefault(json, 'authoritative_blob_meta'),
        activationEpoch: nat(json, 'activation_epoch'),
      };
    case 'DeactivatePG':
    case 'CancelRecovery':
    case 'MarkClean':
    case 'DeletePG':
      return { type, pgid: nat(json, 'pgid') };
    case 'ScheduleRecovery':
      return { type, pgid: nat(json, 'pgid'), targets: parseList(getObjVal(json, 'targets'), parseRecoveryTarget) };
    case 'PersistState':
      return { type, pgid: nat(json, 'pgid'), info: parsePGInfo(getObjVal(json, 'info')) };
    case 'RequestUpThru':
      return { type, epoch: nat(json, 'epoch') };
    case 'RequestActingChange':
      return { type, pgid: nat(json, 'pgid'), wantActing: osdList(json, 'want_acting') };
    case 'UpdateHeartbeats':
      return { type, peers: osdList(json, 'peers') };
    case 'PublishStats':
      return {
        type,
        pgid: nat(json, 'pgid'),
        state: state(json, 'state'),
        committedSeq: nat(json, 'committed_seq'),
        authoritativeSeq: nat(json, 'authoritative_seq'),
        committedLength: nat(json, 'committed_length'),
        image: parseObjectImage(getObjVal(json, 'image')),
        authoritativeImage: parseObjectImage(getObjVal(json, 'authoritative_image')),
        authoritativeBlobMeta: parseBlobMetaImageFieldOrDefault(json, 'authoritative_blob_meta'),
        actingSize: nat(json, 'acting_size'),
        upSize: nat(json, 'up_size'),
      };
    case 'LogTransition':
      return { type, pgid: nat(json, 'pgid'), fromState: state(json, 'from'), toState: state(json, 'to'), reason: str(json, 'reason') };
    default:
      throw new ReplayParseError(`unknown effect type: ${type}`);
  }
}

export function parseReplayLineJson(json: LeanJson): ReplayLine {
  const kind = str(json, 'kind');
  switch (kind) {
    case 'step':
      return {
        kind,
        line: {
          step: unbuiltNat(json, 'step'),
          fromState: state(json, 'from_state'),
          toState: state(json, 'to_state'),
          event: parseEvent(getObjVal(json, 'event')),
          before: parseSnapshot(getObjVal(json, 'before')),
          beforeChecks: parseSnapshotChecks(getObjVal(json, 'before_checks')),
          after: parseSnapshot(getObjVal(json, 'after')),
          afterChecks: parseSnapshotChecks(getObjVal(json, 'after_checks')),
          effects: parseList(getObjVal(json, 'effects'), parseEffect),
        },
      };
    case 'summary':
      return { kind, line: { seed: unbuiltNat(json, 'seed'), events: unbuiltNat(json, 'events') } };
    default:
      throw new ReplayParseError(`unknown replay line kind: ${kind}`);
  }
}

/** Lean's `Char.isWhitespace`, which `trimAscii` strips. */
function isAsciiSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

export function trimAscii(line: string): string {
  let start = 0;
  let end = line.length;
  while (start < end && isAsciiSpace(line.charCodeAt(start))) start++;
  while (end > start && isAsciiSpace(line.charCodeAt(end - 1))) end--;
  return line.slice(start, end);
}

/** `null` for a line Lean skips (blank, or not starting with "{"); throws what Lean rejects. */
export function parseReplayLine(line: string): ReplayLine | null {
  const trimmed = trimAscii(line);
  if (trimmed.length === 0 || trimmed.charCodeAt(0) !== 0x7b) return null;
  try {
    return parseReplayLineJson(parseLeanJson(trimmed));
  } catch (err) {
    if (err instanceof LeanJsonError) throw new ReplayParseError(err.message);
    throw err;
  }
}

export function parseReplayLines(input: string): ReplayLine[] {
  const out: ReplayLine[] = [];
  input.split('\n').forEach((line, i) => {
    try {
      const parsed = parseReplayLine(line);
      if (parsed !== null) out.push(parsed);
    } catch (err) {
      if (err instanceof ReplayParseError) throw new ReplayParseError(`line ${i + 1}: ${err.message}`);
      throw err;
    }
  });
  return out;
}

// ── Structural equality (Lean's `DecidableEq`, and `reprStr` equality) ───

/** Deep equality of model values: plain objects, arrays, numbers, bigints, strings, booleans, null. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  // Counting loops instead of Object.keys: this runs on every step (model values are plain objects).
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  let na = 0;
  for (const k in ra) {
    na++;
    if (!sameValue(ra[k], rb[k])) return false;
  }
  let nb = 0;
  for (const _k in rb) nb++;
  return na === nb;
}

export function sameChecks(a: SnapshotChecks, b: SnapshotChecks): boolean {
  return a.haveEnoughInfo === b.haveEnoughInfo && a.imageInvariant === b.imageInvariant && a.imageClean === b.imageClean && a.imageRecovering === b.imageRecovering;
}

/** An injective text form of a model value (member order ignored); sorting by it is a canonical multiset order. */
export function valueKey(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map(valueKey).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${k}:${valueKey(o[k])}`)
    .join(',')}}`;
}

/** `normalizeEffects` then list equality: the same effects, in any order. */
export function sameEffectMultiset(expected: readonly PeeringEffect[], actual: readonly PeeringEffect[]): boolean {
  if (expected.length !== actual.length) return false;
  if (expected.every((e, i) => sameValue(e, actual[i]))) return true;
  const a = expected.map(valueKey).sort();
  const b = actual.map(valueKey).sort();
  return a.every((k, i) => k === b[i]);
}

// ── Comparing and replaying ──────────────────────────────────────────────

export type CompareStage = 'input' | 'before' | 'before_checks' | 'from_state' | 'after' | 'after_checks' | 'to_state' | 'effects';

export interface StepMismatch {
  readonly stage: CompareStage;
  readonly message: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

/** `compareReplayStep`: the first stage where the replayed step differs from the recorded one. */
export function compareReplayStep(expected: ReplayStep, actual: SnapshotStepResult): StepMismatch | null {
  const n = String(expected.step);
  const expectedBefore = normalizeSnapshot(expected.before);
  const actualBefore = normalizeSnapshot(actual.before);
  if (!sameValue(actualBefore, expectedBefore)) return { stage: 'before', message: `before snapshot mismatch at step ${n}`, expected: expectedBefore, actual: actualBefore };
  const actualBeforeChecks = computeSnapshotChecks(actualBefore);
  if (!sameChecks(actualBeforeChecks, expected.beforeChecks)) {
    return { stage: 'before_checks', message: `before checks mismatch at step ${n}`, expected: expected.beforeChecks, actual: actualBeforeChecks };
  }
  if (actual.fromState !== expected.fromState) return { stage: 'from_state', message: `from-state mismatch at step ${n}`, expected: expected.fromState, actual: actual.fromState };
  const expectedAfter = normalizeSnapshot(expected.after);
  const actualAfter = normalizeSnapshot(actual.after);
  if (!sameValue(actualAfter, expectedAfter)) return { stage: 'after', message: `after snapshot mismatch at step ${n}`, expected: expectedAfter, actual: actualAfter };
  const actualAfterChecks = computeSnapshotChecks(actualAfter);
  if (!sameChecks(actualAfterChecks, expected.afterChecks)) {
    return { stage: 'after_checks', message: `after checks mismatch at step ${n}`, expected: expected.afterChecks, actual: actualAfterChecks };
  }
  if (actual.toState !== expected.toState) return { stage: 'to_state', message: `to-state mismatch at step ${n}`, expected: expected.toState, actual: actual.toState };
  if (!sameEffectMultiset(expected.effects, actual.effects)) return { stage: 'effects', message: `effects mismatch at step ${n}`, expected: expected.effects, actual: actual.effects };
  return null;
}

export interface ReplayCursor {
  readonly current: Snapshot;
}

export const emptyCursor: ReplayCursor = { current: emptySnapshot };

export type ObservedStep = { readonly ok: true; readonly cursor: ReplayCursor; readonly result: SnapshotStepResult } | { readonly ok: false; readonly mismatch: StepMismatch };

/** `replayObservedStep`: the recorded input must be the cursor; then the step must match. */
export function replayObservedStep(cursor: ReplayCursor, entry: ReplayStep): ObservedStep {
  const expectedBefore = normalizeSnapshot(entry.before);
  const actualBefore = normalizeSnapshot(cursor.current);
  if (!sameValue(actualBefore, expectedBefore)) {
    return { ok: false, mismatch: { stage: 'input', message: `input snapshot mismatch before step ${String(entry.step)}`, expected: expectedBefore, actual: actualBefore } };
  }
  const result = step(cursor.current, entry.event);
  const mismatch = compareReplayStep(entry, result);
  if (mismatch !== null) return { ok: false, mismatch };
  return { ok: true, cursor: { current: normalizeSnapshot(result.after) }, result };
}

export interface ReplayStats {
  readonly steps: number;
  readonly summaries: number;
}

export type ReplayOutcome = { readonly ok: true; readonly stats: ReplayStats; readonly cursor: ReplayCursor } | { readonly ok: false; readonly error: string };

/**
 * `replayTrace` as `peering-replay` runs it: parse every line first, then
 * replay the steps in order (summaries are counted, never checked).
 */
export function replayTrace(input: string): ReplayOutcome {
  let lines: ReplayLine[];
  try {
    lines = parseReplayLines(input);
  } catch (err) {
    if (err instanceof ReplayParseError) return { ok: false, error: err.message };
    throw err;
  }
  let cursor = emptyCursor;
  for (const line of lines) {
    if (line.kind === 'summary') continue;
    const observed = replayObservedStep(cursor, line.line);
    if (!observed.ok) return { ok: false, error: observed.mismatch.message };
    cursor = observed.cursor;
  }
  const steps = lines.filter((l) => l.kind === 'step').length;
  return { ok: true, stats: { steps, summaries: lines.length - steps }, cursor };
}
