#!/usr/bin/env bash
# Regenerates the golden reports in fixtures/expected/ — the only way they change. Runs
# `tweetcheck check` on the verdicts article and the seed article against the local test server in
# every format, with SOURCE_DATE_EPOCH fixed, fetch times masked (FETCHED_AT) and SARIF's %SRCROOT% as file:///SRCROOT/, and a screenshot
# of the HTML report for people (docs/report-screenshot.png, needs chromium). Review the diff.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d build ] || meson setup build >/dev/null
ninja -C build >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. tools/test-server.sh
start_test_server --routes fixtures/http/verify.json
mapfile -t args < <(service_endpoints)
args+=(--no-cache --timeout 1 --retries 0)
mkdir -p fixtures/expected
for fmt in text json jsonl html sarif junit csv markdown; do
  ext=$fmt
  case $fmt in text) ext=txt ;; junit) ext=junit.xml ;; markdown) ext=md ;; esac
  SOURCE_DATE_EPOCH=1700000000 ./build/src/tweetcheck check --format "$fmt" "${args[@]}" \
    fixtures/articles/check_verdicts.html fixtures/corpus/seed/zerohedge-taliban-china-2021-07-29.txt > "$work/out" || true
  sed -E -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/FETCHED_AT/g' -e "s#file://$PWD/#file:///SRCROOT/#g" "$work/out" > "fixtures/expected/check_verdicts.$ext"
done
if command -v chromium >/dev/null; then
  mkdir -p docs
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,2400 \
    --screenshot="$PWD/docs/report-screenshot.png" "file://$PWD/fixtures/expected/check_verdicts.html" 2>/dev/null || true
fi
git status --short fixtures/expected docs 2>/dev/null || true
