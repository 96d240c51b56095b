/**
 * The C++ adapter (adapters/cpp) is compiled in CI next to upstream's
 * sources, which this repository does not hold; here it is checked by
 * reading: it reaches upstream only through public headers and public
 * names, never its internals, and its build links nothing else.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers.js';

const SOURCE = readFileSync(join(ROOT, 'adapters', 'cpp', 'peering_adapter.cc'), 'utf8');
const CMAKE = readFileSync(join(ROOT, 'adapters', 'cpp', 'CMakeLists.txt'), 'utf8');

/** The code without comments and string literals, so only real uses count. */
function codeOnly(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/[^\n]*/g, ' ')
    .replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
}

const CODE = codeOnly(SOURCE);

/**
 * Names upstream declares publicly at 3e634d5: the public section of
 * PeeringStateMachine (peering_state.h), and the namespace-level types and
 * inline helpers of peering_types.h and peer_info.h.
 */
const PUBLIC_NAMES = new Set([
  // peering_state.h, public section
  'PeeringStateMachine', 'Snapshot', 'SnapshotStepResult', 'step', 'snapshot', 'from_snapshot', 'process', 'current_state',
  // peering_types.h
  'State', 'state_name', 'event', 'effect', 'PeeringEvent', 'PeeringEffect', 'ValidatedEvent', 'StepResult', 'validate_event',
  'Initialize', 'AdvanceMap', 'PeerInfoReceived', 'PeerQueryTimeout', 'UpThruUpdated', 'ActivateCommitted', 'RecoveryComplete',
  'AllReplicasRecovered', 'ReplicaActivate', 'ReplicaRecoveryComplete', 'DeleteStart', 'DeleteComplete',
  'SendQuery', 'SendNotify', 'SendActivate', 'ActivatePG', 'DeactivatePG', 'ScheduleRecovery', 'CancelRecovery', 'MarkClean',
  'PersistState', 'RequestUpThru', 'RequestActingChange', 'UpdateHeartbeats', 'PublishStats', 'DeletePG', 'LogTransition',
  // peer_info.h
  'epoch_t', 'osd_id_t', 'pg_id_t', 'object_id_t', 'journal_seq_t', 'ObjectImage', 'ObjectAuthority', 'AuthorityImage', 'BlobMeta',
  'BlobMetaImage', 'ObjRecovery', 'PeerRecoveryPlan', 'PeerInfo', 'PGInfo', 'ActingSet', 'lookup_length', 'effective_image',
  'normalized_peer_info', 'normalized_pg_info', 'prefix_image', 'same_image', 'authoritative_sources', 'authority_image_values',
  'authoritative_blob_meta', 'build_peer_recovery_plans', 'pg_image_recovery_plan', 'primary_image', 'primary_length',
]);

/** Private members of PeeringStateMachine (handlers, decisions, state fields). */
const PRIVATE_NAMES = [
  /\bon_[a-z_]+\s*\(/, /\bdecide_[a-z_]+\b/, /\bapply_[a-z_]+_decision\b/, /\bchoose_acting\b/, /\btry_activate\b/, /\bpublish_stats\b/,
  /\breset_peering_state\b/, /\btransition_to\b/, /\bstart_peering_primary\b/, /\bbuild_probe_set\b/, /\bsend_queries\b/,
  /\brefresh_[a-z_]+\b/, /\bimage_recovery_targets\b/, /\bis_image_recovery_target\b/, /\b[A-Za-z]+Decision(Kind)?\b/,
  /\b(state|pgid|whoami|epoch|acting|up|local_info|prior_osds|peer_info|peers_queried|peers_responded|timed_out_probes|auth_seq|auth_image|auth_sources|auth_blob_meta|peer_recovery_plans|local_recovery_plan|recovered|need_up_thru|activated|pending_acting_change|last_peering_reset|pool_size|pool_min_size)_\b/,
];

describe('C++ adapter source (read, not compiled: CI compiles it against upstream)', () => {
  it('includes only the standard library, glaze and upstream\'s public header', () => {
    const includes = [...SOURCE.matchAll(/^\s*#\s*include\s*([<"][^>"]+[>"])/gm)].map((m) => m[1]!);
    assert.ok(includes.includes('"peering_state.h"'));
    for (const inc of includes) {
      const ok = inc === '"peering_state.h"' || inc === '<glaze/glaze.hpp>' || /^<[a-z_]+>$/.test(inc);
      assert.ok(ok, `unexpected include ${inc}`);
    }
  });

  it('does not pry into private members (no access tricks, no private names)', () => {
    assert.doesNotMatch(CODE, /#\s*define\s+(private|protected|class)\b/);
    assert.doesNotMatch(CODE, /\bfriend\b/);
    assert.doesNotMatch(CODE, /reinterpret_cast|offsetof|__builtin_offsetof/);
    for (const name of PRIVATE_NAMES) assert.doesNotMatch(CODE, name, `uses ${name.source}`);
  });

  it('names from upstream\'s namespace are all public ones', () => {
    const used = new Set<string>();
    for (const m of CODE.matchAll(/\b(?:pg|Machine|fx)::(\w+)/g)) used.add(m[1]!);
    for (const m of CODE.matchAll(/\bpg::(?:event|effect)::(\w+)/g)) used.add(m[1]!);
    for (const m of CODE.matchAll(/\bMachine\(\)\.(\w+)/g)) used.add(m[1]!);
    assert.ok(used.has('step') && used.has('snapshot') && used.has('state_name'), [...used].join(' '));
    const foreign = [...used].filter((n) => !PUBLIC_NAMES.has(n));
    assert.deepEqual(foreign, [], `non-public names: ${foreign.join(', ')}`);
  });

  it('aliases only upstream\'s namespaces and the state machine class', () => {
    assert.match(CODE, /namespace pg = vermilion::peering;/);
    assert.match(CODE, /using Machine = pg::PeeringStateMachine;/);
    assert.match(CODE, /namespace fx = pg::effect;/);
    assert.doesNotMatch(CODE, /using namespace vermilion/);
  });

  it('covers every event and effect type of the trace format', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'trace-line.schema.json'), 'utf8')) as {
      $defs: { event: { properties: { type: { enum: string[] } } }; effect: { properties: { type: { enum: string[] } } } };
    };
    for (const t of schema.$defs.event.properties.type.enum) {
      assert.match(SOURCE, new RegExp(`type == "${t}"`), `reads ${t}`);
      assert.match(CODE, new RegExp(`pg::event::${t}\\{`), `builds upstream's ${t}`);
    }
    for (const t of schema.$defs.effect.properties.type.enum) assert.match(CODE, new RegExp(`fx::${t}\\b`), `writes effect ${t}`);
  });

  it('builds against upstream\'s own cpp/ targets and links only peering_state and glaze', () => {
    assert.match(CMAKE, /add_subdirectory\("\$\{PEERING_SOURCE_DIR\}\/cpp" upstream\)/);
    const links = /target_link_libraries\(peering_adapter PRIVATE ([^)]*)\)/.exec(CMAKE)?.[1]?.trim().split(/\s+/);
    assert.deepEqual(links, ['peering_state', 'glaze::glaze']);
  });
});
