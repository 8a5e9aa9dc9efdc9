#!/usr/bin/env bash
# Builds the Debian packages from a clean checkout of a commit (default HEAD: `git archive`, so
# nothing uncommitted goes in), checks them with lintian (no errors), installs them (dpkg -i; run as
# root) and checks the installed result:
#   - `tweetcheck --version` runs;
#   - `man -w tweetcheck` finds the page;
#   - the bash completion completes `tweetcheck ch` to `check`;
#   - the README's library example compiles with `pkg-config --cflags --libs tweetcheck` and runs.
# The .deb files are left in OUT (default dist/). Slow (a full build): not part of the test suite.
#   tools/build-deb.sh [COMMIT]
set -euo pipefail
cd "$(dirname "$0")/.." || exit 1
root=$PWD
ref=${1:-HEAD}
out=${OUT:-$root/dist}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git archive --format=tar --prefix=tweetcheck/ "$ref" | tar -x -C "$work"

echo "== dpkg-buildpackage ($(git rev-parse --short "$ref"))"
(cd "$work/tweetcheck" && DEB_BUILD_OPTIONS="parallel=2 ${DEB_BUILD_OPTIONS:-}" dpkg-buildpackage -us -uc -b)
changes=$(ls "$work"/tweetcheck_*.changes)

echo "== lintian"
lintian --fail-on error --info "$changes"

mkdir -p "$out"
debs=("$work"/tweetcheck_*.deb "$work"/libtweetcheck0_*.deb "$work"/libtweetcheck-dev_*.deb)
cp "${debs[@]}" "$out"/

echo "== dpkg -i"
dpkg -i "${debs[@]}"

fail=0
check() { # check NAME COMMAND...: runs the command, reports ok/FAILED
  local name=$1
  shift
  if "$@"; then echo "ok: $name"; else echo "FAILED: $name"; fail=1; fi
}

echo "== checks"
check "tweetcheck --version runs" /usr/bin/tweetcheck --version
check "man -w tweetcheck finds the page" man -w tweetcheck
completion=$(pkg-config --variable=completionsdir bash-completion 2>/dev/null || echo /usr/share/bash-completion/completions)/tweetcheck
completes_check() {
  local got
  got=$(bash -c "source '$completion'; COMP_WORDS=(tweetcheck ch); COMP_CWORD=1; _tweetcheck; echo \"\${COMPREPLY[*]}\"")
  echo "completion of 'tweetcheck ch': $got"
  [ "$got" = "check" ]
}
check "the bash completion completes 'tweetcheck ch' to 'check'" completes_check
library_example() {
  # The README's example: the ```cpp block after the line <!-- library-example -->.
  awk '/<!-- library-example -->/ {on = 1; next} on && /^```cpp/ {inside = 1; next} inside && /^```/ {exit} inside' \
    "$work/tweetcheck/README.md" >"$work/example.cpp"
  [ -s "$work/example.cpp" ] || { echo "no library example in README.md"; return 1; }
  # shellcheck disable=SC2046
  g++ -std=c++20 -o "$work/example" "$work/example.cpp" $(pkg-config --cflags --libs tweetcheck) || return 1
  local got
  got=$("$work/example")
  echo "example printed: $got"
  [ "$got" = "20 @jack" ]
}
check "the README's library example compiles with pkg-config and runs" library_example

if [ "$fail" -ne 0 ]; then echo "build-deb: FAILED"; exit 1; fi
echo "build-deb: all checks passed (packages in $out)"
