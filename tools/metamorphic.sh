#!/usr/bin/env bash
# Runs the metamorphic verdict test at a larger scale and prints its figures:
#   false alarms X/N, missed Y/M, wrong reason Z/M
# SEEDS (default "1 2 3") and COMBOS (random combinations of cosmetic changes per original and
# seed, default 60) set the scale. Builds the test binary first.
set -euo pipefail
cd "$(dirname "$0")/.."
builddir=${BUILDDIR:-build-tests}
[ -d "$builddir" ] || meson setup "$builddir" >/dev/null
ninja -C "$builddir" >/dev/null
fa=0 n=0 mi=0 wr=0 m=0
for seed in ${SEEDS:-1 2 3}; do
  line=$(TWEETCHECK_METAMORPHIC_SEED=$seed TWEETCHECK_METAMORPHIC_COMBOS=${COMBOS:-60} \
         "$builddir/test/tweetcheck_tests" "[metamorphic]" 2>&1 >/dev/null | grep '^metamorphic' || true)
  [ -n "$line" ] || { echo "seed $seed: the test printed no figures" >&2; exit 1; }
  echo "$line"
  read -r a b c d e f < <(sed -E 's/.*false alarms ([0-9]+)\/([0-9]+), missed ([0-9]+)\/([0-9]+), wrong reason ([0-9]+)\/([0-9]+).*/\1 \2 \3 \4 \5 \6/' <<<"$line")
  fa=$((fa + a)) n=$((n + b)) mi=$((mi + c)) m=$((m + d)) wr=$((wr + e))
done
echo "false alarms $fa/$n, missed $mi/$m, wrong reason $wr/$m"
