#!/usr/bin/env bash
# Installs every Debian package that tweetcheck's build, tests and benchmarks need
# (`--build-only`: only the build's).
# Idempotent: packages already present are skipped by apt. Run as root (or with sudo).
set -euo pipefail

# The build's packages: exactly the Build-Depends of debian/control (besides debhelper-compat), in
# the same order; tools/check-build-deps.py (run by the tests) keeps the two lists equal.
build_packages=(
  g++ meson ninja-build pkg-config python3 publicsuffix help2man
  libgumbo-dev libcurl4-openssl-dev libssl-dev libspdlog-dev libfmt-dev
  nlohmann-json3-dev libsqlite3-dev libexpected-dev libcli11-dev
  libutf8proc-dev libtomlplusplus-dev libarchive-dev libre2-dev libxml2-dev
  libcpp-httplib-dev
  libpq-dev
)
# Only for the tests, fuzzing, benchmarks and packaging (never needed to build the program).
test_packages=(
  # the test suite
  catch2 python3-jsonschema python3-yaml openssl
  # the fleet tests (a PostgreSQL server they start themselves)
  postgresql
  # the Slurm launcher test (a one-node cluster it starts itself)
  slurm-wlm munge
  # fuzz targets (tools/fuzz.sh: libFuzzer, ASan, UBSan)
  clang-14
  # benchmarks
  python3-bs4 time chromium fonts-dejavu-core
  # Debian packages (tools/build-deb.sh)
  debhelper dpkg-dev fakeroot lintian man-db
)
packages=("${build_packages[@]}" "${test_packages[@]}")
if [ "${1:-}" = "--build-only" ]; then packages=("${build_packages[@]}"); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
