// The fleet's coordinator in PostgreSQL: a versioned schema, the manifest's units and their
// leases, workers that run the audit pipeline over a leased unit and commit each batch fenced by
// the lease token, status and export.
#include "tweetcheck/fleet.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "audit/audit_internal.hpp"
#include "core/handles.hpp"
#include "core/json_util.hpp"
#include "store/atomic_file.hpp"
#include "store/pg.hpp"
#include "tweetcheck/resolve.hpp"

namespace tweetcheck {

using detail::Pg;
using detail::pg_text;
using Json = nlohmann::ordered_json;

bool is_postgres_url(std::string_view spec) {
  return spec.rfind("postgresql://", 0) == 0 || spec.rfind("postgres://", 0) == 0;
}

namespace {

using detail::k_pg_schema_lock;


constexpr const char* k_schema_v1 = R"sql(
CREATE TABLE fleet_audits(
  name text PRIMARY KEY,
  settings text NOT NULL,
  max_attempts integer NOT NULL,
  created timestamptz NOT NULL DEFAULT now());
CREATE TABLE fleet_units(
  audit text NOT NULL REFERENCES fleet_audits(name) ON DELETE CASCADE,
  ordinal integer NOT NULL,
  path text NOT NULL,
  state text NOT NULL DEFAULT 'todo' CHECK (state IN ('todo', 'leased', 'done', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  lease_token bigint,
  lease_until timestamptz,
  worker text,
  error text,
  docs bigint,
  PRIMARY KEY (audit, ordinal));
CREATE INDEX fleet_units_state ON fleet_units(audit, state, ordinal);
CREATE SEQUENCE fleet_lease_tokens;
CREATE TABLE fleet_unit_docs(
  audit text NOT NULL,
  ordinal integer NOT NULL,
  key text NOT NULL,
  PRIMARY KEY (audit, ordinal, key),
  FOREIGN KEY (audit, ordinal) REFERENCES fleet_units(audit, ordinal) ON DELETE CASCADE);
CREATE TABLE fleet_results(
  audit text NOT NULL,
  ordinal integer NOT NULL,
  seq bigint NOT NULL,
  idx integer NOT NULL,
  verdict text,
  line text NOT NULL,
  PRIMARY KEY (audit, ordinal, seq, idx),
  FOREIGN KEY (audit, ordinal) REFERENCES fleet_units(audit, ordinal) ON DELETE CASCADE);
)sql";

/// The hosts' shared politeness (a GCRA's theoretical arrival time, a Retry-After pause): part of
/// the coordinator's schema, and made alone in a database that is only a shared cache.
constexpr const char* k_hosts_table = "CREATE TABLE IF NOT EXISTS fleet_hosts(host text PRIMARY KEY, "
                                      "tat timestamptz NOT NULL DEFAULT now(), paused_until timestamptz)";

/// Creates the schema, or checks it is one this library knows.
Result<void> migrate(Pg& pg) {
  return pg.transaction([&]() -> Result<void> {
    if (auto r = pg.run(k_pg_schema_lock); !r) return r;
    if (auto r = pg.run("CREATE TABLE IF NOT EXISTS schema_version(version integer NOT NULL)"); !r) return r;
    auto v = pg.exec("SELECT max(version) FROM schema_version");
    if (!v) return tl::unexpected(v.error());
    const std::string have = pg_text(*v, 0, 0);
    const int version = have.empty() ? 0 : std::stoi(have);
    if (version > k_fleet_schema_version) {
      return fail(Errc::config, "the coordinator's schema is version " + have + ", newer than this tweetcheck knows (" +
                                    std::to_string(k_fleet_schema_version) + "): upgrade tweetcheck");
    }
    if (version < 1) {
      if (auto r = pg.run(k_schema_v1); !r) return r;
      if (auto r = pg.run(k_hosts_table); !r) return r;
    }
    // Later versions: `if (version < 2) { ALTER … }`, each step in this one transaction.
    if (version < k_fleet_schema_version) {
      if (auto r = pg.run("DELETE FROM schema_version"); !r) return r;
      if (auto r = pg.exec("INSERT INTO schema_version(version) VALUES($1)", {std::to_string(k_fleet_schema_version)});
          !r)
        return tl::unexpected(r.error());
    }
    return {};
  });
}

/// Connects and checks that the schema is this library's (a worker never migrates).
Result<Pg> open_coordinator(const std::string& url, int connect_timeout_s = 10) {
  auto pg = Pg::connect(url, connect_timeout_s);
  if (!pg) return tl::unexpected(pg.error());
  auto v = pg->exec("SELECT max(version) FROM schema_version");
  if (!v) return fail(Errc::config, "'" + detail::pg_redacted(url) + "' has no tweetcheck fleet: run `fleet init`");
  if (pg_text(*v, 0, 0) != std::to_string(k_fleet_schema_version)) {
    return fail(Errc::config, "the coordinator's schema is version " + pg_text(*v, 0, 0) + ", this tweetcheck reads " +
                                  std::to_string(k_fleet_schema_version) + ": run `fleet init` with this version");
  }
  return pg;
}

std::string settings_json(const FleetSettings& s) {
  Json rates = Json::object();
  for (const auto& [host, rate] : s.rates) rates[host] = rate;
  return Json{{"base_url", s.base_url}, {"sources", s.sources}, {"rates", rates}, {"max_attempts", s.max_attempts}}
      .dump();
}

Result<FleetSettings> read_settings(Pg& pg, const std::string& name) {
  auto r = pg.exec("SELECT settings FROM fleet_audits WHERE name = $1", {name});
  if (!r) return tl::unexpected(r.error());
  if (PQntuples(r->get()) == 0) return fail(Errc::config, "the coordinator has no audit '" + name + "'");
  const auto j = detail::parse_json(pg_text(*r, 0, 0));
  FleetSettings s;
  if (!j.is_object()) return fail(Errc::database, "audit '" + name + "': unreadable settings");
  s.base_url = j.value("base_url", "");
  s.sources = j.value("sources", "");
  s.max_attempts = j.value("max_attempts", 3);
  if (j.contains("rates") && j["rates"].is_object()) {
    for (const auto& [host, rate] : j["rates"].items()) {
      if (rate.is_number()) s.rates[host] = rate.get<double>();
    }
  }
  auto files = pg.exec("SELECT path FROM fleet_units WHERE audit = $1 ORDER BY ordinal", {name});
  if (!files) return tl::unexpected(files.error());
  for (int i = 0; i < PQntuples(files->get()); ++i) s.files.push_back(pg_text(*files, i, 0));
  return s;
}

/// A leased unit.
struct Lease {
  int ordinal = 0;
  std::string path, token;
  int attempts = 0;
};

/// The sink of one leased unit: its done documents, and commits fenced by the lease token.
class UnitSink final : public detail::AuditSink {
public:
  UnitSink(Pg& pg, const std::string& audit, const Lease& lease, unsigned lease_seconds)
      : m_pg(pg), m_audit(audit), m_lease(lease), m_lease_seconds(std::to_string(lease_seconds)) {}

  Result<void> load_done() {
    auto r = m_pg.exec("SELECT key FROM fleet_unit_docs WHERE audit = $1 AND ordinal = $2",
                       {m_audit, std::to_string(m_lease.ordinal)});
    if (!r) return tl::unexpected(r.error());
    for (int i = 0; i < PQntuples(r->get()); ++i) m_done.insert(pg_text(*r, i, 0));
    return {};
  }

  bool done(const std::string& key) override { return m_done.count(key) != 0; }

  Result<void> commit(const std::vector<std::string>& keys, const std::vector<detail::AuditLine>& lines) override {
    auto made = m_pg.transaction([&]() -> Result<void> {
      const std::string ordinal = std::to_string(m_lease.ordinal);
      // The fence: the row is locked, so a worker that takes the unit over waits for this commit
      // and one whose lease was taken finds another token.
      auto own = m_pg.exec("SELECT 1 FROM fleet_units WHERE audit = $1 AND ordinal = $2 AND lease_token = $3 AND "
                           "state = 'leased' FOR UPDATE",
                           {m_audit, ordinal, m_lease.token});
      if (!own) return tl::unexpected(own.error());
      if (PQntuples(own->get()) == 0) {
        lost = true;
        return fail(Errc::database, "the lease of unit " + ordinal + " was taken by another worker: its batch of " +
                                        std::to_string(keys.size()) + " documents is not committed");
      }
      // One statement per table for the whole batch (arrays unnested side by side).
      auto docs = m_pg.exec("INSERT INTO fleet_unit_docs(audit, ordinal, key) SELECT $1, $2, k "
                            "FROM unnest($3::text[]) AS k ON CONFLICT DO NOTHING",
                            {m_audit, ordinal, detail::pg_array(keys)});
      if (!docs) return tl::unexpected(docs.error());
      std::vector<std::string> seqs, idxs, verdicts, texts;
      std::uint64_t prev_seq = ~std::uint64_t{0};
      int idx = 0;
      for (const auto& l : lines) {
        idx = l.seq == prev_seq ? idx + 1 : 0;
        prev_seq = l.seq;
        seqs.push_back(std::to_string(l.seq));
        idxs.push_back(std::to_string(idx));
        verdicts.push_back(l.verdict);
        texts.push_back(l.json);
      }
      auto results = m_pg.exec("INSERT INTO fleet_results(audit, ordinal, seq, idx, verdict, line) "
                               "SELECT $1, $2, s, i, nullif(v, ''), t FROM unnest($3::bigint[], $4::integer[], "
                               "$5::text[], $6::text[]) AS x(s, i, v, t) ON CONFLICT DO NOTHING",
                               {m_audit, ordinal, detail::pg_array(seqs), detail::pg_array(idxs),
                                detail::pg_array(verdicts), detail::pg_array(texts)});
      if (!results) return tl::unexpected(results.error());
      auto renew = m_pg.exec("UPDATE fleet_units SET lease_until = now() + make_interval(secs => $3) "
                             "WHERE audit = $1 AND ordinal = $2",
                             {m_audit, ordinal, m_lease_seconds});
      if (!renew) return tl::unexpected(renew.error());
      return {};
    });
    if (!made) return made;
    for (const auto& k : keys) m_done.insert(k);
    return {};
  }

  bool lost = false;

private:
  Pg& m_pg;
  const std::string& m_audit;
  const Lease& m_lease;
  std::string m_lease_seconds;
  std::set<std::string> m_done;
};

/// Renews a lease every third of its length on its own connection until stopped.
class Heartbeat {
public:
  Heartbeat(Pg& pg, const std::string& audit, const Lease& lease, unsigned lease_seconds)
      : m_thread([this, &pg, audit, lease, lease_seconds] {
          const auto every = std::chrono::milliseconds(std::max(200u, lease_seconds * 1000 / 3));
          std::unique_lock<std::mutex> lock(m_mutex);
          while (!m_stop) {
            if (m_cv.wait_for(lock, every, [this] { return m_stop; })) break;
            lock.unlock();
            auto r = pg.exec("UPDATE fleet_units SET lease_until = now() + make_interval(secs => $4) "
                             "WHERE audit = $1 AND ordinal = $2 AND lease_token = $3 AND state = 'leased'",
                             {audit, std::to_string(lease.ordinal), lease.token, std::to_string(lease_seconds)});
            (void)r; // a lost connection is made again by the next beat's statement
            lock.lock();
          }
        }) {}
  ~Heartbeat() {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_stop = true;
    }
    m_cv.notify_all();
    m_thread.join();
  }
  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;

private:
  std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_stop = false;
  std::thread m_thread;
};

/// Whether a unit is downloaded before it is read: an http(s) URL.
bool is_download(const std::string& input) {
  return input.rfind("https://", 0) == 0 || input.rfind("http://", 0) == 0;
}

/// The end of a URL's file name that tells the readers what it holds (".warc.gz", ".jsonl", …).
std::string input_suffix(const std::string& url) {
  std::string file = url.substr(0, url.find_first_of("?#"));
  file = file.substr(file.find_last_of('/') + 1);
  for (const char* s : {".warc.gz", ".warc", ".jsonl", ".ndjson", ".rss", ".atom", ".xml", ".json", ".html", ".htm",
                        ".txt", ".md"}) {
    const std::string_view suffix(s);
    if (file.size() >= suffix.size() && file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0)
      return std::string(suffix);
  }
  return {};
}

/// A downloaded unit's file, removed with the object.
struct Download {
  std::string path;
  Download() = default;
  Download(const Download&) = delete;
  Download& operator=(const Download&) = delete;
  ~Download() {
    if (!path.empty()) std::remove(path.c_str());
  }
};

/// Downloads `url` into a new file under $TMPDIR with the HTTP client (its retries, Retry-After
/// pauses and the fleet's budget for the host), following redirects (at most 10).
Result<void> download(HttpClient* client, const std::string& url, Download& into) {
  if (!client) return fail(Errc::http, "cannot download '" + url + "': no network (--offline)");
  const std::string suffix = input_suffix(url);
  const char* tmpdir = std::getenv("TMPDIR");
  std::string name = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/tweetcheck-unit-XXXXXX" + suffix;
  detail::UniqueFd fd(::mkstemps(name.data(), static_cast<int>(suffix.size())));
  if (!fd) return fail(Errc::io, "cannot create a temporary file for '" + url + "': " + std::strerror(errno));
  fd.close();
  into.path = name;
  std::string at = url;
  for (int hop = 0;; ++hop) {
    HttpRequest req;
    req.url = at;
    req.save_to = into.path;
    HttpResponse got;
    client->submit(std::move(req), [&got](HttpResponse r) { got = std::move(r); });
    client->run();
    const bool redirect = got.failure == HttpFailure::none && (got.status == 301 || got.status == 302 ||
                                                               got.status == 303 || got.status == 307 || got.status == 308);
    if (redirect && hop < 10) {
      const std::string next = resolve_reference(at, got.header("location"));
      if (!next.empty() && is_download(next)) {
        at = next;
        continue;
      }
    }
    if (got.failure != HttpFailure::none) return fail(Errc::http, "cannot download '" + url + "': " + got.error);
    if (got.status != 200) return fail(Errc::http, "cannot download '" + url + "': HTTP " + std::to_string(got.status));
    return {};
  }
}

std::string unit_path(const FleetSettings& s, const std::string& path) {
  if (s.base_url.empty() || path.empty() || path[0] == '/' || path.find("://") != std::string::npos) return path;
  std::string base = s.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/" + path;
}

} // namespace

Result<std::size_t> fleet_init(const std::string& coordinator, const std::string& name, const FleetSettings& s) {
  if (name.empty()) return fail(Errc::usage, "fleet init needs --audit NAME");
  if (s.files.empty()) return fail(Errc::usage, "fleet init: the manifest lists no input");
  if (s.max_attempts < 1) return fail(Errc::usage, "--max-attempts must be at least 1");
  auto pg = Pg::connect(coordinator);
  if (!pg) return tl::unexpected(pg.error());
  if (auto m = migrate(*pg); !m) return tl::unexpected(m.error());
  return pg->transaction([&]() -> Result<std::size_t> {
    if (auto r = pg->run(k_pg_schema_lock); !r) return tl::unexpected(r.error());
    const std::string settings = settings_json(s);
    auto have = pg->exec("SELECT settings FROM fleet_audits WHERE name = $1", {name});
    if (!have) return tl::unexpected(have.error());
    if (PQntuples(have->get()) > 0) {
      auto old = read_settings(*pg, name);
      if (!old) return tl::unexpected(old.error());
      if (pg_text(*have, 0, 0) != settings || old->files != s.files) {
        return fail(Errc::config, "the coordinator has an audit '" + name +
                                      "' with another manifest or settings: give another --audit NAME");
      }
      return s.files.size(); // the same audit: nothing to do
    }
    auto ins = pg->exec("INSERT INTO fleet_audits(name, settings, max_attempts) VALUES($1, $2, $3)",
                        {name, settings, std::to_string(s.max_attempts)});
    if (!ins) return tl::unexpected(ins.error());
    auto units = pg->exec("INSERT INTO fleet_units(audit, ordinal, path) SELECT $1, ordinality, path "
                          "FROM unnest($2::text[]) WITH ORDINALITY AS u(path, ordinality)",
                          {name, detail::pg_array(s.files)});
    if (!units) return tl::unexpected(units.error());
    return s.files.size();
  });
}

Result<FleetSettings> fleet_settings(const std::string& coordinator, const std::string& name) {
  auto pg = open_coordinator(coordinator);
  if (!pg) return tl::unexpected(pg.error());
  return read_settings(*pg, name);
}

Result<WorkerStats> run_fleet_worker(const std::string& coordinator, const std::string& name, const WorkerOptions& o,
                                     HttpClient* client, Cache* cache) {
  auto pg = open_coordinator(coordinator);
  if (!pg) return tl::unexpected(pg.error());
  auto beat_pg = Pg::connect(coordinator);
  if (!beat_pg) return tl::unexpected(beat_pg.error());
  auto settings = read_settings(*pg, name);
  if (!settings) return tl::unexpected(settings.error());
  const std::string worker = o.worker.empty() ? detail::pg_process_name() : o.worker;
  const unsigned lease_seconds = std::max(1u, o.lease_seconds);
  const std::string lease_s = std::to_string(lease_seconds);
  // After a restart of the coordinator no lease counts as expired for a lease's length: leases
  // were not renewed while it was down, and their holders reconnect within seconds.
  const std::string grace_s = lease_s;
  auto tell = [&](const std::string& what) {
    if (o.on_event) o.on_event(what);
  };
  WorkerStats stats;
  // A statement failed: when the coordinator went away (restarted, failed over) rather than
  // refused it, wait for it to answer again. False: the error stands.
  auto came_back = [&](const Error& e) {
    if (e.code != Errc::database || pg->connected()) return false;
    tell("the coordinator went away (" + e.message + "): waiting up to " +
         std::to_string(o.reconnect_window.count()) + " s for it");
    if (!pg->reconnect(o.reconnect_window)) return false;
    ++stats.reconnects;
    tell("the coordinator answers again");
    return true;
  };
  AuditOptions audit = o.audit;
  audit.shard_k = audit.shard_n = 1;
  // One memo for the worker's life: a transient answer is asked once per worker at most.
  if (!audit.verify.memo) audit.verify.memo = std::make_shared<ResponseMemo>();
  // A statement that is sent once more after the coordinator came back.
  auto exec_again = [&](const std::string& sql, const std::vector<detail::PgParam>& params) {
    auto r = pg->exec(sql, params);
    if (!r && came_back(r.error())) r = pg->exec(sql, params);
    return r;
  };
  auto stop_requested = [&] { return o.audit.cancel && o.audit.cancel->load(); };
  for (;;) {
    if (stop_requested()) {
      stats.stopped = true;
      return stats;
    }
    // Expired leases of units that used up their attempts end `failed` (see grace_s).
    auto expire =
        pg->exec("UPDATE fleet_units u SET state = 'failed', lease_token = NULL, "
                 "error = coalesce(u.error || '; ', '') || 'lease expired after ' || u.attempts || ' attempts' "
                 "FROM fleet_audits a WHERE a.name = u.audit AND u.audit = $1 AND u.state = 'leased' AND "
                 "u.lease_until < now() AND u.attempts >= a.max_attempts AND "
                 "pg_postmaster_start_time() < now() - make_interval(secs => $2)",
                 {name, grace_s});
    if (!expire) {
      if (came_back(expire.error())) continue;
      return tl::unexpected(expire.error());
    }
    // The next unit to do, or one whose lease expired with attempts left (the check is here too:
    // a lease may expire between the two statements). First, a unit leased to this very worker:
    // a claim whose answer was lost with the connection and was sent again (not a new attempt).
    auto claim = pg->exec("UPDATE fleet_units u SET state = 'leased', "
                          "attempts = u.attempts + CASE WHEN u.state = 'leased' AND u.worker = $3 THEN 0 ELSE 1 END, "
                          "lease_token = nextval('fleet_lease_tokens'), "
                          "lease_until = now() + make_interval(secs => $2), worker = $3 "
                          "WHERE (u.audit, u.ordinal) = (SELECT f.audit, f.ordinal FROM fleet_units f "
                          "  JOIN fleet_audits a ON a.name = f.audit WHERE f.audit = $1 AND (f.state = 'todo' OR "
                          "  (f.state = 'leased' AND f.worker = $3) OR "
                          "  (f.state = 'leased' AND f.lease_until < now() AND f.attempts < a.max_attempts AND "
                          "   pg_postmaster_start_time() < now() - make_interval(secs => $4))) "
                          "  ORDER BY (f.state = 'leased' AND f.worker = $3) DESC, f.ordinal LIMIT 1 "
                          "  FOR UPDATE OF f SKIP LOCKED) "
                          "RETURNING u.ordinal, u.path, u.lease_token, u.attempts",
                          {name, lease_s, worker, grace_s});
    if (!claim) {
      if (came_back(claim.error())) continue;
      return tl::unexpected(claim.error());
    }
    if (PQntuples(claim->get()) == 0) {
      auto left = pg->exec("SELECT count(*) FILTER (WHERE state IN ('todo', 'leased')), "
                           "count(*) FILTER (WHERE state = 'failed') FROM fleet_units WHERE audit = $1",
                           {name});
      if (!left) {
        if (came_back(left.error())) continue;
        return tl::unexpected(left.error());
      }
      if (pg_text(*left, 0, 0) == "0") {
        stats.audit_has_failed_units = pg_text(*left, 0, 1) != "0";
        return stats;
      }
      // Others hold every unit left: wait, then look again (their leases may expire).
      const auto until =
          std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<long>(o.poll_seconds * 1000));
      while (std::chrono::steady_clock::now() < until && !stop_requested())
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    Lease lease;
    lease.ordinal = std::atoi(pg_text(*claim, 0, 0).c_str());
    lease.path = pg_text(*claim, 0, 1);
    lease.token = pg_text(*claim, 0, 2);
    lease.attempts = std::atoi(pg_text(*claim, 0, 3).c_str());
    const std::string ordinal = std::to_string(lease.ordinal);
    tell("unit " + ordinal + " (" + lease.path + ") leased, attempt " + std::to_string(lease.attempts));

    // Runs the unit (again after the coordinator came back, resuming after its last committed
    // batch) while the lease is ours. The outcome: done, failed with the unit's error, or lost.
    enum class Outcome { done, failed, lost };
    Outcome outcome = Outcome::lost;
    Result<AuditStats> run = fail(Errc::database, "not run");
    const std::string input = unit_path(*settings, lease.path);
    Download fetched; // a unit named by a URL: saved under $TMPDIR for as long as it is worked on
    AuditOptions unit_audit = audit;
    for (;;) {
      UnitSink sink(*pg, name, lease, lease_seconds);
      auto loaded = sink.load_done();
      if (loaded) {
        Heartbeat beat(*beat_pg, name, lease, lease_seconds); // also while it downloads
        Result<void> got;
        if (fetched.path.empty() && is_download(input)) {
          got = download(client, input, fetched);
          // Its documents are keyed by the URL, wherever the file was saved.
          if (got) unit_audit.archive.names[fetched.path] = input;
        }
        run = got ? detail::audit_into({fetched.path.empty() ? input : fetched.path}, unit_audit, client, cache, sink)
                  : Result<AuditStats>(tl::unexpected(got.error()));
      } else {
        run = tl::unexpected(loaded.error());
      }
      if (sink.lost) break;
      if (run || run.error().code != Errc::database) {
        outcome = run ? Outcome::done : Outcome::failed;
        break;
      }
      // The coordinator is gone (or refused a statement): wait for it, then go on with the unit
      // if the lease is still ours (nothing after the last committed batch was kept).
      if (!came_back(run.error())) return tl::unexpected(run.error());
      auto still = exec_again("UPDATE fleet_units SET lease_until = now() + make_interval(secs => $4) "
                            "WHERE audit = $1 AND ordinal = $2 AND lease_token = $3 AND state = 'leased' RETURNING 1",
                            {name, ordinal, lease.token, lease_s});
      if (!still) return tl::unexpected(still.error());
      if (PQntuples(still->get()) == 0) break;
      tell("unit " + ordinal + ": going on after its last committed batch");
    }
    if (outcome == Outcome::failed && run.error().code == Errc::cancelled) {
      // Stopped (SIGTERM from a launcher): the unit goes back to the queue at once, this attempt
      // not counted; its committed batches stay and the next holder goes on after them.
      auto back = exec_again("UPDATE fleet_units SET state = 'todo', attempts = greatest(attempts - 1, 0), "
                             "lease_token = NULL, lease_until = NULL, worker = NULL "
                             "WHERE audit = $1 AND ordinal = $2 AND lease_token = $3 AND state = 'leased' RETURNING 1",
                             {name, ordinal, lease.token});
      if (!back) return tl::unexpected(back.error());
      tell(PQntuples(back->get()) > 0 ? "unit " + ordinal + " given back (stopped on request)"
                                      : "unit " + ordinal + ": stopped on request, its lease already taken");
      stats.stopped = true;
      return stats;
    }
    if (outcome == Outcome::lost) {
      ++stats.units_lost;
      tell(run ? "unit " + ordinal + ": lease taken by another worker" : run.error().message);
      continue;
    }
    if (outcome == Outcome::done) {
      const std::uint64_t docs = run->documents + run->skipped_done;
      // (Also true when sent again after its answer was lost: the unit is then done by us.)
      auto done =
          exec_again("UPDATE fleet_units SET state = 'done', docs = $4, lease_token = NULL, lease_until = NULL "
                     "WHERE audit = $1 AND ordinal = $2 AND ((lease_token = $3 AND state = 'leased') OR "
                     "(state = 'done' AND worker = $5)) RETURNING 1",
                     {name, ordinal, lease.token, std::to_string(docs), worker});
      if (!done) return tl::unexpected(done.error());
      if (PQntuples(done->get()) == 0) {
        ++stats.units_lost;
        tell("unit " + ordinal + ": lease taken by another worker before it was marked done");
        continue;
      }
      ++stats.units_done;
      stats.documents += run->documents;
      stats.posts += run->posts;
      tell("unit " + ordinal + " done: " + std::to_string(run->documents) + " documents, " +
           std::to_string(run->posts) + " posts");
    } else {
      ++stats.units_failed;
      auto f = exec_again("UPDATE fleet_units u SET state = CASE WHEN u.attempts >= a.max_attempts THEN 'failed' "
                          "ELSE 'todo' END, error = $4, lease_token = NULL, lease_until = NULL "
                          "FROM fleet_audits a WHERE a.name = u.audit AND u.audit = $1 AND u.ordinal = $2 AND "
                          "u.lease_token = $3 RETURNING u.state",
                          {name, ordinal, lease.token, run.error().message});
      if (!f) return tl::unexpected(f.error());
      if (PQntuples(f->get()) == 0) { // the lease went to another worker meanwhile: not ours to fail
        --stats.units_failed;
        ++stats.units_lost;
        tell("unit " + ordinal + ": failed (" + run.error().message + ") after its lease was taken");
        continue;
      }
      tell("unit " + ordinal + " failed (attempt " + std::to_string(lease.attempts) + "): " + run.error().message);
    }
  }
}

Result<FleetStatus> fleet_status(const std::string& coordinator, const std::string& name) {
  auto pg = open_coordinator(coordinator);
  if (!pg) return tl::unexpected(pg.error());
  auto audit = pg->exec("SELECT 1 FROM fleet_audits WHERE name = $1", {name});
  if (!audit) return tl::unexpected(audit.error());
  if (PQntuples(audit->get()) == 0) return fail(Errc::config, "the coordinator has no audit '" + name + "'");
  FleetStatus s;
  for (const char* state : {"todo", "leased", "done", "failed"}) s.units[state] = 0;
  auto units = pg->exec("SELECT state, count(*) FROM fleet_units WHERE audit = $1 GROUP BY state", {name});
  if (!units) return tl::unexpected(units.error());
  for (int i = 0; i < PQntuples(units->get()); ++i) s.units[pg_text(*units, i, 0)] = std::stoull(pg_text(*units, i, 1));
  auto posts = pg->exec("SELECT coalesce(r.verdict, 'unchecked'), count(*) FROM fleet_results r JOIN fleet_units u "
                        "USING (audit, ordinal) WHERE r.audit = $1 AND u.state = 'done' GROUP BY 1 ORDER BY 1",
                        {name});
  if (!posts) return tl::unexpected(posts.error());
  for (int i = 0; i < PQntuples(posts->get()); ++i) s.posts[pg_text(*posts, i, 0)] = std::stoull(pg_text(*posts, i, 1));
  auto paused = pg->exec("SELECT host FROM fleet_hosts WHERE paused_until > now() ORDER BY host");
  if (!paused) return tl::unexpected(paused.error());
  for (int i = 0; i < PQntuples(paused->get()); ++i) s.paused_hosts.push_back(pg_text(*paused, i, 0));
  auto failed = pg->exec(
      "SELECT path, coalesce(error, '') FROM fleet_units WHERE audit = $1 AND state = 'failed' ORDER BY ordinal",
      {name});
  if (!failed) return tl::unexpected(failed.error());
  for (int i = 0; i < PQntuples(failed->get()); ++i)
    s.failed_units.emplace_back(pg_text(*failed, i, 0), pg_text(*failed, i, 1));
  return s;
}

std::string fleet_status_json(const FleetStatus& s) {
  Json units = Json::object();
  for (const char* state : {"todo", "leased", "done", "failed"}) {
    auto it = s.units.find(state);
    units[state] = it == s.units.end() ? 0 : it->second;
  }
  Json posts = Json::object();
  for (const auto& [verdict, n] : s.posts) posts[verdict] = n;
  Json failed = Json::array();
  for (const auto& [unit, error] : s.failed_units) failed.push_back(Json{{"unit", unit}, {"error", error}});
  return Json{{"units", units}, {"posts", posts}, {"paused_hosts", s.paused_hosts}, {"failed_units", failed}}.dump(
      -1, ' ', false, Json::error_handler_t::replace);
}

Result<std::uint64_t> fleet_export(const std::string& coordinator, const std::string& name, const std::string& output) {
  auto pg = open_coordinator(coordinator);
  if (!pg) return tl::unexpected(pg.error());
  auto out = detail::AtomicFile::create(output);
  if (!out) return tl::unexpected(out.error());
  // One snapshot for the offsets and the lines, while workers may still be committing.
  auto n = pg->transaction(
      [&]() -> Result<std::uint64_t> {
        // Each unit's documents were numbered from 0: a single-process audit numbers them over
        // every input, so each unit's first number is the count of the documents of the units
        // before it.
        auto units = pg->exec("SELECT ordinal, coalesce(docs, (SELECT count(*) FROM fleet_unit_docs d WHERE "
                              "d.audit = u.audit AND d.ordinal = u.ordinal)) FROM fleet_units u WHERE audit = $1 "
                              "ORDER BY ordinal",
                              {name});
        if (!units) return tl::unexpected(units.error());
        if (PQntuples(units->get()) == 0) return fail(Errc::config, "the coordinator has no audit '" + name + "'");
        std::map<std::string, std::uint64_t> offset; // by ordinal, as the rows give it
        std::uint64_t total = 0;
        for (int i = 0; i < PQntuples(units->get()); ++i) {
          offset[pg_text(*units, i, 0)] = total;
          total += std::strtoull(pg_text(*units, i, 1).c_str(), nullptr, 10);
        }
        auto c = pg->exec("DECLARE fleet_export CURSOR FOR SELECT r.ordinal, r.seq, r.line FROM fleet_results r "
                          "JOIN fleet_units u USING (audit, ordinal) WHERE r.audit = $1 AND u.state = 'done' "
                          "ORDER BY r.ordinal, r.seq, r.idx",
                          {name});
        if (!c) return tl::unexpected(c.error());
        std::uint64_t lines = 0;
        for (;;) {
          auto rows = pg->exec("FETCH 5000 FROM fleet_export");
          if (!rows) return tl::unexpected(rows.error());
          const int count = PQntuples(rows->get());
          if (count == 0) break;
          for (int i = 0; i < count; ++i) {
            Json j = detail::parse_json<Json>(pg_text(*rows, i, 2));
            if (!j.is_object() || !j.contains("document") || !j["document"].is_object() ||
                !j["document"].contains("seq") || !j["document"]["seq"].is_number_unsigned()) {
              return fail(Errc::database, "audit '" + name + "': the result line of unit " + pg_text(*rows, i, 0) +
                                              ", document " + pg_text(*rows, i, 1) +
                                              " is not a tweetcheck result (no document.seq)");
            }
            auto& seq = j["document"]["seq"];
            seq = seq.get<std::uint64_t>() + offset[pg_text(*rows, i, 0)];
            out->write(j.dump(-1, ' ', false, Json::error_handler_t::replace));
            out->write("\n");
            ++lines;
          }
        }
        return lines;
      },
      "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  if (!n) return n;
  if (auto r = out->commit(); !r) return tl::unexpected(r.error());
  return n;
}

namespace {

class FleetGate final : public HostGate {
public:
  /// `rates`: requests per second per host; `default_rate` for the others (0: only pauses).
  FleetGate(Pg pg, std::map<std::string, double> rates, double default_rate = 0)
      : m_pg(std::move(pg)), m_rates(std::move(rates)), m_default_rate(default_rate) {}

  long admit(const std::string& host) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    const auto now = std::chrono::steady_clock::now();
    auto wait = ask(host);
    if (wait) {
      m_down_since.reset();
      if (now >= m_next_count) count_workers(now);
      return *wait;
    }
    // The coordinator cannot say (Pg tried to reconnect, or fails fast in between): hold the
    // requests and ask again each second, so that a restart costs time, not politeness; after
    // k_hold of it, keep this process's share of the budget on its own clock (the budget divided
    // by the workers last counted), and the pauses it was told of.
    if (!m_down_since) m_down_since = now;
    if (now - *m_down_since < k_hold) return 1000;
    return local(host, now);
  }

  void pause(const std::string& host, long ms) override {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto& until = m_local_pause[host];
    until = std::max(until, std::chrono::steady_clock::now() + std::chrono::milliseconds(ms));
    (void)m_pg.exec("INSERT INTO fleet_hosts AS h(host, paused_until) VALUES($1, clock_timestamp() + "
                    "make_interval(secs => $2)) ON CONFLICT (host) DO UPDATE SET paused_until = "
                    "greatest(h.paused_until, excluded.paused_until)",
                    {host, std::to_string(static_cast<double>(ms) / 1000.0)});
  }

private:
  static constexpr std::chrono::seconds k_hold{60};

  /// The coordinator's answer: 0 (admitted and counted) or milliseconds to wait; none on error.
  /// One round trip for an admitted request to a host already known, two when it must wait.
  std::optional<long> ask(const std::string& host) {
    const double rate = rate_of(host);
    if (rate <= 0) {
      // No budget of its own: only a pause holds it.
      auto r = m_pg.exec("SELECT ceil(extract(epoch FROM paused_until - clock_timestamp()) * 1000) FROM fleet_hosts "
                         "WHERE host = $1 AND paused_until > clock_timestamp()",
                         {host});
      if (!r) return std::nullopt;
      if (PQntuples(r->get()) == 0) return 0;
      return std::max(1L, std::atol(pg_text(*r, 0, 0).c_str()));
    }
    const std::string interval = std::to_string(1.0 / rate);
    if (m_known.count(host) == 0) {
      if (!m_pg.exec("INSERT INTO fleet_hosts(host, tat) VALUES($1, clock_timestamp()) ON CONFLICT DO NOTHING", {host}))
        return std::nullopt;
      m_known.insert(host);
    }
    // GCRA: the theoretical arrival time moves on by one interval per request admitted; a
    // request may go when it is not more than one interval ahead of now.
    auto go = m_pg.exec("UPDATE fleet_hosts SET tat = greatest(tat, clock_timestamp()) + make_interval(secs => $2) "
                        "WHERE host = $1 AND (paused_until IS NULL OR paused_until <= clock_timestamp()) AND "
                        "tat <= clock_timestamp() + make_interval(secs => $2) RETURNING 1",
                        {host, interval});
    if (!go) return std::nullopt;
    if (PQntuples(go->get()) > 0) return 0;
    auto wait =
        m_pg.exec("SELECT ceil(greatest(extract(epoch FROM tat - make_interval(secs => $2) - clock_timestamp()), "
                  "extract(epoch FROM coalesce(paused_until, clock_timestamp()) - clock_timestamp()), 0.001) "
                  "* 1000) FROM fleet_hosts WHERE host = $1",
                  {host, interval});
    if (!wait) return std::nullopt;
    if (PQntuples(wait->get()) == 0) { // removed meanwhile: made again on the next request
      m_known.erase(host);
      return 1;
    }
    return std::max(1L, std::atol(pg_text(*wait, 0, 0).c_str()));
  }

  double rate_of(const std::string& host) const {
    auto it = m_rates.find(host);
    return it == m_rates.end() ? m_default_rate : it->second;
  }

  /// How many workers share the budget (those holding a lease), asked every 30 s.
  void count_workers(std::chrono::steady_clock::time_point now) {
    m_next_count = now + std::chrono::seconds(30);
    auto r = m_pg.exec("SELECT count(DISTINCT worker) FROM fleet_units WHERE state = 'leased'");
    if (r && PQntuples(r->get()) > 0) m_workers = std::max(1L, std::atol(pg_text(*r, 0, 0).c_str()));
  }

  /// The same GCRA on this process's clock, for when the coordinator is away: this worker's share
  /// of the budget, and the pauses it knows of.
  long local(const std::string& host, std::chrono::steady_clock::time_point now) {
    if (auto p = m_local_pause.find(host); p != m_local_pause.end() && p->second > now) {
      return std::max(1L, static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(p->second - now).count()));
    }
    const double rate = rate_of(host);
    if (rate <= 0) return 0;
    const auto interval = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(static_cast<double>(m_workers) / rate));
    auto& tat = m_local_tat[host];
    if (tat > now + interval) {
      return std::max(1L, static_cast<long>(
                              std::chrono::duration_cast<std::chrono::milliseconds>(tat - interval - now).count()));
    }
    tat = std::max(tat, now) + interval;
    return 0;
  }

  std::mutex m_mutex;
  Pg m_pg;
  std::map<std::string, double> m_rates;
  double m_default_rate = 0;
  std::set<std::string> m_known; ///< hosts whose row this process has made sure of
  std::optional<std::chrono::steady_clock::time_point> m_down_since;
  std::map<std::string, std::chrono::steady_clock::time_point> m_local_tat, m_local_pause;
  long m_workers = 1; ///< workers sharing the budget, as last counted
  std::chrono::steady_clock::time_point m_next_count{};
};

} // namespace

Result<std::shared_ptr<HostGate>> make_fleet_gate(const std::string& coordinator,
                                                  const std::map<std::string, double>& rates) {
  // On the HTTP client's loop: a server that cannot be reached holds it 2 s at most per attempt.
  auto pg = open_coordinator(coordinator, 2);
  if (!pg) return tl::unexpected(pg.error());
  return std::shared_ptr<HostGate>(std::make_shared<FleetGate>(std::move(*pg), rates));
}

Result<std::shared_ptr<HostGate>> make_shared_gate(const std::string& url, double rate) {
  auto pg = Pg::connect(url, 2);
  if (!pg) return tl::unexpected(pg.error());
  // The table only when missing (its DDL would take a lock every process waits for).
  auto have = pg->exec("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND "
                       "table_name = 'fleet_hosts'");
  if (!have) return tl::unexpected(have.error());
  if (pg_text(*have, 0, 0) != "1") {
    auto made = pg->transaction([&]() -> Result<void> {
      if (auto r = pg->run(k_pg_schema_lock); !r) return r;
      return pg->run(k_hosts_table);
    });
    if (!made) return tl::unexpected(made.error());
  }
  return std::shared_ptr<HostGate>(std::make_shared<FleetGate>(std::move(*pg), std::map<std::string, double>{}, rate));
}

} // namespace tweetcheck
