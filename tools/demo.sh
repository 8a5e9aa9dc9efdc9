#!/usr/bin/env bash
# Builds tweetcheck (installing what is missing) and runs the whole pipeline on the bundled sample
# article (an RSS-flattened news article with three embedded tweets):
#   1. tweetcheck scan   - what the article shows;
#   2. tweetcheck check  - scan, resolve and verify, against the bundled local server that plays
#      t.co, the syndication API, oEmbed and the Wayback Machine with recorded-style answers
#      (fixtures/http/verify.json), so it works offline. Against the real services, run
#      `tweetcheck check ARTICLE` without the --endpoint options.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
[ -d build ] || meson setup build >/dev/null
ninja -C build >/dev/null
sample=fixtures/corpus/seed/zerohedge-taliban-china-2021-07-29.txt
echo "\$ tweetcheck scan --format text $sample"
./build/src/tweetcheck scan --format text "$sample"

. tools/test-server.sh
start_test_server --routes fixtures/http/verify.json
mapfile -t endpoints < <(service_endpoints)
echo
echo "\$ tweetcheck check --format text --no-cache ${endpoints[*]} $sample"
set +e
./build/src/tweetcheck check --format text --no-cache "${endpoints[@]}" "$sample"
status=$?
set -e
echo "(exit status $status: 1 means a post failed --fail-on, here the deleted one)"
