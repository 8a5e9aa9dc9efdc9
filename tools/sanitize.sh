#!/usr/bin/env bash
# Builds the library, the command-line program and the test binary with clang 14,
# AddressSanitizer (with LeakSanitizer) and UndefinedBehaviorSanitizer, and runs the whole test
# suite with them: the same Catch2 binary, which starts tools/fake_server.py on 127.0.0.1 and runs
# the sanitized tweetcheck binary end to end.
#
#     tools/sanitize.sh [CATCH2_TEST_SPEC...]     (e.g. tools/sanitize.sh "[scan]")
#
# Exit status: 0 when every test passes and no process (the test binary or any tweetcheck it
# started) wrote a sanitizer report; 1 otherwise; 2 when it could not build. Reports are written to
# BUILD/sanitizer-logs/ (one file per process that found something) and printed at the end.
#
# Build directory: build-asan/ (SANITIZE_BUILD to change it); compiler: clang++-14 (CXX_SANITIZE);
# ccache is used when installed. Leak reports of third-party libraries that are not leaks are
# suppressed in tools/lsan.supp, each with its reason.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
root=$(pwd)
builddir=${SANITIZE_BUILD:-build-asan}
cxx=${CXX_SANITIZE:-clang++-14}
cc=${cxx/clang++/clang}
jobs=${SANITIZE_JOBS:-2}
command -v "$cxx" >/dev/null || { echo "sanitize.sh: $cxx not found (tools/install-deps.sh installs clang-14)" >&2; exit 2; }

werror=false
if [ "${CI:-}" = "true" ]; then werror=true; fi
if [ ! -f "$builddir/build.ninja" ]; then
  wrap=""
  if command -v ccache >/dev/null; then wrap="ccache "; fi
  # -O1 keeps the run fast and the stack traces exact; assertions stay on (b_ndebug=false), and
  # so do libstdc++'s checks (_GLIBCXX_ASSERTIONS: an empty optional dereferenced, an index out
  # of a vector's or string's range), which the sanitizers alone do not see.
  # -fno-sanitize-recover makes the first undefined behaviour fatal, as a memory error is.
  # b_lundef=false: the sanitizers' runtime provides symbols the objects leave undefined.
  CXX="$wrap$cxx" CC="$wrap$cc" meson setup "$builddir" \
    -Dbuildtype=plain -Db_ndebug=false -Dwerror=$werror \
    -Db_sanitize=address,undefined -Db_lundef=false \
    -Dcpp_args="-O1 -gline-tables-only -fno-omit-frame-pointer -fno-sanitize-recover=undefined -D_GLIBCXX_ASSERTIONS" \
    -Dcpp_link_args="-fno-sanitize-recover=undefined" >/dev/null ||
    { echo "sanitize.sh: meson setup failed" >&2; exit 2; }
else
  meson configure "$builddir" -Dwerror=$werror >/dev/null || { echo "sanitize.sh: meson configure failed" >&2; exit 2; }
fi
ninja -C "$builddir" -j "$jobs" || { echo "sanitize.sh: build failed" >&2; exit 2; }

logs="$root/$builddir/sanitizer-logs"
rm -rf "$logs"
mkdir -p "$logs"
# Every sanitized process (the test binary, each tweetcheck it runs) writes its reports to a file
# of its own, so that a report from a child whose exit status a test expected anyway (1 is also
# "findings") is still seen, and no report lands in output a test compares. handle_abort: a failed
# assertion (abort) is reported with its stack like a memory error.
export ASAN_OPTIONS="log_path=$logs/report:detect_leaks=1:detect_stack_use_after_return=1:handle_abort=1:strict_string_checks=1:check_initialization_order=1:strict_init_order=1"
export UBSAN_OPTIONS="log_path=$logs/report:print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$root/tools/lsan.supp:print_suppressions=0"

start=$(date +%s)
"$builddir/test/tweetcheck_tests" --reporter console "$@"
rc=$?
echo "sanitize.sh: test run took $(($(date +%s) - start)) s"

mapfile -t reports < <(find "$logs" -type f | sort)
if [ ${#reports[@]} -gt 0 ]; then
  for f in "${reports[@]}"; do
    echo "==== $f"
    cat "$f"
  done
  echo "sanitize.sh: ${#reports[@]} sanitizer report(s), kept in $logs" >&2
  exit 1
fi
if [ "$rc" -ne 0 ]; then
  echo "sanitize.sh: the test suite failed under the sanitizers (exit $rc)" >&2
  exit 1
fi
echo "sanitize.sh: all tests passed, no sanitizer report"
