#!/usr/bin/env bash
# Runs the contract suite (tests/contract) against the running stack, or with --lint only
# lints docs/openapi.yaml. Installs the pinned npm packages (npm ci) when node_modules is
# missing or older than the lock file. Used by CTest (tests/contract/CMakeLists.txt).
#
#   tests/contract/run.sh          contract test against SEATS_URL (default http://127.0.0.1:18080)
#   tests/contract/run.sh --lint   redocly lint of docs/openapi.yaml (no server needed)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"

if ! command -v npm >/dev/null 2>&1; then
  echo "run.sh: node and npm are needed (Debian: apt-get install nodejs npm)" >&2
  exit 1
fi

if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true
export NODE_NO_WARNINGS=1

case ${1:-} in
  --lint)
    exec node_modules/.bin/redocly lint --config redocly.yaml ../../docs/openapi.yaml
    ;;
  '')
    exec node --test --test-concurrency=1 --test-reporter=spec ./*.test.mjs
    ;;
  *)
    echo "usage: $0 [--lint]" >&2
    exit 2
    ;;
esac
