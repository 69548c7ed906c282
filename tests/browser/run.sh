#!/usr/bin/env bash
# Runs the browser tests (every *.test.js here, or the files named) against a running
# stack (SEATS_URL, default http://127.0.0.1:18080).
# Installs playwright-core and axe-core from the committed lock file when node_modules is missing or
# older than the lock (a checkout that changed the lock); never downloads a
# browser: it drives Debian's chromium (apt-get install chromium), path in $CHROMIUM.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

chromium_bin="${CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$chromium_bin" ]]; then
  echo "browser tests: $chromium_bin is missing; install it with: apt-get install -y chromium" >&2
  exit 1
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "browser tests: node and npm are needed (apt-get install -y nodejs npm)" >&2
  exit 1
fi

if [[ ! -d node_modules/playwright-core || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi

export SEATS_URL="${SEATS_URL:-http://127.0.0.1:18080}"
export HOLD_SECONDS="${HOLD_SECONDS:-5}"
# Arguments name test files (ctest runs one suite each); none: every suite here.
(($# > 0)) || set -- ./*.test.js
exec node --test --test-reporter=spec "$@"
