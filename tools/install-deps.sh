#!/usr/bin/env bash
# Installs every Debian package that tweetcheck's build, tests and benchmarks need.
# Idempotent: packages already present are skipped by apt. Run as root (or with sudo).
set -euo pipefail

packages=(
  # build
  g++ meson ninja-build pkg-config
  # libraries
  libgumbo-dev libcurl4-openssl-dev libssl-dev openssl libspdlog-dev libfmt-dev
  catch2 nlohmann-json3-dev libsqlite3-dev libexpected-dev libcli11-dev
  libutf8proc-dev libtomlplusplus-dev libarchive-dev libre2-dev libxml2-dev
  # fuzz targets (tools/fuzz.sh: libFuzzer, ASan, UBSan)
  clang-14
  # tests and benchmarks
  python3 python3-jsonschema python3-bs4 time publicsuffix openssl chromium fonts-dejavu-core
  # the official SARIF validator, from npm (tools/install-node-tools.sh)
  nodejs npm
)

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
