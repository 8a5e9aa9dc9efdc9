#pragma once
/// Fleet audits: one audit shared by many worker processes (on many machines) through a
/// PostgreSQL coordinator. The unit of work is one input file of a manifest, named by its
/// position; workers lease units (FOR UPDATE SKIP LOCKED), keep the lease with a heartbeat, run
/// the audit pipeline over the unit and commit each batch's result lines with the record of its
/// documents in one transaction fenced by the lease's token.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tweetcheck/audit.hpp"
#include "tweetcheck/cache.hpp"
#include "tweetcheck/http.hpp"
#include "tweetcheck/http_gate.hpp"
#include "tweetcheck/result.hpp"

namespace tweetcheck {

/// What `fleet init` freezes for every worker of an audit.
struct FleetSettings {
  std::vector<std::string> files;      ///< the manifest: unit N is files[N - 1]
  std::string base_url;                ///< relative manifest entries are taken from under it ("" : as given)
  std::string sources;                 ///< --sources, comma-separated ("": the default order)
  std::map<std::string, double> rates; ///< host → requests per second for the whole fleet
  int max_attempts = 3;                ///< a unit failing this many times ends `failed`
};

/// The version of the coordinator's schema this library creates and reads.
inline constexpr int k_fleet_schema_version = 1;

/// Creates or migrates the coordinator's schema (versioned, schema_version table) and loads the
/// audit `name`: its units and frozen settings. Running it again with the same manifest and
/// settings changes nothing; another manifest under the same name fails (Errc::config).
Result<std::size_t> fleet_init(const std::string& coordinator, const std::string& name, const FleetSettings& settings);

/// The frozen settings of audit `name` (Errc::config when there is no such audit).
Result<FleetSettings> fleet_settings(const std::string& coordinator, const std::string& name);

struct WorkerOptions {
  AuditOptions audit;          ///< the pipeline's options (output/state/shard are not used)
  unsigned lease_seconds = 60; ///< a lease not renewed for this long goes to another worker
  std::string worker;          ///< who holds a lease (default: host:pid)
  double poll_seconds = 1;     ///< how long to wait before asking again while others hold every unit left
  /// How long to wait for a coordinator that went away (restarted) before giving up.
  std::chrono::seconds reconnect_window{120};
  /// Told what happens to units ("unit 3 done", "lease of unit 2 was taken: …").
  std::function<void(const std::string&)> on_event;
};

struct WorkerStats {
  std::uint64_t units_done = 0;   ///< by this worker
  std::uint64_t units_failed = 0; ///< attempts of this worker that failed
  std::uint64_t units_lost = 0;   ///< leases taken away (their last batch not committed)
  std::uint64_t reconnects = 0;   ///< times the coordinator went away and came back
  /// Stopped on request (AuditOptions::cancel) before the queue was empty; the unit being worked
  /// on was given back.
  bool stopped = false;
  std::uint64_t documents = 0, posts = 0;
  /// Once no unit is left: the audit has units that ended `failed`.
  bool audit_has_failed_units = false;
};

/// Leases and processes units of audit `name` until none is left (todo or leased by others).
/// Fails (Errc::database, Errc::config) only when the coordinator cannot be used; a unit that
/// cannot be read is recorded as that unit's error.
Result<WorkerStats> run_fleet_worker(const std::string& coordinator, const std::string& name,
                                     const WorkerOptions& options, HttpClient* client, Cache* cache);

struct FleetStatus {
  std::map<std::string, std::uint64_t> units;                    ///< todo, leased, done, failed (all four present)
  std::map<std::string, std::uint64_t> posts;                    ///< verdict → result lines
  std::vector<std::string> paused_hosts;                         ///< hosts paused by a Retry-After now
  std::vector<std::pair<std::string, std::string>> failed_units; ///< (unit, its error)
};

Result<FleetStatus> fleet_status(const std::string& coordinator, const std::string& name);
/// `{"units": {...}, "posts": {...}, "paused_hosts": [...], "failed_units": [{"unit": …, "error": …}]}`.
std::string fleet_status_json(const FleetStatus& status);

/// Writes the audit's result lines as JSONL, ordered by (file ordinal, record), each line's
/// document `seq` counted over the whole manifest as a single-process audit counts it. Returns
/// the number of lines.
Result<std::uint64_t> fleet_export(const std::string& coordinator, const std::string& name, const std::string& output);

/// The fleet's politeness on the coordinator's clock: a GCRA per host of `rates` (requests per
/// second, a burst of one), and pauses (Retry-After) that hold a host for every worker. The gate
/// lets requests through when the coordinator cannot be asked.
Result<std::shared_ptr<HostGate>> make_fleet_gate(const std::string& coordinator,
                                                  const std::map<std::string, double>& rates);

/// The same politeness for processes that share only a cache in the PostgreSQL database `url`
/// (`check` and `audit` with `--cache postgresql://…`): every host's requests spaced `rate` per
/// second for all of them together (0: no budget, only the shared Retry-After pauses).
Result<std::shared_ptr<HostGate>> make_shared_gate(const std::string& url, double rate);

/// Whether `spec` names a PostgreSQL database (postgresql://, postgres://).
bool is_postgres_url(std::string_view spec);

} // namespace tweetcheck
