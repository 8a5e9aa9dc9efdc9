#!/usr/bin/env bash
# Installs the npm tools the tests use (package.json, pinned by package-lock.json) into
# node_modules/: the official SARIF validator (@microsoft/sarif-multitool) and playwright-core (drives
# Debian's chromium in the desk server's browser test; it downloads no browser). Needs node and npm
# (Debian's nodejs and npm are installed when there is no npm at all; a node that brings its own
# npm is used as it is). Does nothing when the tools are already installed.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >&2
fi
validator=node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
if [ ! -x "$validator" ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --ignore-scripts >&2
fi
# The package's own postinstall step only makes its binary executable; scripts are not run.
chmod u+x "$validator"
