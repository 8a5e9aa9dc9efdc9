#!/usr/bin/env bash
# Builds tweetcheck and runs the whole test suite. Installs what is missing first.
# Ends with the plain line "N passed, N failed" (test cases). Exit status: 0 when all pass.
set -uo pipefail
cd "$(dirname "$0")/.."

bash tools/install-deps.sh || { echo "dependency installation failed"; echo "0 passed, 1 failed"; exit 1; }
bash tools/install-node-tools.sh || { echo "npm tool installation failed"; echo "0 passed, 1 failed"; exit 1; }

werror=false
if [ "${CI:-}" = "true" ]; then werror=true; fi
builddir=build-tests
if [ -d "$builddir" ]; then
  meson configure "$builddir" -Dwerror=$werror >/dev/null
else
  meson setup "$builddir" -Dwerror=$werror >/dev/null
fi || { echo "meson setup failed"; echo "0 passed, 1 failed"; exit 1; }
if ! ninja -C "$builddir"; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

log=$(mktemp)
"$builddir/test/tweetcheck_tests" --reporter console "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

# Catch2 v2 closes with "All tests passed (A assertions in N test cases)" or
# "test cases: N | P passed | F failed".
passed=0 failed=0
if line=$(grep -E "^All tests passed" "$log" | tail -n1) && [ -n "$line" ]; then
  passed=$(sed -E 's/.* in ([0-9]+) test cases?.*/\1/' <<<"$line")
elif line=$(grep -E "^test cases:" "$log" | tail -n1) && [ -n "$line" ]; then
  passed=$(sed -E 's/.*\| *([0-9]+) passed.*/\1/' <<<"$line")
  failed=$(sed -E 's/.*\| *([0-9]+) failed.*/\1/' <<<"$line")
  [[ "$passed" =~ ^[0-9]+$ ]] || passed=0
fi
rm -f "$log"
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
exit "$rc"
