#!/usr/bin/env bash
# Fleet benchmark: 1, 2 and 4 workers (`tweetcheck audit --worker`) of one fleet audit against a
# throwaway PostgreSQL coordinator and the loopback test server, which answers 429 above LIMIT
# requests per second per service (`fake_server.py --limit`) while the fleet's budget
# (`fleet init --rate HOST=RATE`) is RATE. Each run has its own database (so its own shared cache:
# every run fetches) and its own server (so its own request log). Prints, per worker count: wall
# time, documents/s, posts/s, the requests the server received, distinct posts, requests per
# distinct post, URLs asked more than once, 429s answered, the most requests to one host in any
# 1 s window against the budget, and the share of the budget used; with CONTROL=1 (the default)
# the largest worker count again without a budget (what the 429s cost). Then a scan-only pass over
# the same files (the CPU side) and the model of a CC-NEWS month these figures give: measured
# requests per distinct post and budget use, with assumptions (MONTH_ARTICLES, MONTH_FILES,
# MONTH_FILE_GB, POSTS_PER_ARTICLE, DISTINCT_RATIO, IP_RATE, IPS, MACHINES) that the output names.
#
# Input: UNITS (default 24) .warc.gz files, each PAGES (12) pages drawn from the corpus's pages
# whose posts are all Twitter posts and FILLER (12) pages without posts, the same seed every run,
# so the same posts recur across units and workers. The server answers every syndication request
# with a synthetic post after DELAY_MS (20) ms; other services answer 404.
#
# Needs PostgreSQL (Debian package postgresql; as root, initdb and the server run as the
# `postgres` user) and a release build in $BUILD (default ./build; made if missing). Loopback only.
#
# Measured 2026-12-02 on the 2-core development machine (shared with other jobs), release build,
# the defaults (24 units, 20.7 MB of .warc.gz: 576 documents, 878 posts, 214 distinct; budget 20/s,
# server limit 25/s):
#   workers  wall s  docs/s  posts/s  requests  distinct  req/post  429s  most in 1 s  budget use
#   1          11.2    51.4     78.3       214       214     1.000     0      22 / 20         96%
#   2          11.8    48.8     74.4       214       214     1.000     0      21 / 20        100%
#   4          11.8    48.6     74.1       214       214     1.000     0      22 / 20        100%
#   4, none    11.3    50.8     77.4       236       214     1.103    22           32
# scan only 0.94 s (22.0 MB/s of .warc.gz). Model (IP_RATE 1, the other assumptions' defaults):
# 300,000 distinct posts, the month in 86.6 h on 1 IP, 8.7 h on 10, 1.6 h (the scan) on 100.
# The workers share one budget, so the run takes what the budget allows (214 / 20 = 10.7 s)
# whatever their number; see README.md, "Fleet audits".
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OUT=${OUT:-bench-out/fleet}
UNITS=${UNITS:-24}
PAGES=${PAGES:-12}
FILLER=${FILLER:-12}
WORKERS=${WORKERS:-"1 2 4"}
RATE=${RATE:-20}
LIMIT=${LIMIT:-25}
DELAY_MS=${DELAY_MS:-20}
SEED=${SEED:-14}
CONTROL=${CONTROL:-1} # 1: also the largest worker count without a budget (the 429s it gets)
# The model of a CC-NEWS month (assumptions, not measured; see the end of the output).
MONTH_ARTICLES=${MONTH_ARTICLES:-12000000}
MONTH_FILES=${MONTH_FILES:-500}
MONTH_FILE_GB=${MONTH_FILE_GB:-1}
POSTS_PER_ARTICLE=${POSTS_PER_ARTICLE:-0.05}
DISTINCT_RATIO=${DISTINCT_RATIO:-0.5}
IP_RATE=${IP_RATE:-1}
IPS=${IPS:-"1 10 100"}
MACHINES=${MACHINES:-4}
export OUT UNITS RATE LIMIT MONTH_ARTICLES MONTH_FILES MONTH_FILE_GB POSTS_PER_ARTICLE DISTINCT_RATIO IP_RATE IPS MACHINES

[ -d "$BUILD" ] || meson setup "$BUILD" --buildtype=release >/dev/null
ninja -C "$BUILD" >/dev/null
tc="$BUILD/src/tweetcheck"
pgbin=$(printf '%s\n' /usr/lib/postgresql/*/bin | grep -v '\*' | sort -V | tail -1 || true)
if [ -z "$pgbin" ]; then
  echo "bench-fleet: PostgreSQL is not installed (Debian package postgresql)" >&2
  exit 2
fi
if [ "$(id -u)" = 0 ] && ! id postgres > /dev/null 2>&1; then
  echo "bench-fleet: running as root and there is no postgres user to run the server as" >&2
  exit 2
fi
mkdir -p "$OUT"
rm -rf "${OUT:?}"/run-*

# --- A throwaway PostgreSQL server, stopped by its PID when the script exits. ------------------
tmp=$(mktemp -d)
pg_pid=""
worker_pids=()
cleanup() {
  local p
  for p in "${worker_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$pg_pid" ]; then
    kill -INT "$pg_pid" 2>/dev/null || true
    wait "$pg_pid" 2>/dev/null || true
  fi
  if [ -n "${TEST_SERVER_PID:-}" ]; then kill "$TEST_SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$tmp"
  as_pg=(setpriv --reuid=postgres --regid=postgres --clear-groups)
fi
"${as_pg[@]}" "$pgbin/initdb" -D "$tmp/data" -A trust -U postgres -N -E UTF8 > "$tmp/initdb.log" 2>&1 ||
  { cat "$tmp/initdb.log" >&2; exit 2; }
port=$(python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
"${as_pg[@]}" "$pgbin/postgres" -D "$tmp/data" -p "$port" -c listen_addresses=127.0.0.1 \
  -c unix_socket_directories="$tmp" -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
  > "$tmp/postgres.log" 2>&1 &
pg_pid=$!
pg="postgresql://postgres@127.0.0.1:$port"
for _ in $(seq 100); do "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$port" && break; sleep 0.1; done
"$pgbin/pg_isready" -q -h 127.0.0.1 -p "$port" || { cat "$tmp/postgres.log" >&2; exit 2; }
psql() { "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 "$pg/postgres" "$@"; }

# --- The units: WARCs whose articles share posts. ---------------------------------------------
mkdir -p "$OUT/warcs"
python3 - "$OUT/warcs" "$UNITS" "$PAGES" "$FILLER" "$SEED" <<'PY'
import json, os, random, subprocess, sys
out, units, pages, filler, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
labels = json.load(open("fixtures/corpus/LABELS.json"))
def have(k): return os.path.exists("fixtures/corpus/" + k) and k.endswith(".html")
# Twitter only: the other platforms' hosts (a Mastodon instance) are not mapped to the loopback server.
pos = sorted("fixtures/corpus/" + k for k, v in labels.items()
             if have(k) and v["n"] > 0 and all(p["platform"] == "twitter" for p in v["posts"]))
neg = sorted("fixtures/corpus/" + k for k, v in labels.items()
             if have(k) and v["n"] == 0 and os.path.getsize("fixtures/corpus/" + k) <= 160 * 1024)
rng = random.Random(seed)
names = []
for i in range(units):
    files = rng.sample(pos, pages) + rng.sample(neg, filler)
    rng.shuffle(files)
    name = os.path.abspath(os.path.join(out, "unit-%03d.warc.gz" % i))
    subprocess.run(["python3", "tools/make_warc.py", name, "--base", "https://news%d.example/" % i] + files,
                   check=True, stdout=subprocess.DEVNULL)
    names.append(name)
open(os.path.join(out, "manifest.txt"), "w").write("\n".join(names) + "\n")
PY
manifest="$OUT/warcs/manifest.txt"
bytes=$(xargs stat -c %s < "$manifest" | awk '{ s += $1 } END { print s }')

. tools/test-server.sh
hosts=(cdn.syndication.twimg.com publish.twitter.com web.archive.org)
rates=()
for h in "${hosts[@]}"; do rates+=(--rate "$h=$RATE"); done

# --- The runs. ---------------------------------------------------------------------------------
runs=$WORKERS
[ "$CONTROL" = 1 ] && runs="$runs ${WORKERS##* }-unlimited"
for name in $runs; do
  w=${name%-unlimited}
  run="$OUT/run-$name"
  mkdir -p "$run"
  db="bench_${name//-/_}"
  psql -c "CREATE DATABASE $db"
  budget=("${rates[@]}")
  [ "$name" != "$w" ] && budget=()
  "$tc" fleet init --coordinator "$pg/$db" --audit "bench-$name" --list "$manifest" "${budget[@]}" > /dev/null
  start_test_server --synthetic --delay-ms "$DELAY_MS" --log-requests \
    --limit "/tweet-result=$LIMIT" --limit "/oembed=$LIMIT" --limit "/cdx=$LIMIT" --limit "/web/=$LIMIT"
  mapfile -t ep < <(service_endpoints)
  worker_pids=()
  start=$(date +%s.%N)
  for i in $(seq "$w"); do
    "$tc" -v audit --coordinator "$pg/$db" --audit "bench-$name" --worker "${ep[@]}" > "$run/worker-$i.log" 2>&1 &
    worker_pids+=($!)
  done
  failed=0
  for p in "${worker_pids[@]}"; do wait "$p" || failed=1; done
  end=$(date +%s.%N)
  worker_pids=()
  if [ "$failed" != 0 ]; then
    echo "bench-fleet: a worker of run $name failed; its log:" >&2
    cat "$run"/worker-*.log >&2
    exit 1
  fi
  curl -s "$TEST_SERVER_BASE/__stats" > "$run/stats.json"
  "$tc" fleet status --format json --coordinator "$pg/$db" --audit "bench-$name" > "$run/status.json"
  "$tc" fleet export --coordinator "$pg/$db" --audit "bench-$name" --output "$run/results.jsonl" > /dev/null
  echo "$start $end" > "$run/times"
  kill "$TEST_SERVER_PID" 2>/dev/null || true
  wait "$TEST_SERVER_PID" 2>/dev/null || true
  unset TEST_SERVER_PID
done

# --- The CPU side: one process, scan only, over the same files. --------------------------------
mapfile -t units < "$manifest"
rm -f "$OUT"/scan.jsonl*
/usr/bin/time -f "%e" -o "$OUT/scan.time" "$tc" audit --scan-only --no-cache --output "$OUT/scan.jsonl" \
  "${units[@]}" > /dev/null 2>&1

RUNS=$runs BYTES=$bytes python3 - <<'PY'
import json, os, re
E = os.environ
out, rate, limit, nbytes, units = E["OUT"], float(E["RATE"]), float(E["LIMIT"]), int(E["BYTES"]), int(E["UNITS"])
HOSTS = [("/tweet-result", "cdn.syndication.twimg.com"), ("/oembed", "publish.twitter.com"),
         ("/cdx", "web.archive.org"), ("/web/", "web.archive.org")]


def host_of(path):
    return next((host for prefix, host in HOSTS if path.startswith(prefix)), "other")


def post_key(j):  # a post: its status ID, or for a quote without one its handle and text
    return (j["platform"], j["status_id"]) if j.get("status_id") else (j["platform"], j.get("handle"), j.get("text"))


rows = []
for name in E["RUNS"].split():
    run = "%s/run-%s" % (out, name)
    start, end = (float(x) for x in open(run + "/times").read().split())
    docs = posts = 0
    for log in sorted(f for f in os.listdir(run) if f.startswith("worker-")):
        m = re.search(r"worker: \d+ units done, \d+ failed attempts, \d+ leases lost, (\d+) documents, (\d+) posts",
                      open(os.path.join(run, log)).read())
        docs, posts = docs + int(m.group(1)), posts + int(m.group(2))
    status = json.load(open(run + "/status.json"))
    assert status["units"]["done"] == units, status["units"]
    lines = [json.loads(l) for l in open(run + "/results.jsonl") if l.strip()]
    log = json.load(open(run + "/stats.json"))["log"]
    paths, by_host = {}, {}
    for t, p, s in log:
        paths[p] = paths.get(p, 0) + 1
        by_host.setdefault(host_of(p), []).append(t)
    busiest = max(by_host, key=lambda h: len(by_host[h]))
    times = sorted(by_host[busiest])
    most = j = 0
    for i in range(len(times)):  # the requests in [times[i], times[i] + 1 s)
        while j < len(times) and times[j] < times[i] + 1.0:
            j += 1
        most = max(most, j - i)
    # The share of the budget used while the host was being asked (its first request to its last).
    span = times[-1] - times[0]
    use = (len(times) - 1) / (span * rate) if span > 0 else 0.0
    rows.append(dict(name=name, wall=end - start, docs=docs, posts=posts, requests=len(log),
                     distinct=len({post_key(j) for j in lines}), repeated=sum(n - 1 for n in paths.values()),
                     limited=sum(1 for t, p, s in log if s == 429), most=most, use=use, busiest=busiest,
                     by_host={h: len(t) for h, t in by_host.items()}))

r0 = rows[0]
print("fleet audit of %d units (%.1f MB of .warc.gz): %d documents, %d posts, %d distinct; budget %g requests/s per"
      % (units, nbytes / 1e6, r0["docs"], r0["posts"], r0["distinct"], rate))
print("host (fleet init --rate), the server answering 429 above %g/s; requests by host (first run): %s"
      % (limit, ", ".join("%s %d" % kv for kv in sorted(r0["by_host"].items()))))
print()
print("%-13s %6s %7s %7s %8s %8s %8s %8s %5s %11s %6s" % ("workers", "wall s", "docs/s", "posts/s", "requests",
      "distinct", "req/post", "repeated", "429s", "most in 1 s", "budget"))
for r in rows:
    unlimited = r["name"].endswith("-unlimited")
    print("%-13s %6.1f %7.1f %7.1f %8d %8d %8.3f %8d %5d %11s %6s" % (
        r["name"].replace("-unlimited", ", no budget"), r["wall"], r["docs"] / r["wall"], r["posts"] / r["wall"],
        r["requests"], r["distinct"], r["requests"] / r["distinct"], r["repeated"], r["limited"],
        "%d%s" % (r["most"], "" if unlimited else " / %g" % rate), "" if unlimited else "%.0f%%" % (100 * r["use"])))
print("most in 1 s: requests to the busiest host (%s) in any 1 s window, against the budget (the" % r0["busiest"])
print("GCRA lets one request through ahead of its time); budget: the share of the budget used from that host's first")
print("request to its last; repeated: requests for a URL already asked; 429s: answered by the server.")
scan_s = float(open(out + "/scan.time").read().split()[0])
scan_mbs = nbytes / 1e6 / scan_s
print("scan only, one process over the same files: %.2f s, %.1f MB/s of .warc.gz, %.0f documents/s"
      % (scan_s, scan_mbs, r0["docs"] / scan_s))

# The model of a CC-NEWS month.
budgeted = [r for r in rows if not r["name"].endswith("-unlimited")]
rpp = max(r["requests"] / r["distinct"] for r in budgeted)
use = min(r["use"] for r in budgeted)
articles, files, file_gb = float(E["MONTH_ARTICLES"]), int(E["MONTH_FILES"]), float(E["MONTH_FILE_GB"])
ppa, dr, ip_rate, machines = float(E["POSTS_PER_ARTICLE"]), float(E["DISTINCT_RATIO"]), float(E["IP_RATE"]), int(E["MACHINES"])
distinct = articles * ppa * dr
requests = distinct * rpp
scan_h = files * file_gb * 1e3 / scan_mbs / machines / 3600
print()
print("A CC-NEWS month, modelled: time = max(scanning, requests / (IPs x IP_RATE x budget use))")
print("  measured above: %.3f requests per distinct post and %.0f%% budget use (the worst budgeted runs), scan %.1f MB/s"
      % (rpp, 100 * use, scan_mbs))
print("  assumed: %.3g articles in %d files of %g GB (MONTH_*); %g posts per article (POSTS_PER_ARTICLE), %g of them"
      % (articles, files, file_gb, ppa, dr))
print("  distinct (DISTINCT_RATIO); %g requests/s per IP per host (IP_RATE); %d machines scanning (MACHINES)"
      % (ip_rate, machines))
print("  => %.0f distinct posts, %.0f requests to one service; scanning %.1f h" % (distinct, requests, scan_h))
for n in (int(x) for x in E["IPS"].split()):
    net_h = requests / (n * ip_rate * use) / 3600
    total = max(net_h, scan_h)
    print("  %4d IPs (fleet init --rate HOST=%g): requests %7.1f h -> the month in %6.1f h (%.1f days)"
          % (n, n * ip_rate, net_h, total, total / 24))
PY
