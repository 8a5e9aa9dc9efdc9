#!/usr/bin/env bash
# Resolver benchmark: LINKS distinct short links (default 10,000) against the local test server
# answering each after LATENCY_MS (default 50) with a 301 to a status URL. Prints the wall time
# beside the ideal LINKS x LATENCY / CONCURRENCY, the requests the server saw, peak memory, and a
# baseline of `xargs -P CONCURRENCY curl` on the same links. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
LINKS=${LINKS:-10000}
LATENCY_MS=${LATENCY_MS:-50}
CONCURRENCY=${CONCURRENCY:-100}

[ -d build ] || meson setup build --buildtype=release >/dev/null
ninja -C build >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. tools/test-server.sh
start_test_server --bench-latency-ms "$LATENCY_MS"
base=$TEST_SERVER_BASE
total() { curl -s "$base/__stats" | python3 -c "import json,sys; print(json.load(sys.stdin)['total'])"; }

seq -f "https://t.co/b/%06g" 1 "$LINKS" > "$work/links"
sed "s#https://t.co#$base#" "$work/links" > "$work/direct"

before=$(total)
/usr/bin/time -f "%e %M" -o "$work/time" ./build/src/tweetcheck resolve --no-cache --endpoint "t.co=$base" \
  --concurrency "$CONCURRENCY" --host-concurrency "$CONCURRENCY" - < "$work/links" > "$work/out.json"
read -r tc_s tc_kb < "$work/time"
after=$(total)
resolved=$(python3 -c "import json; r=json.load(open('$work/out.json'))['results']; print(sum(1 for x in r if x['status']=='resolved' and x['status_id']))")

before_x=$(total)
/usr/bin/time -f "%e %M" -o "$work/time" sh -c "xargs -P $CONCURRENCY -n 1 curl -s -o /dev/null < '$work/direct'"
read -r xa_s xa_kb < "$work/time"
after_x=$(total)

python3 - "$LINKS" "$LATENCY_MS" "$CONCURRENCY" "$tc_s" "$tc_kb" "$((after - before))" "$resolved" "$xa_s" "$((after_x - before_x))" <<'PY'
import sys
links, lat, conc = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
tc_s, tc_kb, reqs, resolved, xa_s, xa_reqs = float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), float(sys.argv[8]), int(sys.argv[9])
ideal = links * lat / 1000 / conc
print("links %d, latency %g ms, concurrency %d: ideal %.2f s" % (links, lat, conc, ideal))
print("tweetcheck resolve : %6.2f s  (%.2fx ideal)  %d requests  %d resolved  peak RSS %.1f MB" % (tc_s, tc_s / ideal, reqs, resolved, tc_kb / 1024))
print("xargs -P curl      : %6.2f s  (%.2fx ideal)  %d requests" % (xa_s, xa_s / ideal, xa_reqs))
ok = tc_s <= 1.3 * ideal and tc_s < xa_s and reqs == links and resolved == links
print("targets (<= 1.3x ideal, faster than xargs, every link once): %s" % ("met" if ok else "NOT met"))
PY
