#!/usr/bin/env bash
# Installs the npm tools the tests use (package.json, pinned by package-lock.json) into
# node_modules/: the official SARIF validator (@microsoft/sarif-multitool). Needs node and npm
# (tools/install-deps.sh installs them). Does nothing when they are already installed.
set -euo pipefail
cd "$(dirname "$0")/.."
validator=node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
if [ ! -x "$validator" ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --ignore-scripts >&2
fi
# The package's own postinstall step only makes its binary executable; scripts are not run.
chmod u+x "$validator"
