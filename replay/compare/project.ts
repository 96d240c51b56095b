/**
 * What the comparison looks at. In `lean` mode a value is projected the way
 * upstream's Lean replay checker sees it: only the members its parser reads
 * (optional blob metadata defaulted to empty, `recovery_targets` dropped),
 * set-like lists and image entries sorted, the peer map keyed by OSD (last
 * entry wins), and effects compared as a multiset. `strict` mode compares
 * the parsed values as they are: every member, every order.
 */
import { isJsonObject, stringifyJson, type JsonObject, type JsonValue } from '../input/json-lossless.js';

export type CompareMode = 'lean' | 'strict';

type J = JsonObject;

function compareScalars(a: JsonValue | undefined, b: JsonValue | undefined): number {
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const x = stringifyJson(a ?? null);
  const y = stringifyJson(b ?? null);
  return x < y ? -1 : x > y ? 1 : 0;
}

function sortedNumbers(v: JsonValue | undefined): JsonValue[] {
  return ((v ?? []) as JsonValue[]).slice().sort(compareScalars);
}

/** Entries sorted by their key member, ties broken by full content. */
function sortedByKey(v: JsonValue | undefined, key: string): J[] {
  return ((v ?? []) as J[]).slice().sort((a, b) => compareScalars(a[key], b[key]) || compareScalars(a, b));
}

function pick(j: J, members: readonly string[]): J {
  const out: J = {};
  for (const m of members) if (j[m] !== undefined) out[m] = j[m];
  return out;
}

const IMAGE_ENTRY = ['obj', 'len'];
const AUTHORITY_ENTRY = ['obj', 'osd', 'len'];
const BLOB_META_ENTRY = ['obj', 'sealed', 'final_len'];
const RECOVERY = ['obj', 'source', 'from_length', 'to_length'];

/** Lean reads `"final_len": null` as absent (`none`). */
function blobMetaEntry(e: J): J {
  const out = pick(e, BLOB_META_ENTRY);
  if (out.final_len === null) delete out.final_len;
  return out;
}

const image = (v: JsonValue | undefined): J[] => sortedByKey(v, 'obj').map((e) => pick(e, IMAGE_ENTRY));
const authority = (v: JsonValue | undefined): J[] => sortedByKey(v, 'obj').map((e) => pick(e, AUTHORITY_ENTRY));
const blobMeta = (v: JsonValue | undefined): J[] => sortedByKey(v, 'obj').map(blobMetaEntry);

// Inside effects Lean compares lists in their given order, but members by name:
// these fix member order and drop members its parser does not read.
const imageInOrder = (v: JsonValue | undefined): J[] => ((v ?? []) as J[]).map((e) => pick(e, IMAGE_ENTRY));
const authorityInOrder = (v: JsonValue | undefined): J[] => ((v ?? []) as J[]).map((e) => pick(e, AUTHORITY_ENTRY));
const blobMetaInOrder = (v: JsonValue | undefined): J[] => ((v ?? []) as J[]).map(blobMetaEntry);
const recoveries = (v: JsonValue | undefined): J[] => ((v ?? []) as J[]).map((r) => pick(r, RECOVERY));
const acting = (v: JsonValue | undefined): J => pick(v as J, ['osds', 'epoch']);

/** Parser-level view of a PeerInfo: optional blob metadata defaulted, lists as given. */
function peerInfoAsParsed(j: J): J {
  return {
    ...pick(j, ['osd', 'committed_seq', 'committed_length']),
    image: imageInOrder(j.image),
    blob_meta: blobMetaInOrder(j.blob_meta),
    ...pick(j, ['last_epoch_started', 'last_interval_started']),
  };
}

function pgInfoAsParsed(j: J): J {
  return {
    ...pick(j, ['pgid', 'committed_seq', 'committed_length']),
    image: imageInOrder(j.image),
    blob_meta: blobMetaInOrder(j.blob_meta),
    ...pick(j, ['last_epoch_started', 'last_interval_started', 'last_epoch_clean', 'epoch_created', 'same_interval_since', 'same_up_since', 'same_primary_since']),
  };
}

function normalizedPeerInfo(j: J): J {
  return { ...peerInfoAsParsed(j), image: image(j.image), blob_meta: blobMeta(j.blob_meta) };
}

function normalizedPgInfo(j: J): J {
  return { ...pgInfoAsParsed(j), image: image(j.image), blob_meta: blobMeta(j.blob_meta) };
}

/** The Lean view of a snapshot. */
export function projectSnapshot(s: J): J {
  // The Lean peer map is keyed by each entry's own osd; a repeated osd keeps the last entry.
  const peers = new Map<string, J>();
  for (const p of (s.peer_info ?? []) as J[]) peers.set(stringifyJson(p.osd ?? null), normalizedPeerInfo(p));
  return {
    state: s.state ?? null,
    pgid: s.pgid ?? null,
    whoami: s.whoami ?? null,
    epoch: s.epoch ?? null,
    acting: acting(s.acting),
    up: acting(s.up),
    pool_size: s.pool_size ?? null,
    pool_min_size: s.pool_min_size ?? null,
    local_info: normalizedPgInfo(s.local_info as J),
    auth_seq: s.auth_seq ?? null,
    auth_image: image(s.auth_image),
    auth_sources: authority(s.auth_sources),
    auth_blob_meta: blobMeta(s.auth_blob_meta),
    peer_info: [...peers.values()].sort((a, b) => compareScalars(a.osd, b.osd)),
    peers_queried: sortedNumbers(s.peers_queried),
    peers_responded: sortedNumbers(s.peers_responded),
    prior_osds: sortedNumbers(s.prior_osds),
    peer_recovery_plans: ((s.peer_recovery_plans ?? []) as J[]).map((p) => ({
      ...pick(p, ['target', 'peer_committed_seq', 'authoritative_seq']),
      recoveries: recoveries(p.recoveries),
    })),
    local_recovery_plan: recoveries(s.local_recovery_plan),
    recovered: sortedNumbers(s.recovered),
    timed_out_probes: sortedNumbers(s.timed_out_probes),
    need_up_thru: s.need_up_thru ?? null,
    activated: s.activated ?? null,
    pending_acting_change: s.pending_acting_change ?? null,
    last_peering_reset: s.last_peering_reset ?? null,
  };
}

export function projectChecks(c: J): J {
  return pick(c, ['have_enough_info', 'image_invariant', 'image_clean', 'image_recovering']);
}

/** Members the Lean parser reads per effect type; nested infos keep their order. */
const EFFECT_MEMBERS: { [type: string]: readonly string[] } = {
  SendQuery: ['target', 'pgid', 'epoch'],
  SendNotify: ['target', 'pgid', 'info', 'epoch'],
  SendActivate: ['target', 'pgid', 'auth_info', 'auth_sources', 'auth_blob_meta', 'authoritative_seq', 'activation_epoch'],
  ActivatePG: ['pgid', 'authoritative_seq', 'authoritative_length', 'authoritative_image', 'authoritative_blob_meta', 'activation_epoch'],
  DeactivatePG: ['pgid'],
  ScheduleRecovery: ['pgid', 'targets'],
  CancelRecovery: ['pgid'],
  MarkClean: ['pgid'],
  PersistState: ['pgid', 'info'],
  RequestUpThru: ['epoch'],
  RequestActingChange: ['pgid', 'want_acting'],
  UpdateHeartbeats: ['peers'],
  PublishStats: ['pgid', 'state', 'committed_seq', 'authoritative_seq', 'committed_length', 'image', 'authoritative_image', 'authoritative_blob_meta', 'acting_size', 'up_size'],
  DeletePG: ['pgid'],
  LogTransition: ['pgid', 'from', 'to', 'reason'],
};

const BLOB_META_MEMBERS = new Set(['auth_blob_meta', 'authoritative_blob_meta']);

export function projectEffect(f: J): J {
  const type = String(f.type);
  const out: J = { type };
  for (const m of EFFECT_MEMBERS[type] ?? []) {
    let v = f[m];
    if (v === undefined && BLOB_META_MEMBERS.has(m)) v = [];
    if (v === undefined) continue;
    if ((m === 'info' || m === 'auth_info') && isJsonObject(v)) v = type === 'PersistState' ? pgInfoAsParsed(v) : peerInfoAsParsed(v);
    if (m === 'image' || m === 'authoritative_image') v = imageInOrder(v);
    if (m === 'auth_sources') v = authorityInOrder(v);
    if (BLOB_META_MEMBERS.has(m)) v = blobMetaInOrder(v);
    if (m === 'targets') {
      v = (v as J[]).map((t) => ({
        ...pick(t, ['osd', 'peer_length', 'authoritative_length', 'peer_committed_seq', 'authoritative_seq']),
        recoveries: recoveries(t.recoveries),
      }));
    }
    out[m] = v;
  }
  return out;
}

/** Effects as a multiset: projected, keyed by canonical text, sorted. */
export function projectEffects(effects: JsonValue[]): { key: string; effect: J }[] {
  return effects
    .map((f) => projectEffect(f as J))
    .map((effect) => ({ key: stringifyJson(effect), effect }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Deep equality of parsed values, ignoring object member order. */
export function sameJson(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameJson(x, b[i]));
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameJson(a[k], b[k]));
}
