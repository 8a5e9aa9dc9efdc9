#!/usr/bin/env bash
# Builds tweetcheck (installing what is missing) and scans the bundled sample article:
# an RSS-flattened news article with three embedded tweets.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
[ -d build ] || meson setup build >/dev/null
ninja -C build >/dev/null
sample=fixtures/corpus/seed/zerohedge-taliban-china-2021-07-29.txt
echo "\$ tweetcheck scan --format text $sample"
./build/src/tweetcheck scan --format text "$sample"
