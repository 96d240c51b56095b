/**
 * The events a state allows: every event the explore grammar can draw in
 * that state (its per-state event kinds, images, ids, features, wire
 * forms), enumerated under the scope. Events are told apart by their wire
 * text and listed in a fixed order (kinds in the grammar's order, then the
 * enumerator's), so a state's alphabet, and with it the whole search, is
 * the same on every run and every thread.
 *
 * Enumerating is costly (every combination of choices is drawn), so the
 * result is remembered per event kind under the values of the snapshot
 * fields the drawing read. The grammar is a function of the fields it reads
 * (and the fixed scope), so another state that agrees on all of them gets
 * exactly the same events: the memo can only save work, never change an
 * answer.
 */
import type { PeeringEvent, Snapshot, State } from '../../reducer/index.js';
import {
  ByteWriter,
  genEventOfKind,
  genFirstEvent,
  kindTable,
  writeExploreEvent,
  FeatureSet,
  type EventKind,
  type ExploreContext,
  type ExploreEvent,
  type KindTable,
} from '../../tracegen/index.js';
import { EnumeratingChooser } from './enumerator.js';
import { scopeDomains, scopeFeatures, type Scope } from './scope.js';

/** One event of an alphabet: what the C++ reducer acts on and its wire text (a `WireEvent`). */
export interface Letter {
  readonly event: PeeringEvent;
  readonly text: string;
}

/** Remembered alphabets of one event kind: for each set of fields a drawing read, results by those fields' values. */
interface KindMemo {
  readonly byFields: { readonly fields: readonly string[]; readonly results: Generations<string, readonly Letter[]> }[];
}

/** Alphabets kept per set of fields read, and events kept by text, before the oldest are let go (memory stays bounded). */
const MEMO_LIMIT = 20_000;
const LETTER_LIMIT = 100_000;

/**
 * A map that forgets: lookups promote from the old generation, and when the
 * young one is full the old one is dropped. Forgetting costs a recomputation,
 * never an answer.
 */
class Generations<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();

  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) this.set(key, o);
    return o;
  }

  set(key: K, value: V): void {
    if (this.young.size >= this.limit) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}

export class Alphabet {
  private readonly context: ExploreContext;
  private readonly chooser: EnumeratingChooser;
  private readonly tables = new Map<State, KindTable>();
  private readonly writer = new ByteWriter(1 << 12);
  private memo = new Map<EventKind, KindMemo>();
  private values = new FieldValues();
  /** One Letter per wire text, so what is learnt about an event (its Lean reading) serves every state that allows it. */
  private readonly letters = new Generations<string, Letter>(LETTER_LIMIT);
  /** Drawings run so far (every combination counts one): what enumerating cost. */
  draws = 0;
  /** Alphabets of one kind answered from the memo, and enumerated. */
  hits = 0;
  misses = 0;

  constructor(readonly scope: Scope) {
    this.chooser = new EnumeratingChooser(scopeDomains(scope));
    this.context = {
      dice: this.chooser,
      features: FeatureSet.of(scopeFeatures(scope)),
      pools: { osds: scope.osds, objects: scope.objects },
    };
  }

  /** The first events: every Initialize explore can start a trace with. */
  first(): Letter[] {
    const out = new Map<string, Letter>();
    this.draws += this.chooser.enumerate(() => genFirstEvent(this.context), (e) => this.add(out, e), 'a first Initialize');
    return [...out.values()];
  }

  /** Every event the grammar can draw in `snap`, once each. */
  of(snap: Snapshot): readonly Letter[] {
    const kinds = this.table(snap.state).kinds;
    if (kinds.length === 1) return this.ofKind(kinds[0]!, snap);
    const out = new Map<string, Letter>();
    for (const kind of kinds) for (const letter of this.ofKind(kind, snap)) if (!out.has(letter.text)) out.set(letter.text, letter);
    return [...out.values()];
  }

  private ofKind(kind: EventKind, snap: Snapshot): readonly Letter[] {
    if (this.values.size > MEMO_LIMIT * 8) {
      // The value numbering is the memo's key: both start over.
      this.values = new FieldValues();
      this.memo = new Map();
    }
    let memo = this.memo.get(kind);
    if (memo === undefined) this.memo.set(kind, (memo = { byFields: [] }));
    for (const entry of memo.byFields) {
      const hit = entry.results.get(this.values.key(snap, entry.fields));
      if (hit !== undefined) {
        this.hits++;
        return hit;
      }
    }
    this.misses++;
    const read = new Set<string>();
    const watched = watch(snap, '', read) as Snapshot;
    const out = new Map<string, Letter>();
    this.draws += this.chooser.enumerate(() => genEventOfKind(this.context, kind, watched), (e) => this.add(out, e), `a ${kind} event in ${snap.state}`);
    const letters = [...out.values()];
    const fields = [...read].sort();
    let entry = memo.byFields.find((e) => e.fields.join() === fields.join());
    if (entry === undefined) memo.byFields.push((entry = { fields, results: new Generations(MEMO_LIMIT) }));
    entry.results.set(this.values.key(snap, fields), letters);
    return letters;
  }

  private table(state: State): KindTable {
    let t = this.tables.get(state);
    if (t === undefined) this.tables.set(state, (t = kindTable(state, this.context.features)));
    return t;
  }

  private add(out: Map<string, Letter>, e: ExploreEvent): void {
    const w = this.writer;
    w.reset();
    writeExploreEvent(w, e);
    const text = w.text();
    if (out.has(text)) return;
    let letter = this.letters.get(text);
    if (letter === undefined) this.letters.set(text, (letter = { event: e.event, text }));
    out.set(text, letter);
  }
}

/**
 * `value` with every read of a field recorded in `read` as its path: a
 * field holding a record (acting, up, local info) is watched one level
 * further (`localInfo.image`), lists and numbers are read whole.
 */
function watch(value: object, prefix: string, read: Set<string>): object {
  return new Proxy(value, {
    get(target, field, receiver) {
      const v = Reflect.get(target, field, receiver) as unknown;
      if (typeof field !== 'string') return v;
      const path = prefix + field;
      if (prefix === '' && typeof v === 'object' && v !== null && !Array.isArray(v)) return watch(v, `${path}.`, read);
      read.add(path);
      return v;
    },
  });
}

/**
 * Keys of snapshot field values: each distinct value (by content) gets a
 * small number, remembered per object, so a key is a short string of
 * numbers however large the fields.
 */
class FieldValues {
  private readonly ids = new Map<string, number>();
  private readonly byObject = new WeakMap<object, number>();

  get size(): number {
    return this.ids.size;
  }

  key(snap: Snapshot, fields: readonly string[]): string {
    let key = '';
    for (const f of fields) key += `${this.id(valueAt(snap, f))},`;
    return key;
  }

  private id(value: unknown): number {
    if (typeof value !== 'object' || value === null) return this.intern(`${typeof value}:${String(value)}`);
    let id = this.byObject.get(value);
    if (id === undefined) this.byObject.set(value, (id = this.intern(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)))));
    return id;
  }

  private intern(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) this.ids.set(text, (id = this.ids.size));
    return id;
  }
}

function valueAt(snap: Snapshot, path: string): unknown {
  let v: unknown = snap;
  for (const part of path.split('.')) v = (v as Record<string, unknown>)[part];
  return v;
}
