// peering-adapter: upstream's C++ peering reducer (zhscn/peering, cpp/ at
// 3e634d5) behind peering-crossval's "events in, trace out" protocol,
// version 1 (docs/protocol.md).
//
// stdin:  one event per line (the trace format's `event` member), blank
//         lines ignored, optionally a final {"kind":"summary",...} line.
// stdout: one trace step line per event, flushed at once, echoing the event
//         as received (minified); the summary line.
//
// Only upstream's public headers are used: PeeringStateMachine::snapshot()
// and the static PeeringStateMachine::step(), state_name(), and the inline
// image helpers of peer_info.h. JSON goes through glaze, the library
// upstream's cross_validate writes with, so the bytes can be compared.
//
// Exit status: 0 end of input, 1 an event the reducer cannot handle,
// 2 usage, 3 malformed input line, 4 I/O error, 141 stdout closed.

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <glaze/glaze.hpp>

#include "peering_state.h"

namespace pg = vermilion::peering;
using Machine = pg::PeeringStateMachine;

namespace {

constexpr int kExitUnhandled = 1;
constexpr int kExitUsage = 2;
constexpr int kExitMalformed = 3;
constexpr int kExitIo = 4;
constexpr int kExitBrokenPipe = 141;
constexpr std::size_t kMaxLineBytes = std::size_t{8} << 20;

// A line the protocol rejects, or an event the reducer cannot take.
struct Refusal {
  int exit_code;
  std::string message;
};

// ── Wire shapes (member names and order are the trace format's) ─────────

struct ExtentJson {
  uint64_t obj{};
  uint64_t len{};
};

struct SourcedExtentJson {
  uint64_t obj{};
  int32_t osd{};
  uint64_t len{};
};

struct SealJson {
  uint64_t obj{};
  bool sealed{};
  std::optional<uint64_t> final_len;
};

struct ActingJson {
  std::vector<int32_t> osds;
  uint32_t epoch{};
};

// Input side: members the format lets a producer leave out are optional.
struct PeerInfoIn {
  int32_t osd{};
  uint64_t committed_seq{};
  uint64_t committed_length{};
  std::vector<ExtentJson> image;
  std::optional<std::vector<SealJson>> blob_meta;
  uint32_t last_epoch_started{};
  uint32_t last_interval_started{};
};

struct PGInfoIn {
  uint64_t pgid{};
  uint64_t committed_seq{};
  uint64_t committed_length{};
  std::vector<ExtentJson> image;
  std::optional<std::vector<SealJson>> blob_meta;
  uint32_t last_epoch_started{};
  uint32_t last_interval_started{};
  uint32_t last_epoch_clean{};
  uint32_t epoch_created{};
  uint32_t same_interval_since{};
  uint32_t same_up_since{};
  uint32_t same_primary_since{};
};

struct LineHead {
  std::optional<std::string> kind;
  std::optional<std::string> type;
};

struct SummaryIn {
  std::string kind;
  uint64_t seed{};
  int64_t events{};
};

struct InitializeIn {
  std::string type;
  uint64_t pgid{};
  int32_t whoami{};
  uint32_t epoch{};
  ActingJson acting;
  ActingJson up;
  int32_t pool_size{};
  int32_t pool_min_size{};
  PGInfoIn local_info;
  std::vector<int32_t> prior_osds;
};

struct AdvanceMapIn {
  std::string type;
  uint32_t new_epoch{};
  ActingJson new_acting;
  ActingJson new_up;
  int32_t new_pool_size{};
  int32_t new_pool_min_size{};
  std::vector<int32_t> prior_osds;
};

struct PeerInfoReceivedIn {
  std::string type;
  int32_t from{};
  PeerInfoIn info;
  uint32_t query_epoch{};
};

struct PeerQueryTimeoutIn {
  std::string type;
  int32_t peer{};
};

struct UpThruUpdatedIn {
  std::string type;
  uint32_t epoch{};
};

struct TypeOnlyIn {
  std::string type;
};

struct RecoveryCompleteIn {
  std::string type;
  int32_t peer{};
  uint32_t epoch{};
};

struct AllReplicasRecoveredIn {
  std::string type;
  uint32_t epoch{};
  std::vector<int32_t> peers;
};

struct ReplicaActivateIn {
  std::string type;
  int32_t from{};
  PeerInfoIn auth_info;
  std::vector<SourcedExtentJson> auth_sources;
  std::optional<std::vector<SealJson>> auth_blob_meta;
  uint64_t authoritative_seq{};
  uint32_t activation_epoch{};
};

struct ReplicaRecoveryCompleteIn {
  std::string type;
  uint64_t new_committed_seq{};
  uint64_t new_committed_length{};
  std::vector<ExtentJson> recovered_image;
  uint32_t activation_epoch{};
};

// Output side: every member is always written.
struct PeerInfoOut {
  int32_t osd{};
  uint64_t committed_seq{};
  uint64_t committed_length{};
  std::vector<ExtentJson> image;
  std::vector<SealJson> blob_meta;
  uint32_t last_epoch_started{};
  uint32_t last_interval_started{};
};

struct PGInfoOut {
  uint64_t pgid{};
  uint64_t committed_seq{};
  uint64_t committed_length{};
  std::vector<ExtentJson> image;
  std::vector<SealJson> blob_meta;
  uint32_t last_epoch_started{};
  uint32_t last_interval_started{};
  uint32_t last_epoch_clean{};
  uint32_t epoch_created{};
  uint32_t same_interval_since{};
  uint32_t same_up_since{};
  uint32_t same_primary_since{};
};

struct RecoveryJson {
  uint64_t obj{};
  int32_t source{};
  uint64_t from_length{};
  uint64_t to_length{};
};

struct PlanJson {
  int32_t target{};
  uint64_t peer_committed_seq{};
  uint64_t authoritative_seq{};
  std::vector<RecoveryJson> recoveries;
};

struct SnapshotOut {
  std::string state;
  uint64_t pgid{};
  int32_t whoami{};
  uint32_t epoch{};
  ActingJson acting;
  ActingJson up;
  int32_t pool_size{};
  int32_t pool_min_size{};
  PGInfoOut local_info;
  uint64_t auth_seq{};
  std::vector<ExtentJson> auth_image;
  std::vector<SourcedExtentJson> auth_sources;
  std::vector<SealJson> auth_blob_meta;
  std::vector<PeerInfoOut> peer_info;
  std::vector<int32_t> peers_queried;
  std::vector<int32_t> peers_responded;
  std::vector<int32_t> prior_osds;
  std::vector<int32_t> recovery_targets;
  std::vector<PlanJson> peer_recovery_plans;
  std::vector<RecoveryJson> local_recovery_plan;
  std::vector<int32_t> recovered;
  std::vector<int32_t> timed_out_probes;
  bool need_up_thru{};
  bool activated{};
  bool pending_acting_change{};
  uint32_t last_peering_reset{};
};

struct ChecksOut {
  bool have_enough_info{};
  bool image_invariant{};
  bool image_clean{};
  bool image_recovering{};
};

// Effects.
struct TargetEpochOut {
  std::string type;
  int32_t target{};
  uint64_t pgid{};
  uint32_t epoch{};
};

struct SendNotifyOut {
  std::string type;
  int32_t target{};
  uint64_t pgid{};
  PeerInfoOut info;
  uint32_t epoch{};
};

struct SendActivateOut {
  std::string type;
  int32_t target{};
  uint64_t pgid{};
  PeerInfoOut auth_info;
  std::vector<SourcedExtentJson> auth_sources;
  std::vector<SealJson> auth_blob_meta;
  uint64_t authoritative_seq{};
  uint32_t activation_epoch{};
};

struct ActivatePGOut {
  std::string type;
  uint64_t pgid{};
  uint64_t authoritative_seq{};
  uint64_t authoritative_length{};
  std::vector<ExtentJson> authoritative_image;
  std::vector<SealJson> authoritative_blob_meta;
  uint32_t activation_epoch{};
};

struct PgOnlyOut {
  std::string type;
  uint64_t pgid{};
};

struct RecoveryTargetOut {
  int32_t osd{};
  uint64_t peer_length{};
  uint64_t authoritative_length{};
  uint64_t peer_committed_seq{};
  uint64_t authoritative_seq{};
  std::vector<RecoveryJson> recoveries;
};

struct ScheduleRecoveryOut {
  std::string type;
  uint64_t pgid{};
  std::vector<RecoveryTargetOut> targets;
};

struct PersistStateOut {
  std::string type;
  uint64_t pgid{};
  PGInfoOut info;
};

struct EpochOut {
  std::string type;
  uint32_t epoch{};
};

struct RequestActingChangeOut {
  std::string type;
  uint64_t pgid{};
  std::vector<int32_t> want_acting;
};

struct PeersOut {
  std::string type;
  std::vector<int32_t> peers;
};

struct PublishStatsOut {
  std::string type;
  uint64_t pgid{};
  std::string state;
  uint64_t committed_seq{};
  uint64_t authoritative_seq{};
  uint64_t committed_length{};
  std::vector<ExtentJson> image;
  std::vector<ExtentJson> authoritative_image;
  std::vector<SealJson> authoritative_blob_meta;
  int32_t acting_size{};
  int32_t up_size{};
};

struct LogTransitionOut {
  std::string type;
  uint64_t pgid{};
  std::string from;
  std::string to;
  std::string reason;
};

struct StepOut {
  std::string kind = "step";
  int64_t step{};
  std::string from_state;
  std::string to_state;
  glz::raw_json event;
  glz::raw_json before;
  glz::raw_json before_checks;
  glz::raw_json after;
  glz::raw_json after_checks;
  glz::raw_json effects;
};

struct SummaryOut {
  std::string kind = "summary";
  uint64_t seed{};
  int64_t events{};
};

// Strict about what must be there and about trailing bytes, lenient about
// members this version does not know (as the trace schema is).
struct ReadOpts : glz::opts {
  bool validate_trailing_whitespace = true;
};
constexpr ReadOpts kStrict{{.error_on_unknown_keys = false, .error_on_missing_keys = true}};
constexpr ReadOpts kPeek{{.error_on_unknown_keys = false, .error_on_missing_keys = false}};

// ── Input: JSON to upstream's types ─────────────────────────────────────

template <typename T, auto Opts = kStrict>
T parse_line(const std::string &text, std::string_view what) {
  T value{};
  auto ec = glz::read<Opts>(value, text);
  if (ec) {
    throw Refusal{kExitMalformed, "not a valid " + std::string(what) + ": " + glz::format_error(ec) + " at byte " +
                                      std::to_string(ec.count + 1)};
  }
  return value;
}

pg::ObjectImage image_from(const std::vector<ExtentJson> &entries) {
  pg::ObjectImage image;
  for (const auto &e : entries) image[e.obj] = e.len;  // a repeated object keeps its last length
  return image;
}

pg::AuthorityImage authority_from(const std::vector<SourcedExtentJson> &entries) {
  pg::AuthorityImage auth;
  for (const auto &e : entries) auth[e.obj] = pg::ObjectAuthority{.authority_osd = e.osd, .authority_length = e.len};
  return auth;
}

pg::BlobMetaImage seals_from(const std::optional<std::vector<SealJson>> &entries) {
  pg::BlobMetaImage meta;
  if (!entries) return meta;
  for (const auto &e : *entries) meta[e.obj] = pg::BlobMeta{.sealed = e.sealed, .final_len = e.final_len};
  return meta;
}

pg::ActingSet acting_from(const ActingJson &a) { return pg::ActingSet{.osds = a.osds, .epoch = a.epoch}; }

pg::PeerInfo peer_info_from(const PeerInfoIn &p) {
  return pg::PeerInfo{
      .osd = p.osd,
      .committed_seq = p.committed_seq,
      .committed_length = p.committed_length,
      .image = image_from(p.image),
      .blob_meta = seals_from(p.blob_meta),
      .last_epoch_started = p.last_epoch_started,
      .last_interval_started = p.last_interval_started,
  };
}

pg::PGInfo pg_info_from(const PGInfoIn &p) {
  return pg::PGInfo{
      .pgid = p.pgid,
      .committed_seq = p.committed_seq,
      .committed_length = p.committed_length,
      .image = image_from(p.image),
      .blob_meta = seals_from(p.blob_meta),
      .last_epoch_started = p.last_epoch_started,
      .last_interval_started = p.last_interval_started,
      .last_epoch_clean = p.last_epoch_clean,
      .epoch_created = p.epoch_created,
      .same_interval_since = p.same_interval_since,
      .same_up_since = p.same_up_since,
      .same_primary_since = p.same_primary_since,
  };
}

// Pool sizes are C ints in upstream but counts in the trace format.
void require_count(int32_t value, std::string_view member) {
  if (value < 0) throw Refusal{kExitMalformed, "not a valid event: " + std::string(member) + " must be >= 0"};
}

pg::PeeringEvent event_from(const std::string &type, const std::string &text) {
  if (type == "Initialize") {
    auto e = parse_line<InitializeIn>(text, "Initialize event");
    require_count(e.pool_size, "pool_size");
    require_count(e.pool_min_size, "pool_min_size");
    return pg::event::Initialize{
        .pgid = e.pgid,
        .whoami = e.whoami,
        .epoch = e.epoch,
        .acting = acting_from(e.acting),
        .up = acting_from(e.up),
        .pool_size = e.pool_size,
        .pool_min_size = e.pool_min_size,
        .local_info = pg_info_from(e.local_info),
        .prior_osds = e.prior_osds,
    };
  }
  if (type == "AdvanceMap") {
    auto e = parse_line<AdvanceMapIn>(text, "AdvanceMap event");
    require_count(e.new_pool_size, "new_pool_size");
    require_count(e.new_pool_min_size, "new_pool_min_size");
    return pg::event::AdvanceMap{
        .new_epoch = e.new_epoch,
        .new_acting = acting_from(e.new_acting),
        .new_up = acting_from(e.new_up),
        .new_pool_size = e.new_pool_size,
        .new_pool_min_size = e.new_pool_min_size,
        .prior_osds = e.prior_osds,
    };
  }
  if (type == "PeerInfoReceived") {
    auto e = parse_line<PeerInfoReceivedIn>(text, "PeerInfoReceived event");
    return pg::event::PeerInfoReceived{.from = e.from, .info = peer_info_from(e.info), .query_epoch = e.query_epoch};
  }
  if (type == "PeerQueryTimeout") {
    auto e = parse_line<PeerQueryTimeoutIn>(text, "PeerQueryTimeout event");
    return pg::event::PeerQueryTimeout{.peer = e.peer};
  }
  if (type == "UpThruUpdated") {
    auto e = parse_line<UpThruUpdatedIn>(text, "UpThruUpdated event");
    return pg::event::UpThruUpdated{.epoch = e.epoch};
  }
  if (type == "ActivateCommitted") {
    parse_line<TypeOnlyIn>(text, "ActivateCommitted event");
    return pg::event::ActivateCommitted{};
  }
  if (type == "RecoveryComplete") {
    auto e = parse_line<RecoveryCompleteIn>(text, "RecoveryComplete event");
    return pg::event::RecoveryComplete{.peer = e.peer, .epoch = e.epoch};
  }
  if (type == "AllReplicasRecovered") {
    auto e = parse_line<AllReplicasRecoveredIn>(text, "AllReplicasRecovered event");
    return pg::event::AllReplicasRecovered{.epoch = e.epoch, .peers = e.peers};
  }
  if (type == "ReplicaActivate") {
    auto e = parse_line<ReplicaActivateIn>(text, "ReplicaActivate event");
    return pg::event::ReplicaActivate{
        .from = e.from,
        .auth_info = peer_info_from(e.auth_info),
        .auth_sources = authority_from(e.auth_sources),
        .auth_blob_meta = seals_from(e.auth_blob_meta),
        .authoritative_seq = e.authoritative_seq,
        .activation_epoch = e.activation_epoch,
    };
  }
  if (type == "ReplicaRecoveryComplete") {
    auto e = parse_line<ReplicaRecoveryCompleteIn>(text, "ReplicaRecoveryComplete event");
    return pg::event::ReplicaRecoveryComplete{
        .new_committed_seq = e.new_committed_seq,
        .new_committed_length = e.new_committed_length,
        .recovered_image = image_from(e.recovered_image),
        .activation_epoch = e.activation_epoch,
    };
  }
  if (type == "DeleteStart") {
    parse_line<TypeOnlyIn>(text, "DeleteStart event");
    return pg::event::DeleteStart{};
  }
  if (type == "DeleteComplete") {
    parse_line<TypeOnlyIn>(text, "DeleteComplete event");
    return pg::event::DeleteComplete{};
  }
  throw Refusal{kExitMalformed, "unknown event type \"" + type + "\""};
}

// ── Output: upstream's types to JSON ────────────────────────────────────

std::vector<ExtentJson> extents(const pg::ObjectImage &image) {
  std::vector<ExtentJson> out;
  out.reserve(image.size());
  for (const auto &[obj, len] : image) out.push_back({obj, len});
  return out;
}

std::vector<SourcedExtentJson> sourced(const pg::AuthorityImage &auth) {
  std::vector<SourcedExtentJson> out;
  out.reserve(auth.size());
  for (const auto &[obj, a] : auth) out.push_back({obj, a.authority_osd, a.authority_length});
  return out;
}

std::vector<SealJson> seals(const pg::BlobMetaImage &meta) {
  std::vector<SealJson> out;
  out.reserve(meta.size());
  for (const auto &[obj, m] : meta) out.push_back({obj, m.sealed, m.final_len});
  return out;
}

std::vector<int32_t> osd_list(const std::set<pg::osd_id_t> &osds) { return {osds.begin(), osds.end()}; }

ActingJson acting_json(const pg::ActingSet &a) { return {a.osds, a.epoch}; }

// Infos are written normalized: image and committed_length agree.
PeerInfoOut peer_info_json(const pg::PeerInfo &raw, pg::osd_id_t osd) {
  const auto p = pg::normalized_peer_info(raw);
  return {osd, p.committed_seq, p.committed_length, extents(p.image), seals(p.blob_meta), p.last_epoch_started,
          p.last_interval_started};
}

PeerInfoOut peer_info_json(const pg::PeerInfo &raw) { return peer_info_json(raw, raw.osd); }

PGInfoOut pg_info_json(const pg::PGInfo &raw) {
  const auto p = pg::normalized_pg_info(raw);
  return {p.pgid,
          p.committed_seq,
          p.committed_length,
          extents(p.image),
          seals(p.blob_meta),
          p.last_epoch_started,
          p.last_interval_started,
          p.last_epoch_clean,
          p.epoch_created,
          p.same_interval_since,
          p.same_up_since,
          p.same_primary_since};
}

std::vector<RecoveryJson> recoveries_json(const std::vector<pg::ObjRecovery> &items) {
  std::vector<RecoveryJson> out;
  out.reserve(items.size());
  for (const auto &r : items) out.push_back({r.obj, r.source, r.from_length, r.to_length});
  return out;
}

template <typename T> std::string json(const T &value) {
  std::string out;
  if (glz::write_json(value, out)) throw Refusal{kExitIo, "cannot encode JSON"};
  return out;
}

template <class... Fs> struct Cases : Fs... {
  using Fs::operator()...;
};

std::string effect_json(const pg::PeeringEffect &effect) {
  namespace fx = pg::effect;
  return std::visit(
      Cases{
          [](const fx::SendQuery &f) { return json(TargetEpochOut{"SendQuery", f.target, f.pgid, f.epoch}); },
          [](const fx::SendNotify &f) {
            return json(SendNotifyOut{"SendNotify", f.target, f.pgid, peer_info_json(f.info), f.epoch});
          },
          [](const fx::SendActivate &f) {
            return json(SendActivateOut{"SendActivate", f.target, f.pgid, peer_info_json(f.auth_info),
                                        sourced(f.auth_sources), seals(f.auth_blob_meta), f.authoritative_seq,
                                        f.activation_epoch});
          },
          [](const fx::ActivatePG &f) {
            return json(ActivatePGOut{"ActivatePG", f.pgid, f.authoritative_seq, f.authoritative_length,
                                      extents(f.authoritative_image), seals(f.authoritative_blob_meta),
                                      f.activation_epoch});
          },
          [](const fx::DeactivatePG &f) { return json(PgOnlyOut{"DeactivatePG", f.pgid}); },
          [](const fx::ScheduleRecovery &f) {
            ScheduleRecoveryOut out{"ScheduleRecovery", f.pgid, {}};
            for (const auto &t : f.targets) {
              out.targets.push_back({t.osd, t.peer_length, t.authoritative_length, t.peer_committed_seq,
                                     t.authoritative_seq, recoveries_json(t.recoveries)});
            }
            return json(out);
          },
          [](const fx::CancelRecovery &f) { return json(PgOnlyOut{"CancelRecovery", f.pgid}); },
          [](const fx::MarkClean &f) { return json(PgOnlyOut{"MarkClean", f.pgid}); },
          [](const fx::PersistState &f) { return json(PersistStateOut{"PersistState", f.pgid, pg_info_json(f.info)}); },
          [](const fx::RequestUpThru &f) { return json(EpochOut{"RequestUpThru", f.epoch}); },
          [](const fx::RequestActingChange &f) {
            return json(RequestActingChangeOut{"RequestActingChange", f.pgid, f.want_acting});
          },
          [](const fx::UpdateHeartbeats &f) { return json(PeersOut{"UpdateHeartbeats", f.peers}); },
          [](const fx::PublishStats &f) {
            return json(PublishStatsOut{"PublishStats", f.pgid, pg::state_name(f.state), f.committed_seq,
                                        f.authoritative_seq, f.committed_length, extents(f.image),
                                        extents(f.authoritative_image), seals(f.authoritative_blob_meta), f.acting_size,
                                        f.up_size});
          },
          [](const fx::DeletePG &f) { return json(PgOnlyOut{"DeletePG", f.pgid}); },
          [](const fx::LogTransition &f) {
            return json(LogTransitionOut{"LogTransition", f.pgid, pg::state_name(f.from), pg::state_name(f.to),
                                         f.reason ? f.reason : ""});
          },
      },
      effect);
}

std::string effects_json(const std::vector<pg::PeeringEffect> &effects) {
  std::string out = "[";
  for (std::size_t i = 0; i < effects.size(); ++i) {
    if (i > 0) out += ',';
    out += effect_json(effects[i]);
  }
  return out + "]";
}

std::string snapshot_json(const Machine::Snapshot &s) {
  SnapshotOut out{
      .state = pg::state_name(s.state),
      .pgid = s.pgid,
      .whoami = s.whoami,
      .epoch = s.epoch,
      .acting = acting_json(s.acting),
      .up = acting_json(s.up),
      .pool_size = s.pool_size,
      .pool_min_size = s.pool_min_size,
      .local_info = pg_info_json(s.local_info),
      .auth_seq = s.auth_seq,
      .auth_image = extents(s.auth_image),
      .auth_sources = sourced(s.auth_sources),
      .auth_blob_meta = seals(s.auth_blob_meta),
      .peer_info = {},
      .peers_queried = osd_list(s.peers_queried),
      .peers_responded = osd_list(s.peers_responded),
      .prior_osds = osd_list(s.prior_osds),
      .recovery_targets = osd_list(s.recovery_targets),
      .peer_recovery_plans = {},
      .local_recovery_plan = recoveries_json(s.local_recovery_plan),
      .recovered = osd_list(s.recovered),
      .timed_out_probes = osd_list(s.timed_out_probes),
      .need_up_thru = s.need_up_thru,
      .activated = s.activated,
      .pending_acting_change = s.pending_acting_change,
      .last_peering_reset = s.last_peering_reset,
  };
  // A peer's entry is keyed by OSD; the key, not the stored info, names it.
  for (const auto &[osd, info] : s.peer_info) out.peer_info.push_back(peer_info_json(info, osd));
  for (const auto &p : s.peer_recovery_plans) {
    out.peer_recovery_plans.push_back({p.target, p.peer_committed_seq, p.authoritative_seq, recoveries_json(p.recoveries)});
  }
  return json(out);
}

// ── The four checks, recomputed from a snapshot (docs/model.md) ─────────

// Every OSD with an image the primary knows of: answered peers, then itself.
std::vector<pg::PeerInfo> census(const Machine::Snapshot &s) {
  std::vector<pg::PeerInfo> known;
  for (const auto &[osd, info] : s.peer_info) {
    if (osd == s.whoami) continue;
    auto peer = pg::normalized_peer_info(info);
    peer.osd = osd;
    known.push_back(std::move(peer));
  }
  const auto local = pg::normalized_pg_info(s.local_info);
  known.push_back(pg::PeerInfo{
      .osd = s.whoami,
      .committed_seq = local.committed_seq,
      .committed_length = local.committed_length,
      .image = local.image,
      .blob_meta = local.blob_meta,
      .last_epoch_started = local.last_epoch_started,
      .last_interval_started = local.last_interval_started,
  });
  return known;
}

// Acting replicas other than this OSD; one that never answered counts as empty.
std::vector<pg::PeerInfo> acting_replicas(const Machine::Snapshot &s) {
  std::vector<pg::PeerInfo> replicas;
  for (const auto osd : s.acting.osds) {
    if (osd < 0 || osd == s.whoami) continue;
    const auto found = s.peer_info.find(osd);
    pg::PeerInfo peer = found == s.peer_info.end() ? pg::PeerInfo{} : pg::normalized_peer_info(found->second);
    peer.osd = osd;
    replicas.push_back(std::move(peer));
  }
  return replicas;
}

bool enough_answers(const Machine::Snapshot &s) {
  const auto answered = [&](pg::osd_id_t osd) { return s.peers_responded.contains(osd); };
  if (!std::ranges::all_of(s.peers_queried, answered)) return false;
  return std::ranges::all_of(s.acting.osds, [&](pg::osd_id_t osd) { return osd < 0 || osd == s.whoami || answered(osd); });
}

bool image_invariant(const Machine::Snapshot &s, const std::vector<pg::PeerInfo> &known,
                     const std::vector<pg::PeerInfo> &replicas) {
  const auto sources = pg::authoritative_sources(known);
  const auto image = pg::authority_image_values(sources);
  pg::journal_seq_t seq = 0;
  for (const auto &peer : known) seq = std::max(seq, peer.committed_seq);

  for (const auto &[obj, authority] : s.auth_sources) {
    const bool backed = std::ranges::any_of(known, [&](const pg::PeerInfo &peer) {
      return pg::lookup_length(pg::effective_image(peer), obj) == authority.authority_length;
    });
    if (!backed) return false;
  }
  if (!pg::same_image(s.auth_image, image) || s.auth_seq != seq) return false;
  if (!pg::same_image(pg::authority_image_values(s.auth_sources), image)) return false;
  if (s.auth_blob_meta != pg::authoritative_blob_meta(known, sources)) return false;
  if (s.local_info.committed_seq > s.auth_seq) return false;
  if (!pg::prefix_image(pg::effective_image(s.local_info), s.auth_image)) return false;
  for (const auto &peer : replicas) {
    if (peer.committed_seq > s.auth_seq || !pg::prefix_image(pg::effective_image(peer), s.auth_image)) return false;
  }
  if (s.peer_recovery_plans != pg::build_peer_recovery_plans(sources, seq, replicas)) return false;
  return s.local_recovery_plan == pg::pg_image_recovery_plan(sources, s.local_info);
}

bool nothing_to_recover(const Machine::Snapshot &s, const std::vector<pg::PeerInfo> &replicas) {
  if (!s.peer_recovery_plans.empty() || !s.local_recovery_plan.empty()) return false;
  if (s.local_info.committed_seq < s.auth_seq || !pg::same_image(pg::effective_image(s.local_info), s.auth_image)) {
    return false;
  }
  return std::ranges::all_of(replicas, [&](const pg::PeerInfo &peer) {
    return peer.committed_seq >= s.auth_seq && pg::same_image(pg::effective_image(peer), s.auth_image);
  });
}

bool work_outstanding(const Machine::Snapshot &s, const std::vector<pg::PeerInfo> &replicas) {
  return !s.peer_recovery_plans.empty() || !s.local_recovery_plan.empty() || s.local_info.committed_seq < s.auth_seq ||
         std::ranges::any_of(replicas, [&](const pg::PeerInfo &peer) { return peer.committed_seq < s.auth_seq; });
}

std::string checks_json(const Machine::Snapshot &s) {
  const auto replicas = acting_replicas(s);
  const bool invariant = image_invariant(s, census(s), replicas);
  const bool clean = invariant && nothing_to_recover(s, replicas);
  return json(ChecksOut{enough_answers(s), invariant, clean, invariant && !clean && work_outstanding(s, replicas)});
}

// ── The protocol loop ───────────────────────────────────────────────────

void write_line(const std::string &text) {
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fputc('\n', stdout) == EOF ||
      std::fflush(stdout) != 0) {
    if (errno == EPIPE) throw Refusal{kExitBrokenPipe, "stdout was closed"};
    throw Refusal{kExitIo, std::string("cannot write stdout: ") + std::strerror(errno)};
  }
}

bool is_blank(std::string_view line) {
  return std::ranges::all_of(line, [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

class Session {
public:
  void line(std::string text) {
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) text.pop_back();
    if (is_blank(text)) return;
    if (ended_) throw Refusal{kExitMalformed, "input after the summary line"};
    const auto head = parse_line<LineHead, kPeek>(text, "JSON object");
    if (head.kind) {
      if (*head.kind != "summary") throw Refusal{kExitMalformed, "unexpected line kind \"" + *head.kind + "\""};
      summary(text);
      return;
    }
    if (!head.type) throw Refusal{kExitMalformed, "not a valid event: missing member \"type\""};
    std::string wire;
    glz::minify_json(text, wire);
    step(event_from(*head.type, text), std::move(wire));
  }

private:
  Machine::Snapshot snapshot_ = Machine().snapshot();
  int64_t steps_ = 0;
  bool ended_ = false;

  // The step echoes the event as received (minified): a checker then replays
  // what the reducer was given, not this adapter's reading of it.
  void step(const pg::PeeringEvent &event, std::string wire) {
    Machine::SnapshotStepResult result;
    try {
      result = Machine::step(snapshot_, event);
    } catch (const std::exception &err) {
      throw Refusal{kExitUnhandled, std::string("the reducer cannot handle this event: ") + err.what()};
    }
    StepOut out{
        .kind = "step",
        .step = steps_,
        .from_state = pg::state_name(result.from),
        .to_state = pg::state_name(result.to),
        .event = {std::move(wire)},
        .before = {snapshot_json(result.before)},
        .before_checks = {checks_json(result.before)},
        .after = {snapshot_json(result.after)},
        .after_checks = {checks_json(result.after)},
        .effects = {effects_json(result.effects)},
    };
    write_line(json(out));
    snapshot_ = std::move(result.after);
    ++steps_;
  }

  void summary(const std::string &text) {
    const auto s = parse_line<SummaryIn>(text, "summary line");
    if (steps_ == 0) throw Refusal{kExitMalformed, "summary line before any event"};
    if (s.events != steps_) {
      throw Refusal{kExitMalformed, "summary line counts " + std::to_string(s.events) + " events but " +
                                        std::to_string(steps_) + " were read (input cut short?)"};
    }
    ended_ = true;
    write_line(json(SummaryOut{.kind = "summary", .seed = s.seed, .events = steps_}));
  }
};

int run() {
  Session session;
  std::string text;
  int64_t line_no = 0;
  for (;;) {
    errno = 0;
    if (!std::getline(std::cin, text)) break;
    ++line_no;
    try {
      if (text.size() > kMaxLineBytes) throw Refusal{kExitMalformed, "longer than the 8 MiB line limit"};
      session.line(std::move(text));
    } catch (const Refusal &r) {
      std::fprintf(stderr, "peering-adapter: line %lld: %s\n", static_cast<long long>(line_no), r.message.c_str());
      return r.exit_code;
    }
  }
  if (std::cin.bad()) {
    std::fprintf(stderr, "peering-adapter: cannot read stdin\n");
    return kExitIo;
  }
  return 0;
}

}  // namespace

int main(int argc, char **argv) {
  // A closed stdout must end with a status, not a silent SIGPIPE death.
  std::signal(SIGPIPE, SIG_IGN);
  std::ios::sync_with_stdio(false);
  if (argc == 2 && std::string_view(argv[1]) == "--version") {
    std::puts("peering-adapter (upstream zhscn/peering 3e634d5 cpp/; protocol 1)");
    return 0;
  }
  if (argc > 1) {
    std::fprintf(stderr, "peering-adapter: unexpected argument \"%s\" (events are read from stdin; see docs/protocol.md)\n",
                 argv[1]);
    return kExitUsage;
  }
  try {
    return run();
  } catch (const std::exception &err) {
    std::fprintf(stderr, "peering-adapter: %s\n", err.what());
    return kExitUnhandled;
  }
}
