#!/usr/bin/env bash
# Linear scan time and bounded memory on hostile and big pages.
#
# Time: for each shape, generates a page of size N and one of 10N and runs `tweetcheck scan`
# on each (the fastest of RUNS runs, default 3), then prints the ratio of the CPU times
# (user + system: steadier than wall time on a shared machine). A linear scan costs about 10x
# for 10x the input; the bound is 15x. Shapes:
#   unclosed  N unclosed <blockquote class="twitter-tweet"> openings (10,000 and 100,000)
#   nested    one embed holding N nested <div> (100,000 and 1,000,000)
#   many      N closed embeds on one line, as a minified page (2,000 and 20,000)
#   huge      one embed with N bytes of text (700 KB and 7 MB)
# Each page also holds a well-formed post before and after the hostile part.
#
# Memory: pages of 10 MB and 100 MB of article text with an embed near the end (MEMORY_MB
# changes the sizes): peak RSS (/usr/bin/time) against the page size.
#
# Exits 1 when a ratio exceeds 15x. Needs a release build in $BUILD (default ./build; made
# if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
OUT=${OUT:-bench-out/linear}
RUNS=${RUNS:-3}
MEMORY_MB=${MEMORY_MB:-"10 100"}
LIMIT=${LIMIT:-15}

[ -d "$BUILD" ] || meson setup "$BUILD" --buildtype=release >/dev/null
ninja -C "$BUILD" >/dev/null
tc="$BUILD/src/tweetcheck"
mkdir -p "$OUT"

gen() { # gen SHAPE N FILE
  python3 - "$@" <<'PY'
import sys
shape, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ID = 1503385460536246272
def post(i, nl="\n"):
    return ('<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Post number %d is fine.</p>'
            '&mdash; Example (@example) <a href="https://twitter.com/example/status/%d">March 14, 2022</a>'
            '</blockquote>%s' % (i, ID + i, nl))
credit = '&mdash; E (@e) <a href="https://twitter.com/e/status/%d">March 1, 2022</a></blockquote>\n' % (ID + 99)
parts = ['<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title></head><body>\n<article>\n', post(0)]
if shape == "unclosed":
    parts.append('<blockquote class="twitter-tweet"><p>x</p>\n' * n)
elif shape == "nested":
    parts.append('<blockquote class="twitter-tweet"><p>deep</p>' + "<div>" * n + "x" + "</div>" * n + credit)
elif shape == "many":
    parts.extend(post(i, "") for i in range(2, n + 2))
elif shape == "huge":
    parts.append('<blockquote class="twitter-tweet"><p>' + "word and more words here. " * (n // 26) + "</p>" + credit)
elif shape == "page":  # n bytes of article text, an embed near the end
    para = "<p>Lorem ipsum dolor sit amet, <b>consectetur</b> adipiscing elit, sed do eiusmod tempor.</p>\n"
    parts = ['<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title></head><body>\n<div class="content">\n',
             para * (n // len(para)), '<div class="embed">', post(0), "</div>\n"]
parts.append(post(1) + "</article></body></html>\n")
with open(out, "w") as f:
    f.write("".join(parts))
PY
}

measure() { # measure FILE: prints "cpu_seconds wall_seconds maxrss_kb" (fastest of RUNS; largest RSS)
  local t best="" wall="" rss=0 e u s kb c; t=$(mktemp)
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %S %M" -o "$t" "$tc" scan --jobs 1 --format jsonl "$1" > /dev/null 2>&1 || true
    read -r e u s kb < "$t"
    c=$(python3 -c "print($u + $s)")
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $c < $best else 1)"; then best=$c; wall=$e; fi
    [ "$kb" -gt "$rss" ] && rss=$kb
  done
  rm -f "$t"; echo "$best $wall $rss"
}

fail=0
printf '%-9s %12s %10s %12s %10s %8s\n' shape "size N" "cpu N" "size 10N" "cpu 10N" ratio
for spec in "unclosed 10000" "nested 100000" "many 2000" "huge 700000"; do
  read -r shape n <<< "$spec"
  gen "$shape" "$n" "$OUT/$shape-1.html"
  gen "$shape" "$((n * 10))" "$OUT/$shape-10.html"
  read -r c1 w1 r1 < <(measure "$OUT/$shape-1.html")
  read -r c10 w10 r10 < <(measure "$OUT/$shape-10.html")
  s1=$(stat -c %s "$OUT/$shape-1.html"); s10=$(stat -c %s "$OUT/$shape-10.html")
  line=$(python3 - "$shape" "$s1" "$c1" "$s10" "$c10" "$LIMIT" <<'PY'
import sys
shape, s1, c1, s10, c10, limit = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
# CPU times are counted in 10 ms ticks: never divide by less than one.
ratio = max(c10, 0.01) / max(c1, 0.01)
print("%-9s %10.2f MB %8.2f s %10.2f MB %8.2f s %7.1fx%s" % (shape, s1 / 1e6, c1, s10 / 1e6, c10, ratio, "" if ratio <= limit else "  OVER %gx" % limit))
PY
)
  echo "$line"
  case "$line" in *OVER*) fail=1 ;; esac
done

echo
printf '%-24s %10s %10s %12s %8s\n' "page (embed near end)" size wall "peak RSS" "RSS/size"
for mb in $MEMORY_MB; do
  f="$OUT/page-$mb.html"
  gen page "$((mb * 1000000))" "$f"
  read -r c w r < <(RUNS=1 measure "$f")
  posts=$("$tc" scan --jobs 1 --format jsonl "$f" | wc -l)
  python3 - "$mb" "$(stat -c %s "$f")" "$w" "$r" "$posts" <<'PY'
import sys
mb, size, wall, rss, posts = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
print("%-24s %7.1f MB %8.2f s %9.1f MB %7.2fx  (%d posts)" % ("page-%s" % mb, size / 1e6, wall, rss / 1024, rss * 1024 / size, posts))
PY
done
exit "$fail"
