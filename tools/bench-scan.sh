#!/usr/bin/env bash
# Scan throughput benchmark.
#
# Builds an archive-like corpus of at least SIZE_MB (default 200) from the real pages in
# fixtures/corpus: most pages without any embed (the corpus's negatives, as in a real archive)
# and one page in EMBED_EVERY (default 20) with embeds. Then measures, on the same files:
#   - tweetcheck scan --format jsonl over the folder (wall time, MB/s, peak RSS), and
#   - the baseline: Gumbo parsing every whole page (tools/gumbo_baseline.cpp),
# and prints both with their ratio (each the fastest of RUNS runs, default 3; peak RSS the
# largest). tweetcheck uses every core (--jobs 0), as a bulk scan would; the baseline is the
# single-threaded parse. Needs a release build in ./build (made if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${SIZE_MB:-200}
EMBED_EVERY=${EMBED_EVERY:-20}
OUT=${OUT:-bench-out/scan-corpus}

[ -d build ] || meson setup build --buildtype=release >/dev/null
ninja -C build >/dev/null

python3 - "$OUT" "$SIZE_MB" "$EMBED_EVERY" <<'PY'
import json, os, shutil, sys
out, size_mb, every = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
labels = json.load(open("fixtures/corpus/LABELS.json"))
pos, neg = [], []
for rel, entry in labels.items():
    path = os.path.join("fixtures/corpus", rel)
    if not os.path.exists(path) or not rel.endswith(".html"):
        continue
    (pos if entry["n"] > 0 else neg).append(path)
pos.sort(); neg.sort()
if os.path.isdir(out):
    shutil.rmtree(out)
os.makedirs(out)
total, i, n_pos = 0, 0, 0
while total < size_mb * 1024 * 1024:
    if i % every == 0:
        src = pos[n_pos % len(pos)]; n_pos += 1
    else:
        src = neg[i % len(neg)]
    dst = os.path.join(out, "%06d-%s" % (i, os.path.basename(src)))
    shutil.copyfile(src, dst)
    total += os.path.getsize(dst)
    i += 1
print("corpus: %d pages (%d with embeds), %.1f MB in %s" % (i, n_pos, total / 1048576, out))
PY

bytes=$(du -sb "$OUT" | cut -f1)
mb=$(python3 -c "print($bytes/1048576)")
list=$(mktemp)
find "$OUT" -type f | sort > "$list"
cat "$OUT"/* > /dev/null # warm the page cache for both runs

RUNS=${RUNS:-3}
measure() { # prints "seconds maxrss_kb": the fastest of RUNS runs (the machine is shared)
  local t best="" rss=0 s kb; t=$(mktemp)
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$t" "$@" > /dev/null
    read -r s kb < "$t"
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $s < $best else 1)"; then best=$s; fi
    [ "$kb" -gt "$rss" ] && rss=$kb
  done
  rm -f "$t"; echo "$best $rss"
}
read -r tc_s tc_kb < <(measure ./build/src/tweetcheck scan --format jsonl "$OUT")
read -r t1_s t1_kb < <(measure ./build/src/tweetcheck scan --jobs 1 --format jsonl "$OUT")
read -r gb_s gb_kb < <(measure ./build/src/gumbo-baseline --list "$list")
posts=$(./build/src/tweetcheck scan --format jsonl "$OUT" | wc -l)
rm -f "$list"

python3 - "$mb" "$tc_s" "$tc_kb" "$gb_s" "$gb_kb" "$posts" "$t1_s" "$t1_kb" "$(nproc)" <<'PY'
import sys
mb, tc_s, tc_kb, gb_s, gb_kb, posts = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
t1_s, t1_kb, cores = float(sys.argv[7]), int(sys.argv[8]), int(sys.argv[9])
tc = mb / max(tc_s, 1e-3); gb = mb / max(gb_s, 1e-3); t1 = mb / max(t1_s, 1e-3)
print("tweetcheck scan : %7.2f s  %8.1f MB/s  peak RSS %6.1f MB  (%d posts, %d cores)" % (tc_s, tc, tc_kb / 1024, posts, cores))
print("  one job       : %7.2f s  %8.1f MB/s  peak RSS %6.1f MB  (%.1fx the baseline)" % (t1_s, t1, t1_kb / 1024, t1 / gb))
print("gumbo baseline  : %7.2f s  %8.1f MB/s  peak RSS %6.1f MB" % (gb_s, gb, gb_kb / 1024))
print("speed-up        : %.1fx the baseline (target: 15x)" % (tc / gb))
PY
