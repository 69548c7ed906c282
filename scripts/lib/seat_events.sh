# shellcheck shell=bash
# The seat events end to end through one deployment (API.md Part 2, "On-sale"), for the test
# phases that run the service the ways an operator does (docker, package): a subscriber of
# GET /api/v1/shows/:id/events receives the LOCKED event of a hold made through the API, then
# the AVAILABLE event of its release, and an unknown show's stream is 404 show_not_found. What
# this proves is the wiring of that deployment: nginx loads nchan, seatd reaches nchan's
# publisher socket (directory, permissions, sandbox), and nchan's authorisation request reaches
# seatd. The stream's finer promises (Last-Event-ID, payloads of every change) are the
# integration suites'.
#
# Defines functions only; needs log from common.sh, curl and jq.

# How long an event may take to arrive before the check fails. API.md asks for 100 ms; the
# check measures and prints the time, and fails only when the event is clearly missing.
SEAT_EVENTS_WAIT=5
# A show id no deployment has.
SEAT_EVENTS_UNKNOWN_SHOW=999999999

# seat_events_lines FILE: the payloads of the data lines of the event stream in FILE.
seat_events_lines() { sed -n 's/^data: //p' "$1"; }

# seat_events_has FILE SEAT STATUS: the stream in FILE has an event that gives SEAT STATUS.
seat_events_has() {
  seat_events_lines "$1" | jq -e --argjson seat "$2" --arg status "$3" \
    'select(any(.seats[]?; .id == $seat and .status == $status))' >/dev/null 2>&1
}

# seat_events_wait FILE SEAT STATUS: waits (SEAT_EVENTS_WAIT s) for that event; prints how
# many ms after the call it was there (0: already there, as it should be: seatd publishes before
# it answers).
seat_events_wait() {
  local started=${EPOCHREALTIME/./} deadline=$((SECONDS + SEAT_EVENTS_WAIT))
  until seat_events_has "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.01
  done
  echo $(((${EPOCHREALTIME/./} - started) / 1000))
}

# seat_events_check BASE TOKEN SHOW DIR: BASE is the API's root (http://host:port/api/v1),
# TOKEN a customer's, SHOW a show on sale with an available seat, DIR a scratch directory.
# Holds one seat and releases it while subscribed; prints one line saying what arrived and
# when. Non-zero (with a log line saying why) when something did not arrive.
seat_events_check() {
  local base=$1 token=$2 show=$3 dir=$4
  local stream=$dir/events.$show.stream headers=$dir/events.$show.headers
  rm -f "$stream" "$headers"
  curl -sN --max-time 60 -H 'Accept: text/event-stream' -D "$headers" -o "$stream" \
    "$base/shows/$show/events" &
  local subscriber=$!
  # Only events published after the subscription reach it: wait for nchan's first comment
  # line (": hi"), which it sends once the subscriber is registered.
  local deadline=$((SECONDS + 10))
  until grep -q '^:' "$stream" 2>/dev/null; do
    if ! kill -0 "$subscriber" 2>/dev/null || ((SECONDS >= deadline)); then
      kill "$subscriber" 2>/dev/null
      wait "$subscriber" 2>/dev/null
      log "seat events: no subscription to show $show: $(head -n1 "$headers" 2>/dev/null) $(cat "$stream" 2>/dev/null)"
      return 1
    fi
    sleep 0.05
  done
  local rc=0 result
  result=$(seat_events_hold_and_release "$base" "$token" "$show" "$stream") || rc=$?
  kill "$subscriber" 2>/dev/null
  wait "$subscriber" 2>/dev/null
  ((rc == 0)) || return "$rc"
  grep -qi '^content-type: text/event-stream' "$headers" || {
    log "seat events: the stream's headers: $(tr -d '\r' <"$headers" | paste -sd' ')"
    return 1
  }

  local code body=$dir/events.unknown.json
  code=$(curl -s -o "$body" -w '%{http_code}' --max-time 10 -H 'Accept: text/event-stream' \
    "$base/shows/$SEAT_EVENTS_UNKNOWN_SHOW/events") || code=000
  [[ $code == 404 && $(jq -r .code "$body" 2>/dev/null) == show_not_found ]] || {
    log "seat events: an unknown show's events answered $code: $(cat "$body")"
    return 1
  }
  echo "$result; an unknown show's events: 404 show_not_found"
}

# seat_events_hold_and_release BASE TOKEN SHOW STREAM: holds the first available seat of SHOW
# and waits for its LOCKED event in STREAM, then releases it and waits for AVAILABLE.
seat_events_hold_and_release() {
  local base=$1 token=$2 show=$3 stream=$4 seat code locked available
  seat=$(curl -sf --max-time 10 "$base/shows/$show/seats" |
    jq '[.[] | select(.status == "AVAILABLE")][0].id') || seat=""
  [[ $seat =~ ^[0-9]+$ ]] || {
    log "seat events: no available seat in show $show"
    return 1
  }
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X PATCH \
    -H "Authorization: Bearer $token" "$base/seats/$seat/lock") || code=000
  [[ $code == 200 ]] || {
    log "seat events: holding seat $seat of show $show answered $code"
    return 1
  }
  locked=$(seat_events_wait "$stream" "$seat" LOCKED) || {
    log "seat events: no LOCKED event for seat $seat within ${SEAT_EVENTS_WAIT}s; the stream: $(paste -sd'|' "$stream")"
    return 1
  }
  # The payload says when the hold ends and nothing of who holds it.
  seat_events_lines "$stream" | jq -e --argjson seat "$seat" \
    'select(any(.seats[]?; .id == $seat and .status == "LOCKED"))
     | .seats[] | select(.id == $seat) | (keys == ["expires_at", "id", "status"])' >/dev/null || {
    log "seat events: the LOCKED event of seat $seat: $(seat_events_lines "$stream" | paste -sd'|')"
    return 1
  }
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X DELETE \
    -H "Authorization: Bearer $token" "$base/seats/$seat/lock") || code=000
  [[ $code == 200 ]] || {
    log "seat events: releasing seat $seat answered $code"
    return 1
  }
  available=$(seat_events_wait "$stream" "$seat" AVAILABLE) || {
    log "seat events: no AVAILABLE event for seat $seat within ${SEAT_EVENTS_WAIT}s after its release"
    return 1
  }
  echo "seat events of show $show: seat $seat LOCKED within ${locked} ms of the answer to its hold, AVAILABLE within ${available} ms of the answer to its release"
}
