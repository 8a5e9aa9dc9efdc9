#!/usr/bin/env bash
# Builds the fuzz targets in fuzz/ with clang 14 (libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer) against the library's sources, seeds their corpora from the
# fixtures and runs each for a given time. A crash stops with the input saved in
# OUT/crashes/TARGET-* (make it a regression fixture).
#
#     tools/fuzz.sh [SECONDS_PER_TARGET (default 20)] [TARGET...]
#
# Output goes to build-fuzz/ (FUZZ_OUT to change it). Needs clang-14 (apt-get install clang-14).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift || true
out=${FUZZ_OUT:-build-fuzz}
cxx=${CXX_FUZZ:-clang++-14}
command -v "$cxx" >/dev/null || { echo "fuzz.sh: $cxx not found (apt-get install clang-14)" >&2; exit 2; }
jobs=${FUZZ_JOBS:-2}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in fuzz/fuzz_*.cpp; do targets+=("$(basename "$f" .cpp)"); done
fi

mkdir -p "$out/obj" "$out/gen" "$out/crashes"
[ -f "$out/gen/tlds.inc" ] || python3 tools/gen_tlds.py /usr/share/publicsuffix/public_suffix_list.dat "$out/gen/tlds.inc"
pkgs="gumbo re2 libutf8proc nlohmann_json spdlog libcurl libcrypto sqlite3 tomlplusplus libarchive libxml-2.0 libpq"
# shellcheck disable=SC2086
cflags="-std=c++20 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined \
  -Iinclude -Isrc -I$out/gen -DTWEETCHECK_VERSION=\"fuzz\" $(pkg-config --cflags $pkgs)"
# shellcheck disable=SC2086
libs="$(pkg-config --libs $pkgs) -lpthread"

# The library, once (make-style: an object is rebuilt when its source is newer).
objs=()
pids=()
mapfile -t lib_sources < <(find src -name '*.cpp' -not -path 'src/cli/*' -not -path 'src/serve/*' | sort) # the library: not the program's CLI and desk server
for src in "${lib_sources[@]}"; do
  obj="$out/obj/$(echo "${src#src/}" | tr / _ | sed 's/\.cpp$//').o"
  objs+=("$obj")
  if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ -n "$(find src include -name '*.h*' -newer "$obj" -print -quit)" ]; then
    # shellcheck disable=SC2086
    $cxx $cflags -fsanitize=fuzzer-no-link -c "$src" -o "$obj" &
    pids+=($!)
    if [ ${#pids[@]} -ge "$jobs" ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
  fi
done
for p in "${pids[@]}"; do wait "$p"; done

# Seed corpora: each target's first byte chooses a mode (see the targets).
seed() { # seed TARGET MODE_BYTE FILE...
  local dir="$out/corpus/$1" mode=$2
  shift 2
  mkdir -p "$dir"
  for f in "$@"; do
    [ -f "$f" ] || continue
    local name
    name="$dir/seed-$mode-$(basename "$f" | tr -c 'A-Za-z0-9._-' _)"
    [ -f "$name" ] || { printf "\\x$mode" > "$name"; head -c 200000 "$f" >> "$name"; }
  done
}
mapfile -t html < <(find fixtures/corpus fixtures/articles -name '*.html' | sort | head -200)
mapfile -t texts < <(find fixtures/corpus fixtures/articles -name '*.txt' | sort | head -100)
mapfile -t mds < <(find fixtures/corpus fixtures/articles -name '*.md' | sort | head -50)
mapfile -t jsons < <(find fixtures/syndication fixtures/archive fixtures/recorded fixtures/http -type f | sort | head -100)
seed fuzz_scan 00 "${html[@]}"
seed fuzz_scan 01 "${texts[@]}"
seed fuzz_scan 02 "${mds[@]}"
for m in 00 01 02 03 04; do seed fuzz_sources "$m" "${jsons[@]}"; done
seed fuzz_inputs 02 fixtures/archive/*
seed fuzz_text 00 "${texts[@]}" "${jsons[@]}"
seed fuzz_reports 00 "${texts[@]}"

status=0
for t in "${targets[@]}"; do
  # shellcheck disable=SC2086
  $cxx $cflags -fsanitize=fuzzer "fuzz/$t.cpp" "${objs[@]}" $libs -o "$out/$t"
  mkdir -p "$out/corpus/$t"
  echo "== $t: ${seconds}s"
  if ! "$out/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=262144 -print_final_stats=1 \
      -artifact_prefix="$out/crashes/$t-" "$out/corpus/$t" 2>"$out/$t.log"; then
    echo "fuzz.sh: $t found a failure; see $out/$t.log and $out/crashes/" >&2
    tail -n 30 "$out/$t.log" >&2
    status=1
  else
    grep -E "^stat::number_of_executed_units|^#[0-9]+ *DONE" "$out/$t.log" | tail -n 2 || true
  fi
done
exit $status
