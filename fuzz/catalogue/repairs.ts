/**
 * Input repairs for cause attribution: each takes the events of a divergent
 * trace (in their wire form) and removes one input feature the two models
 * may read differently, keeping everything else. A repair that changes
 * nothing for these events says so (undefined), so it costs no replay.
 *
 * Every repair keeps what the C++ port reads where it can: a duplicate keeps
 * the entry a last-wins map keeps, a sort is stable, and a dropped reply is
 * one C++ ignores. What changes is what only the Lean side could see.
 * docs/divergences.md ("How a cause is attributed") describes each.
 */
import type { PeeringEvent } from '../../reducer/index.js';
import { step, EMPTY_SNAPSHOT } from '../../reducer/index.js';
import { decodeEvent, isJsonObject, parseJson, stringifyJson, type JsonObject, type JsonValue } from '../../replay/index.js';
import type { WireEvent } from '../../tracegen/index.js';
import { leanAuthorityOrder, leanLocalImageOrder } from '../../tracegen/lean-render/wire-lean.js';

/** A repaired event list; `kept[i]` is the index in the original list of repaired event i. */
export interface Repaired {
  readonly events: readonly WireEvent[];
  readonly kept: readonly number[];
}

/** Events with their wire text parsed once; repairs edit copies. */
export interface ParsedEvents {
  readonly events: readonly WireEvent[];
  readonly json: readonly JsonObject[];
}

export function parseEvents(events: readonly WireEvent[]): ParsedEvents {
  return { events, json: events.map((e) => parseJson(e.text) as JsonObject) };
}

export interface Repair {
  readonly id: string;
  /** What the repair removes, for people. */
  readonly removes: string;
  apply(events: ParsedEvents): Repaired | undefined;
}

/** An edit of one event's JSON, in place; says whether it changed anything. */
type Edit = (json: JsonObject) => boolean;

const IMAGE_KEYS = new Set(['image', 'recovered_image']);
const BLOB_META_KEYS = new Set(['blob_meta', 'auth_blob_meta']);
/** Members holding an OSD id or a list of them, anywhere in an event. */
const OSD_KEYS = new Set(['whoami', 'from', 'peer', 'osd', 'osds', 'peers', 'prior_osds', 'source', 'target']);
/** Peering states in which the C++ reducer stores a peer's reply. */
const CPP_PEERING_STATES = new Set(['GetPeerInfo', 'WaitUpThru', 'Down', 'Incomplete']);

const big = (v: JsonValue | undefined): bigint => (typeof v === 'number' || typeof v === 'bigint' ? BigInt(v) : -1n);
const byValue = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** Calls `visit(holder, key)` for every member named in `keys`, at any depth. */
function eachMember(value: JsonValue, keys: ReadonlySet<string>, visit: (holder: JsonObject, key: string) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) eachMember(item, keys, visit);
    return;
  }
  if (!isJsonObject(value)) return;
  for (const key of Object.keys(value)) {
    if (keys.has(key)) visit(value, key);
    else eachMember(value[key]!, keys, visit);
  }
}

function wire(json: JsonValue): WireEvent {
  const text = stringifyJson(json);
  return { event: decodeEvent(parseJson(text)) as PeeringEvent, text };
}

/** Applies `edit` to a copy of every event; undefined when it changed none. */
function perEvent(p: ParsedEvents, edit: Edit): Repaired | undefined {
  let changed = false;
  const out = p.events.map((e, i) => {
    const json = structuredClone(p.json[i]!) as JsonObject;
    if (!edit(json)) return e;
    changed = true;
    return wire(json);
  });
  return changed ? { events: out, kept: p.events.map((_, i) => i) } : undefined;
}

/** Replaces every list under `keys` by `edit(list)`; true when one came out different. */
function editLists(json: JsonObject, keys: ReadonlySet<string>, edit: (list: JsonObject[]) => JsonObject[]): boolean {
  let changed = false;
  eachMember(json, keys, (holder, key) => {
    const before = holder[key];
    if (!Array.isArray(before)) return;
    const after = edit(entries(before));
    if (after.length === before.length && after.every((x, i) => x === before[i])) return;
    holder[key] = after;
    changed = true;
  });
  return changed;
}

const entries = (v: JsonValue | undefined): JsonObject[] => (Array.isArray(v) ? v.filter(isJsonObject) : []);

const editImages = (json: JsonObject, edit: (list: JsonObject[]) => JsonObject[]): boolean => editLists(json, IMAGE_KEYS, edit);
const byObject = (a: JsonObject, b: JsonObject): number => byValue(big(a.obj), big(b.obj));

/** Keeps, per object, the entry a last-wins decoder keeps, in place. */
function lastOfEachObject(list: JsonObject[]): JsonObject[] {
  const last = new Map<bigint, JsonObject>();
  for (const entry of list) last.set(big(entry.obj), entry);
  return list.filter((entry) => last.get(big(entry.obj)) === entry);
}

const sortImages: Repair = {
  id: 'sort-images',
  removes: 'image lists not in object order (sorted, stably)',
  apply: (events) => perEvent(events, (j) => editImages(j, (list) => [...list].sort(byObject))),
};

const dropZeroLength: Repair = {
  id: 'drop-zero-length',
  removes: 'zero-length image entries',
  apply: (events) => perEvent(events, (j) => editImages(j, (list) => list.filter((e) => big(e.len) !== 0n))),
};

const dedupeObjects: Repair = {
  id: 'dedupe-objects',
  removes: 'objects named twice in one image (the entry C++ keeps stays)',
  apply: (events) => perEvent(events, (j) => editImages(j, lastOfEachObject)),
};

/** Blob metadata lists with one entry per object, the last kept (a sentinel: no known cause needs it). */
const dedupeBlobMeta: Repair = {
  id: 'dedupe-blob-meta',
  removes: 'objects named twice in one blob metadata list',
  apply: (events) => perEvent(events, (j) => editLists(j, BLOB_META_KEYS, lastOfEachObject)),
};

/** Blob metadata lists in object order (a sentinel: no known cause needs it). */
const sortBlobMeta: Repair = {
  id: 'sort-blob-meta',
  removes: 'blob metadata lists not in object order',
  apply: (events) => perEvent(events, (j) => editLists(j, BLOB_META_KEYS, (list) => [...list].sort(byObject))),
};

const dropBlobMeta: Repair = {
  id: 'drop-blob-meta',
  removes: 'blob metadata (local, peer and authoritative)',
  apply: (events) => perEvent(events, (j) => editLists(j, BLOB_META_KEYS, () => [])),
};

/** Same-length decimal ids for `ids` (ascending), so printed order is numeric order; `keep` stay as they are. */
function compactIds(ids: readonly bigint[], keep: (id: bigint) => boolean): Map<bigint, bigint> {
  const map = new Map<bigint, bigint>();
  const moved = [...new Set(ids)].filter((id) => !keep(id)).sort(byValue);
  const taken = new Set(ids.filter(keep));
  let next = moved.length + taken.size <= 10 ? 0n : moved.length + taken.size <= 90 ? 10n : 100n;
  for (const id of moved) {
    while (taken.has(next)) next++;
    map.set(id, next++);
  }
  for (const id of taken) map.set(id, id);
  return map;
}

function collectIds(events: readonly JsonObject[], keys: ReadonlySet<string>): bigint[] {
  const out: bigint[] = [];
  for (const json of events) {
    eachMember(json, keys, (holder, key) => {
      const v = holder[key];
      for (const id of Array.isArray(v) ? v : [v]) if (typeof id === 'number' || typeof id === 'bigint') out.push(BigInt(id));
    });
  }
  return out;
}

function renameIds(json: JsonObject, keys: ReadonlySet<string>, map: ReadonlyMap<bigint, bigint>): boolean {
  let changed = false;
  const rename = (v: JsonValue): JsonValue => {
    if (typeof v !== 'number' && typeof v !== 'bigint') return v;
    const to = map.get(BigInt(v));
    if (to === undefined || to === BigInt(v)) return v;
    changed = true;
    return to <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(to) : to;
  };
  eachMember(json, keys, (holder, key) => {
    const v = holder[key]!;
    holder[key] = Array.isArray(v) ? v.map(rename) : rename(v);
  });
  return changed;
}

/** Renames ids under `keys` so that printed order and numeric order agree; undefined when they already do. */
function renumber(events: ParsedEvents, keys: ReadonlySet<string>, keep: (id: bigint) => boolean): Repaired | undefined {
  const ids = collectIds(events.json, keys);
  if (!ids.some((id) => id >= 10n)) return undefined;
  const map = compactIds(ids, keep);
  return perEvent(events, (j) => renameIds(j, keys, map));
}

const OBJ_KEYS = new Set(['obj']);

const renumberObjects: Repair = {
  id: 'renumber-objects',
  removes: 'object ids whose printed order is not their numeric order (ids >= 10; object 0 stays)',
  apply: (events) => renumber(events, OBJ_KEYS, (id) => id === 0n),
};

const renumberOsds: Repair = {
  id: 'renumber-osds',
  removes: 'OSD ids whose printed order is not their numeric order (ids >= 10; -1 stays)',
  apply: (events) => renumber(events, OSD_KEYS, (id) => id < 0n),
};

/**
 * Renames objects so that `order` (a list Lean keeps in first-seen order),
 * then every other object by value, becomes object-id order, with ids
 * whose printed order is their numeric order; undefined when the ids
 * already are. An empty image with a length stands for object 0, so it is
 * written out first: the rename then moves it like any other entry.
 * `keepOrdered` sorts again every list that was in object order, so the
 * rename brings in no unsorted image of its own.
 */
function renameIntoOrder(events: ParsedEvents, order: readonly bigint[], keepOrdered: boolean): Repaired | undefined {
  const all = [...new Set(collectIds(events.json, OBJ_KEYS))];
  const rest = all.filter((o) => !order.includes(o)).sort(byValue);
  const first = all.length <= 10 ? 0n : all.length <= 90 ? 10n : 100n;
  const map = new Map([...order, ...rest].map((o, i) => [o, first + BigInt(i)] as const));
  if ([...map].every(([from, to]) => from === to)) return undefined;
  const movesZero = map.get(0n) !== 0n;
  return perEvent(events, (j) => {
    const spelled = movesZero && spellOutObjectZero(j);
    const ordered = keepOrdered ? listsInObjectOrder(j) : [];
    const renamed = renameIds(j, OBJ_KEYS, map);
    // A list in object order stays so: the rename must not bring in an unsorted image.
    for (const list of ordered) list.sort(byObject);
    return renamed || spelled;
  });
}

/** Every list of entries keyed by object (images, blob metadata, sources) whose objects are in order, at any depth. */
function listsInObjectOrder(value: JsonValue, out: JsonObject[][] = []): JsonObject[][] {
  if (Array.isArray(value)) {
    const keyed = value.length > 1 && value.every((e) => isJsonObject(e) && 'obj' in e);
    if (keyed && value.every((e, i) => i === 0 || byObject(value[i - 1] as JsonObject, e as JsonObject) <= 0)) out.push(value as JsonObject[]);
    for (const item of value) listsInObjectOrder(item, out);
  } else if (isJsonObject(value)) {
    for (const key of Object.keys(value)) listsInObjectOrder(value[key]!, out);
  }
  return out;
}

/** The renaming of renameIntoOrder for the order `leanOrder` reads off the events; undefined when Lean rejects an event. */
function renameIntoLeanOrder(events: ParsedEvents, leanOrder: (texts: readonly string[]) => (number | bigint)[], keepOrdered: boolean): Repaired | undefined {
  let order: bigint[];
  try {
    order = [...new Set(leanOrder(events.events.map((e) => e.text)).map((o) => BigInt(o)))];
  } catch {
    return undefined; // the Lean parser rejects an event: nothing to order
  }
  return renameIntoOrder(events, order, keepOrdered);
}

function spellOutObjectZero(json: JsonObject): boolean {
  let changed = false;
  eachMember(json, new Set(['image']), (holder, key) => {
    const list = holder[key];
    const len = holder.committed_length;
    if (!Array.isArray(list) || list.length > 0 || big(len) <= 0n) return;
    holder[key] = [{ obj: 0, len: len! }];
    changed = true;
  });
  return changed;
}

const orderObjectsFirstSeen: Repair = {
  id: 'first-seen-objects',
  removes: "object ids out of the order in which Lean's authority first meets them across peers",
  // Not re-sorted: sorting after the rename would also undo a peer's unsorted image, and the
  // finding would be filed here rather than under image-not-in-object-order.
  apply: (events) => renameIntoLeanOrder(events, leanAuthorityOrder, false),
};

const orderObjectsAsJoined: Repair = {
  id: 'local-join-order',
  removes: "object ids out of the order of Lean's local image after the last event (a replica's recovery appends the recovered objects to its own)",
  // Re-sorted: the objects it renames also stand in the sorted images of the activation.
  apply: (events) => renameIntoLeanOrder(events, leanLocalImageOrder, true),
};

/** Drops each reply that reaches the C++ reducer outside its peering states (where it ignores replies). */
function dropRepliesOutsidePeering(parsed: ParsedEvents): Repaired | undefined {
  const events = parsed.events;
  let snap = EMPTY_SNAPSHOT;
  const kept: number[] = [];
  events.forEach((e, i) => {
    const result = step(snap, e.event);
    if (e.event.type === 'PeerInfoReceived' && !CPP_PEERING_STATES.has(result.from)) return;
    kept.push(i);
    snap = result.after;
  });
  if (kept.length === events.length) return undefined;
  return { events: kept.map((i) => events[i]!), kept };
}

const replyInPeering: Repair = {
  id: 'drop-replies-outside-peering',
  removes: 'peer replies arriving outside GetPeerInfo, WaitUpThru, Down and Incomplete (C++ ignores them)',
  apply: dropRepliesOutsidePeering,
};

/** Gives an empty acting set of a machine whose whoami is -1 one fresh member, so no side can call -1 its primary. */
function actingForWhoamiNone(events: ParsedEvents): Repaired | undefined {
  const used = new Set(collectIds(events.json, OSD_KEYS));
  let fresh = 0n;
  while (used.has(fresh)) fresh++;
  let whoami = 0n;
  return perEvent(events, (j) => {
    if (j.type === 'Initialize') whoami = big(j.whoami);
    if (whoami !== -1n) return false;
    let changed = false;
    for (const key of ['acting', 'new_acting']) {
      const set = j[key];
      if (!isJsonObject(set) || !Array.isArray(set.osds) || set.osds.length > 0) continue;
      set.osds = [Number(fresh)];
      changed = true;
    }
    return changed;
  });
}

const whoamiNone: Repair = {
  id: 'acting-for-whoami-none',
  removes: 'empty acting sets while whoami is -1 (C++ compares the missing primary, -1, with whoami)',
  apply: actingForWhoamiNone,
};

/**
 * Every repair, the most specific first: when several repairs each take a
 * divergence away, the first of them names its cause (sorting an image also
 * puts its objects in first-seen order; dropping blob metadata also drops
 * its duplicates).
 */
export const REPAIRS: readonly Repair[] = [
  sortImages,
  dropZeroLength,
  dedupeObjects,
  dedupeBlobMeta,
  sortBlobMeta,
  dropBlobMeta,
  renumberOsds,
  renumberObjects,
  orderObjectsFirstSeen,
  orderObjectsAsJoined,
  replyInPeering,
  whoamiNone,
];

export const REPAIR_IDS: readonly string[] = REPAIRS.map((r) => r.id);
