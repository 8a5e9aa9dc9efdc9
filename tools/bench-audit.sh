#!/usr/bin/env bash
# Audit benchmark: a generated WARC of at least SIZE_MB (default 1024) MB — 20,000+ real corpus
# pages, EMBED_PERCENT (default 3) % of them with embeds, which repeat the same posts — audited
#   1. scan-only (`tweetcheck audit --scan-only`),
#   2. in full against the local test server (synthetic syndication answers, LATENCY_MS each),
#   3. by a baseline Python script using BeautifulSoup (tools/bs4_baseline.py) on the same WARC;
# printing pages/s, MB/s, peak RSS, and requests sent against distinct posts and links.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${SIZE_MB:-1024}
EMBED_PERCENT=${EMBED_PERCENT:-3}
LATENCY_MS=${LATENCY_MS:-5}
WORK=${WORK:-bench-out/audit}
mkdir -p "$WORK"
[ -d build ] || meson setup build --buildtype=release >/dev/null
ninja -C build >/dev/null

warc="$WORK/archive.warc"
if [ ! -s "$warc" ]; then
  python3 - "$warc" "$SIZE_MB" "$EMBED_PERCENT" <<'PY'
import json, os, random, subprocess, sys
out, size_mb, pct = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
labels = json.load(open("fixtures/corpus/LABELS.json"))
pos = sorted("fixtures/corpus/" + k for k, v in labels.items() if v["n"] > 0 and k.endswith(".html") and os.path.exists("fixtures/corpus/" + k))
neg = sorted("fixtures/corpus/" + k for k, v in labels.items() if v["n"] == 0 and k.endswith(".html") and os.path.exists("fixtures/corpus/" + k))
# Pages without embeds up to 160 KB (the corpus's larger decoys would make 20,000 pages ~3 GB).
neg = [f for f in neg if os.path.getsize(f) <= 160 * 1024]
rng = random.Random(20261128)
files, total = [], 0
while total < size_mb * 1024 * 1024 or len(files) < 20000:
    f = rng.choice(pos) if rng.random() < pct / 100 else rng.choice(neg)
    files.append(f)
    total += os.path.getsize(f)
lst = out + ".list"
open(lst, "w").write("\n".join(files))
import uuid
with open(out, "wb") as w:
    for i, f in enumerate(files):
        body = open(f, "rb").read()
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
        head = ("WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://site%d.example/%d/%s\r\nWARC-Date: 20%02d-06-01T00:00:00Z\r\n"
                "WARC-Record-ID: <urn:uuid:%s>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n"
                % (i % 7, i, os.path.basename(f), 14 + i % 10, uuid.uuid4(), len(http)))
        w.write(head.encode() + http + b"\r\n\r\n")
print("archive: %d pages, %.1f MB" % (len(files), os.path.getsize(out) / 1048576))
PY
fi
bytes=$(stat -c %s "$warc")
pages=$(grep -c "^WARC-Type: response" "$warc" || true)
measure() { local t; t=$(mktemp); /usr/bin/time -f "%e %M" -o "$t" "$@" > /dev/null; cat "$t"; rm -f "$t"; }

rm -f "$WORK"/scan.jsonl*
read -r scan_s scan_kb < <(measure ./build/src/tweetcheck audit --scan-only --no-cache --output "$WORK/scan.jsonl" "$warc")

. tools/test-server.sh
start_test_server --synthetic --delay-ms "$LATENCY_MS"
base=$TEST_SERVER_BASE
rm -f "$WORK"/full.jsonl*
ep=()
for h in t.co cdn.syndication.twimg.com publish.twitter.com web.archive.org api.x.com; do ep+=(--endpoint "$h=$base"); done
read -r full_s full_kb < <(measure ./build/src/tweetcheck audit --no-cache --sources syndication --retries 0 --timeout 5 \
  --concurrency 64 --host-concurrency 64 "${ep[@]}" --output "$WORK/full.jsonl" "$warc")
requests=$(curl -s "$base/__stats" | python3 -c "import json,sys; print(json.load(sys.stdin)['total'])")
distinct=$(python3 - "$WORK/full.jsonl" <<'PY'
import json, sys
ids, links = set(), set()
for line in open(sys.argv[1]):
    j = json.loads(line)
    if j.get("resolution"): links.add(j["resolution"]["url"])
    elif j.get("status_id") and j["platform"] == "twitter": ids.add(j["status_id"])
    if j.get("resolution") and j.get("status_id"): ids.add(j["status_id"])
print(len(ids) + len(links))
PY
)
read -r bs_s bs_kb < <(measure /usr/bin/python3 tools/bs4_baseline.py "$warc")

python3 - "$bytes" "$pages" "$scan_s" "$scan_kb" "$full_s" "$full_kb" "$requests" "$distinct" "$bs_s" "$bs_kb" <<'PY'
import sys
b, pages = int(sys.argv[1]), int(sys.argv[2])
scan_s, scan_kb, full_s, full_kb = float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
reqs, distinct, bs_s, bs_kb = int(sys.argv[7]), int(sys.argv[8]), float(sys.argv[9]), int(sys.argv[10])
mb = b / 1048576
def line(name, s, kb):
    print("%-22s %8.1f s  %8.0f pages/s  %7.1f MB/s  peak RSS %6.1f MB" % (name, s, pages / s, mb / s, kb / 1024))
print("archive: %d pages, %.1f MB" % (pages, mb))
line("audit --scan-only", scan_s, scan_kb)
line("audit (full)", full_s, full_kb)
line("BeautifulSoup baseline", bs_s, bs_kb)
print("requests sent: %d for %d distinct posts and links" % (reqs, distinct))
print("scan-only vs baseline: %.0fx (target 50x); peak memory %s 500 MB" % (bs_s / scan_s, "under" if max(scan_kb, full_kb) < 500 * 1024 else "OVER"))
PY
