# shellcheck shell=bash
# Phase node18 of scripts/test: the browser and contract suites on a fresh Debian 12's own
# Node.js (nodejs 18.x and npm from apt) and Debian's chromium, in a debian:bookworm-slim
# container, against a fresh test stack on this machine (issue 12: these machines have
# Node 20, so tools locked for 20 only broke on a newcomer's Debian).
#
#   image      docker/node18-tests.Dockerfile: apt packages, then `npm ci` from the
#              committed lock files (layer-cached: a warm run rebuilds nothing)
#   stack      stack_up_fresh (the stack phase stopped its stack at its end)
#   container  --network host (the stack is on 127.0.0.1:$HTTP_PORT; the contract suite
#              also sends from other 127.x addresses), the checkout mounted read-only;
#              tests/browser, tests/contract and docs/ are copied next to the image's
#              node_modules, so nothing is written into the checkout
#   browser, lint, contract
#              tests/browser/run.sh, tests/contract/run.sh --lint, tests/contract/run.sh:
#              the very commands of the ctest suites; all three run even when one fails
#
# Each step prints its time. The node runner's "ℹ pass N" / "ℹ fail N" lines (the lint
# counts as one test, as in ctest) go into the run's totals; any failure fails the phase.
# Defines functions only. Needs from scripts/test: phase, phase_done, stack_up_fresh,
# SUMMARY, TOTAL_PASSED, TOTAL_FAILED, ARTIFACTS; and log/die from common.sh.

if ! declare -F ensure_dockerd >/dev/null; then
  # shellcheck source=scripts/lib/docker.sh
  source "$(dirname "${BASH_SOURCE[0]}")/docker.sh"
fi

NODE18_IMAGE=seats-node18-tests:latest
NODE18_DOCKERFILE=docker/node18-tests.Dockerfile
# Debian 12's nodejs is 18.x: anything else means the image is not what this phase tests.
NODE18_EXPECT_MAJOR=v18.

# node18_step NAME COMMAND...: runs COMMAND, prints its time; returns its exit code.
node18_step() {
  local name=$1 started=$SECONDS rc=0
  shift
  log "node18: $name"
  "$@" || rc=$?
  log "node18: $name: $((SECONDS - started))s (exit $rc)"
  return "$rc"
}

# Builds the test image. The build context holds the package files only, so the npm layers
# are rebuilt exactly when a lock file changes, and no checkout (node_modules, build trees)
# is sent to the engine.
node18_build_image() {
  local ctx rc=0 suite
  ctx=$(mktemp -d)
  for suite in browser contract; do
    mkdir -p "$ctx/$suite"
    cp "tests/$suite/package.json" "tests/$suite/package-lock.json" "$ctx/$suite/"
  done
  docker build -q -t "$NODE18_IMAGE" -f "$NODE18_DOCKERFILE" "$ctx" >"$ctx.log" 2>&1 || rc=$?
  if ((rc != 0)); then
    tail -n 40 "$ctx.log" >&2
  fi
  rm -rf "$ctx" "$ctx.log"
  return "$rc"
}

# Starts the container (its own main process ends it within 15 minutes should this run
# die) and lays the test sources next to the image's node_modules. Prints the node version.
node18_start_container() {
  local name=$1
  docker rm -f "$name" >/dev/null 2>&1 || true
  mkdir -p "$ARTIFACTS/node18"
  docker run -d --rm --name "$name" --network host --shm-size=1g \
    -v "$REPO_ROOT:/src:ro" -v "$ARTIFACTS/node18:/artifacts" \
    -e SEATS_URL -e HOLD_SECONDS -e MAX_HOLDS_PER_SHOW -e LOGIN_RATE -e JWT_SECRET \
    -e CONTRACT_SHOW_INDEX -e CONTRACT_ROWS -e CONTRACT_WAIT_SECONDS \
    -e CONTRACT_ADMIN_EMAIL -e CONTRACT_ADMIN_PASSWORD \
    -e SEATS_ARTIFACTS=/artifacts \
    "$NODE18_IMAGE" sleep 900 >/dev/null || return 1
  # The image's node_modules came from these very lock files (built just now); the copy
  # would look newer than them to contract/run.sh, which would then run npm ci again.
  docker exec -w /seats "$name" sh -ec '
    tar -C /src --exclude=node_modules -cf - tests/browser tests/contract docs | tar -xf -
    touch tests/browser/node_modules/.package-lock.json tests/contract/node_modules/.package-lock.json
  ' || return 1
  local version
  version=$(docker exec "$name" node --version) || return 1
  log "node18: node --version in the container: $version (npm $(docker exec "$name" npm --version))"
  [[ $version == "$NODE18_EXPECT_MAJOR"* ]] || {
    log "node18: expected Node ${NODE18_EXPECT_MAJOR}x, got $version"
    return 1
  }
}

# node18_suite CONTAINER NAME LOG COMMAND...: runs a suite in the container, output to the
# terminal and LOG; adds its node-runner counts to the totals (or 1 test for a command that
# prints none, like the lint). Returns non-zero when it failed.
node18_suite() {
  local container=$1 name=$2 out=$3
  shift 3
  local rc=0
  node18_step "$name" docker exec -w /seats "$container" "$@" 2>&1 | tee "$out" || rc=$?
  ((rc == 0)) || rc=1
  # The spec reporter ends with "ℹ pass N" / "ℹ fail N", TAP with "# pass N" / "# fail N".
  local pass fail
  pass=$(sed -nE 's/^(ℹ|#) pass ([0-9]+)$/\2/p' "$out" | tail -n1)
  fail=$(sed -nE 's/^(ℹ|#) fail ([0-9]+)$/\2/p' "$out" | tail -n1)
  if [[ -z $pass ]]; then
    pass=$((rc == 0 ? 1 : 0))
    fail=$((rc == 0 ? 0 : 1))
  fi
  fail=${fail:-0}
  # A crash after some tests passed still counts as a failure.
  ((rc == 0 || fail > 0)) || fail=1
  TOTAL_PASSED=$((TOTAL_PASSED + pass))
  TOTAL_FAILED=$((TOTAL_FAILED + fail))
  SUMMARY+=("       node18 $name: $pass passed, $fail failed")
  return "$rc"
}

phase_node18() {
  phase node18 "browser + contract suites on Debian 12's Node.js 18 and chromium (container)"
  node18_step "engine" ensure_dockerd || die "no Docker engine"
  node18_step "base image" ensure_base_image || die "no $DOCKER_BASE_IMAGE image"
  node18_step "image $NODE18_IMAGE" node18_build_image || die "building $NODE18_IMAGE failed"
  # Not through node18_step: stack_up_fresh relies on errexit, which `||` would switch off.
  local started=$SECONDS
  log "node18: test stack"
  stack_up_fresh
  log "node18: test stack: $((SECONDS - started))s"
  local container
  container=seats-node18-$$
  if ! node18_step "container" node18_start_container "$container"; then
    docker rm -f "$container" >/dev/null 2>&1 || true
    die "the node18 test container did not start"
  fi
  local failed=()
  node18_suite "$container" browser "$ARTIFACTS/node18-browser.log" \
    tests/browser/run.sh || failed+=(browser)
  node18_suite "$container" lint "$ARTIFACTS/node18-lint.log" \
    tests/contract/run.sh --lint || failed+=(lint)
  node18_suite "$container" contract "$ARTIFACTS/node18-contract.log" \
    tests/contract/run.sh || failed+=(contract)
  docker rm -f "$container" >/dev/null 2>&1 || true
  scripts/stack down
  ((${#failed[@]} == 0)) ||
    die "on Node 18: ${failed[*]} failed (logs: $ARTIFACTS/node18-*.log, screenshots: $ARTIFACTS/node18/)"
  phase_done
}
