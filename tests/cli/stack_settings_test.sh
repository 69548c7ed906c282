#!/usr/bin/env bash
# scripts/stack as a newcomer meets it (issue "run it as a real service"): a bad setting,
# from seats.conf or the environment, stops `up` with one line naming it before anything is
# built or started; the environment wins over the file; a taken port and an unknown command
# say what to do; `reset` without a terminal needs --yes. Runs in a scratch STACK_DIR and
# never starts a server (each case fails before that, or is `status`).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"; [[ -n ${listener:-} ]] && kill "$listener" 2>/dev/null; true' EXIT
export STACK_DIR=$scratch/state SEATS_CONF=$scratch/seats.conf
unset HTTP_PORT HOLD_SECONDS WORKERS LISTEN_ADDRESS TRUSTED_PROXIES JWT_SECRET DB_HOST
n=0
failed=0
check() { # check NAME EXPECTED_RC EXPECTED_TEXT -- command...
  local name=$1 want_rc=$2 want=$3 out rc=0
  shift 4
  out=$("$@" 2>&1 </dev/null) || rc=$?
  n=$((n + 1))
  if [[ $rc != "$want_rc" || $out != *"$want"* ]]; then
    echo "not ok $n - $name: exit $rc (want $want_rc), output:"
    awk '{ print "    " $0 }' <<<"$out"
    failed=$((failed + 1))
    return 0
  fi
  if [[ $want_rc != 0 ]] && (($(grep -c 'ERROR' <<<"$out") != 1)); then
    echo "not ok $n - $name: more than one error line:"
    awk '{ print "    " $0 }' <<<"$out"
    failed=$((failed + 1))
    return 0
  fi
  echo "ok $n - $name"
}
nothing_runs() {
  n=$((n + 1))
  if pgrep -f "$scratch" >/dev/null; then
    echo "not ok $n - something was left running: $(pgrep -af "$scratch")"
    failed=$((failed + 1))
  else
    echo "ok $n - nothing left running"
  fi
}
stack=("$repo/scripts/stack")

echo "1..12"
printf 'HOLD_SECONDS=ten\n' >"$SEATS_CONF"
check "a bad value in seats.conf names the variable" 1 "HOLD_SECONDS must be an integer" -- "${stack[@]}" up
printf 'HOLD_SECOND=10\n' >"$SEATS_CONF"
check "an unknown name in seats.conf names the line" 1 "seats.conf:1: unknown setting HOLD_SECOND" -- "${stack[@]}" up
printf 'WORKERS=4\nthis is not a setting\n' >"$SEATS_CONF"
check "a line that is no NAME=value" 1 "seats.conf:2: not a NAME=value line" -- "${stack[@]}" up
printf 'WORKERS=0\n' >"$SEATS_CONF"
check "the environment wins over seats.conf" 1 "WORKERS must be an integer from 1 to 256 (got '7x')" -- env WORKERS=7x "${stack[@]}" up
printf '# a comment\n\nLISTEN_ADDRESS=example.com\n' >"$SEATS_CONF"
check "LISTEN_ADDRESS must be an address" 1 "LISTEN_ADDRESS must be an IP address" -- "${stack[@]}" up
printf 'TRUSTED_PROXIES=10.0.0.0/33\n' >"$SEATS_CONF"
check "TRUSTED_PROXIES are checked" 1 "TRUSTED_PROXIES: '10.0.0.0/33' has a bad prefix length" -- "${stack[@]}" up
printf 'JWT_SECRET="short"\n' >"$SEATS_CONF"
check "a short JWT_SECRET" 1 "JWT_SECRET must be at least 32 bytes (got 5)" -- "${stack[@]}" up
nothing_runs
: >"$SEATS_CONF"
port=$((20000 + RANDOM % 20000))
/usr/bin/python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1 &
listener=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
check "a taken port says how to pick another" 1 "HTTP_PORT=$((port + 1)) scripts/stack up" -- env HTTP_PORT="$port" "${stack[@]}" up
kill "$listener"
listener=""
check "an unknown command says which" 2 "unknown command 'start'" -- "${stack[@]}" start
check "reset without a terminal needs --yes" 1 "pass --yes" -- "${stack[@]}" reset
nothing_runs
echo "$((n - failed)) passed, $failed failed"
((failed == 0))
