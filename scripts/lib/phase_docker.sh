# shellcheck shell=bash
# scripts/test's docker phase: the compose stack (docker-compose.yml + docker/compose.test.yml)
# built and run for real, then the black-box suites against it and the promises of API.md
# "Docker": a crashed pool is restarted without losing a 201 booking, the data survives
# down/up, and no demo account exists unless DEMO_DATA=1. Seat events go through nginx's
# nchan to a subscriber (scripts/lib/seat_events.sh) on the new stack, after down/up (the
# volume seats-events kept) and after nginx itself was killed and restarted.
#
# Defines phase_docker only; needs scripts/test's phase/phase_done/log/die/run_ctest/SUMMARY.
# Options (environment): DOCKER_TEST_PROJECT (seats-test; also the images' tag,
# SEATS_IMAGE_TAG), DOCKER_TEST_HTTP_PORT (18580), DOCKER_TEST_DB_PORT (18581),
# DOCKER_NO_CACHE=1 (rebuild every layer: the cold figure). Images are kept for the layer
# cache; the project's containers, network and volumes are removed at the end, pass or fail.

# shellcheck source=scripts/lib/docker.sh
source "$(dirname "${BASH_SOURCE[0]}")/docker.sh"
# shellcheck source=scripts/lib/migrate.sh
source "$(dirname "${BASH_SOURCE[0]}")/migrate.sh"
# shellcheck source=scripts/lib/seat_events.sh
source "$(dirname "${BASH_SOURCE[0]}")/seat_events.sh"

DOCKER_TEST_PROJECT=${DOCKER_TEST_PROJECT:-seats-test}
DOCKER_TEST_HTTP_PORT=${DOCKER_TEST_HTTP_PORT:-18580}
DOCKER_TEST_DB_PORT=${DOCKER_TEST_DB_PORT:-18581}
DOCKER_TEST_IMAGES=(seats-seatd seats-mariadb seats-nginx)
# The account the tests use to read and write the database directly (and to make the scratch
# databases of the migration test), as the native test stack's tests use root.
DOCKER_TEST_DB_USER=seats_test
# Bookings made after the kill (and before it) before the load stops.
DOCKER_LOAD_BOOKINGS=20
# The load's own shows (50 seats each, rows A-E x 1-10, as the demo's).
DOCKER_LOAD_SHOWS=10
DOCKER_MARIADB_SOCKET=/run/mysqld/mysqld.sock

DOCKER_TEST_SETTINGS=()  # NAME=value: what both compose and the test binaries read
DOCKER_COMPOSE_ENV=()    # NAME=value: the above plus what only compose reads
DOCKER_TEST_DB_PASSWORD=""
DOCKER_TMP=""
DOCKER_STEP_TIMES=()
DOCKER_STEP=""
DOCKER_STEP_START=0
DOCKER_PREV_EXIT_TRAP=""
DOCKER_EVENTS_TOKEN=""
DOCKER_EVENTS_SHOW=""

# dtc ARGS...: docker-compose for the test project, with the test override.
dtc() {
  env "${DOCKER_COMPOSE_ENV[@]}" docker-compose -p "$DOCKER_TEST_PROJECT" \
    -f "$REPO_ROOT/docker-compose.yml" -f "$REPO_ROOT/docker/compose.test.yml" "$@"
}

# dtc_plain ARGS...: the same project from docker-compose.yml alone, as a user runs it.
dtc_plain() {
  env "${DOCKER_COMPOSE_ENV[@]}" DEMO_DATA= docker-compose -p "$DOCKER_TEST_PROJECT" \
    -f "$REPO_ROOT/docker-compose.yml" "$@"
}

# docker_cid SERVICE: the id of the project's container for SERVICE (empty if none).
docker_cid() {
  docker ps -aq --filter "label=com.docker.compose.project=$DOCKER_TEST_PROJECT" \
    --filter "label=com.docker.compose.service=$1" | head -n1
}

docker_step() {
  docker_step_end
  DOCKER_STEP=$1
  DOCKER_STEP_START=$SECONDS
  log "docker: $1"
}

docker_step_end() {
  [[ -n $DOCKER_STEP ]] || return 0
  DOCKER_STEP_TIMES+=("$(printf '%-28s %4ds' "$DOCKER_STEP" $((SECONDS - DOCKER_STEP_START)))")
  DOCKER_STEP=""
}

docker_test_sql() {
  mariadb --defaults-file="$DOCKER_TMP/client.cnf" --batch --skip-column-names \
    --database=seats "$@"
}

# docker_wait_healthy SECONDS SERVICE...: until every SERVICE's container reports healthy.
docker_wait_healthy() {
  local deadline=$((SECONDS + $1))
  shift
  local service cid status pending
  while :; do
    pending=()
    for service in "$@"; do
      cid=$(docker_cid "$service")
      status=$( [[ -n $cid ]] && docker inspect -f '{{.State.Status}}/{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$cid" 2>/dev/null) || status=missing
      [[ $status == running/healthy ]] || pending+=("$service=$status")
    done
    ((${#pending[@]} == 0)) && return 0
    ((SECONDS < deadline)) || die "containers not healthy after the deadline: ${pending[*]}"
    sleep 0.5
  done
}

docker_health_code() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
    "http://127.0.0.1:$DOCKER_TEST_HTTP_PORT/api/v1/health" 2>/dev/null || true
}

docker_wait_api() {
  local deadline=$((SECONDS + $1))
  until [[ $(docker_health_code) == 200 ]]; do
    ((SECONDS < deadline)) || die "GET /api/v1/health did not answer 200 within $1 s (last: $(docker_health_code))"
    sleep 0.2
  done
}

# The test account, over the server's socket as the image's mysql user (its superuser), and
# a client.cnf for it (tests/migrations reads $STACK_RUN_DIR/client.cnf).
docker_make_test_account() {
  docker exec -i "$(docker_cid mariadb)" mariadb --socket="$DOCKER_MARIADB_SOCKET" <<SQL ||
CREATE USER IF NOT EXISTS '$DOCKER_TEST_DB_USER'@'%' IDENTIFIED BY '$DOCKER_TEST_DB_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$DOCKER_TEST_DB_USER'@'%';
SQL
    die "cannot create the test account in the compose MariaDB"
  (
    umask 077
    cat >"$DOCKER_TMP/client.cnf" <<CNF
[client]
user=$DOCKER_TEST_DB_USER
password=$DOCKER_TEST_DB_PASSWORD
host=127.0.0.1
port=$DOCKER_TEST_DB_PORT
default-character-set=utf8mb4
CNF
  )
}

# The black-box suites of scripts/test's stack phase, with what the test binaries read
# (tests/support/env.cpp, db.cpp) pointing at the compose stack. Exported for this function
# (and ctest) only; an empty value reads as absent.
docker_run_black_box_tests() {
  local -x "${DOCKER_TEST_SETTINGS[@]}" SEATS_URL="http://127.0.0.1:$DOCKER_TEST_HTTP_PORT" \
    DB_HOST=127.0.0.1 DB_PORT="$DOCKER_TEST_DB_PORT" DB_USER="$DOCKER_TEST_DB_USER" \
    DB_PASSWORD="$DOCKER_TEST_DB_PASSWORD" DB_ADMIN_USER="$DOCKER_TEST_DB_USER" \
    DB_ADMIN_PASSWORD="$DOCKER_TEST_DB_PASSWORD" STACK_RUN_DIR="$DOCKER_TMP" \
    DB_SOCKET='' STACK_DIR='' STACK_LOG_DIR='' STACK_SEATD='' \
    CONTRACT_ADMIN_EMAIL='' CONTRACT_ADMIN_PASSWORD=''
  run_ctest build 'integration|race' -j2
}

docker_confirmed_bookings() {
  docker_test_sql -e "SELECT COUNT(*) FROM bookings WHERE status = 'CONFIRMED'"
}

# docker_login EMAIL PASSWORD: registers the account and prints a token for it.
docker_login() {
  local base="http://127.0.0.1:$DOCKER_TEST_HTTP_PORT/api/v1" code
  code=$(jq -nc --arg e "$1" --arg p "$2" '{email: $e, password: $p, name: "Load Test"}' |
    curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$base/register" -d @-)
  [[ $code == 201 ]] || die "registering $1 answered $code"
  code=$(jq -nc --arg e "$1" --arg p "$2" '{email: $e, password: $p}' |
    curl -s -o "$DOCKER_TMP/login.json" -w '%{http_code}' --max-time 10 "$base/login" -d @-)
  [[ $code == 200 ]] || die "login of $1 answered $code"
  jq -r .token "$DOCKER_TMP/login.json"
}

# docker_booking_load TOKEN SEATS_FILE OUT STOP: for each "show seat" line, hold the seat and
# book it with an Idempotency-Key; one line per seat to OUT: "<lock status> <booking status>
# <booking id or -> <seat>". Stops when the file STOP exists. Paced (about 20 seats a second per
# client), so that the run spans the kill and the restart.
docker_booking_load() {
  local token=$1 seats=$2 out=$3 stop=$4
  local base="http://127.0.0.1:$DOCKER_TEST_HTTP_PORT/api/v1"
  local show seat lock book id body=$DOCKER_TMP/body.$BASHPID
  while read -r show seat; do
    [[ -e $stop ]] && break
    lock=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X PATCH \
      -H "Authorization: Bearer $token" "$base/seats/$seat/lock") || lock=000
    book=- id=-
    if [[ $lock == 200 ]]; then
      book=$(curl -s -o "$body" -w '%{http_code}' --max-time 10 \
        -H "Authorization: Bearer $token" -H "Idempotency-Key: load-$seat" \
        -d "{\"show_id\":$show,\"seat_id\":$seat}" "$base/bookings") || book=000
      [[ $book == 201 ]] && id=$(jq -r .booking_id "$body")
    fi
    echo "$lock $book $id $seat" >>"$out"
    sleep 0.04
  done <"$seats"
}

docker_bookings_made() { cat "$DOCKER_TMP"/load.*.out 2>/dev/null | awk '$2 == 201' | wc -l; }

# Step 4: SIGKILL to the app container's main process (seatd's master, PID 1 there) from the
# host while two clients hold and book; Docker's restart policy must bring it back (a
# `docker kill` would count as deliberate), and every 201 must be a confirmed booking.
docker_kill_under_load() {
  local cid
  cid=$(docker_cid app)
  # The load's own shows, told apart by their ids (nothing else adds shows meanwhile): the
  # suites before this step add shows of their own, some far in the future, some cancelled.
  local first
  first=$(
    docker_test_sql <<SQL
INSERT INTO shows (movie_id, theatre_id, start_time)
  SELECT 1, 1, UTC_TIMESTAMP() + INTERVAL 30 DAY FROM seq_1_to_$DOCKER_LOAD_SHOWS;
SET @first = LAST_INSERT_ID();
INSERT INTO show_seats (show_id, seat_row, row_position, seat_number)
  SELECT s.id, CHAR(64 + r.seq USING ascii), r.seq, n.seq FROM shows s, seq_1_to_5 r, seq_1_to_10 n
   WHERE s.id >= @first;
SELECT @first;
SQL
  ) || die "cannot create the load's shows"
  docker_test_sql -e "SELECT show_id, id FROM show_seats
      WHERE show_id >= $first ORDER BY id" >"$DOCKER_TMP/seats"
  local n
  for n in 0 1; do
    awk -v n="$n" 'NR % 2 == n' "$DOCKER_TMP/seats" >"$DOCKER_TMP/seats.$n"
  done
  local token0 token1
  token0=$(docker_login "load0-$$@example.com" "load-password-0")
  token1=$(docker_login "load1-$$@example.com" "load-password-1")
  local stop=$DOCKER_TMP/stop pids=()
  docker_booking_load "$token0" "$DOCKER_TMP/seats.0" "$DOCKER_TMP/load.0.out" "$stop" &
  pids+=($!)
  docker_booking_load "$token1" "$DOCKER_TMP/seats.1" "$DOCKER_TMP/load.1.out" "$stop" &
  pids+=($!)

  local deadline=$((SECONDS + 60))
  until (($(docker_bookings_made) >= DOCKER_LOAD_BOOKINGS)); do
    ((SECONDS < deadline)) || die "the load made fewer than $DOCKER_LOAD_BOOKINGS bookings in 60 s"
    sleep 0.1
  done
  local pid restarts
  pid=$(docker inspect -f '{{.State.Pid}}' "$cid")
  restarts=$(docker inspect -f '{{.RestartCount}}' "$cid")
  local before_kill killed_at=$SECONDS
  before_kill=$(docker_bookings_made)
  log "docker: kill -9 $pid (app's main process) after $before_kill bookings"
  kill -KILL "$pid"
  # Back when Docker has started it again and nginx reaches the new pool.
  deadline=$((SECONDS + 60))
  until [[ $(docker inspect -f '{{.RestartCount}} {{.State.Running}}' "$cid") == "$((restarts + 1)) true" ]] &&
    [[ $(docker_health_code) == 200 ]]; do
    ((SECONDS < deadline)) || die "the app container was not restarted within 60 s ($(docker inspect -f '{{.RestartCount}} {{.State.Status}}' "$cid"))"
    sleep 0.1
  done
  local back_after=$((SECONDS - killed_at)) at_restart
  at_restart=$(docker_bookings_made)
  deadline=$((SECONDS + 60))
  until (($(docker_bookings_made) >= at_restart + DOCKER_LOAD_BOOKINGS)); do
    ((SECONDS < deadline)) || die "fewer than $DOCKER_LOAD_BOOKINGS bookings within 60 s of the restart"
    sleep 0.1
  done
  touch "$stop"
  wait "${pids[@]}"
  docker_wait_healthy 60 app

  local ids made confirmed failed
  ids=$(cat "$DOCKER_TMP"/load.*.out | awk '$2 == 201 { print $3 }' | paste -sd, -)
  made=$(docker_bookings_made)
  confirmed=$(docker_test_sql -e "SELECT COUNT(*) FROM bookings WHERE status = 'CONFIRMED'
      AND id IN ($ids)")
  failed=$(cat "$DOCKER_TMP"/load.*.out | awk '$1 != 200 || ($2 != 201 && $2 != "-") { n[$1 "/" $2]++ }
      END { for (k in n) { printf "%s%s x%d", sep, k, n[k]; sep = ", " } }')
  # Bookings under way when the pool died: rolled back, or committed with the answer lost
  # (then the seat is SOLD: a client's retry with its Idempotency-Key gets the 201 back).
  local in_flight committed=0
  in_flight=$(cat "$DOCKER_TMP"/load.*.out | awk '$1 == 200 && $2 ~ /^[05]/ { print $4 }' | paste -sd, -)
  if [[ -n $in_flight ]]; then
    committed=$(docker_test_sql -e "SELECT COUNT(*) FROM show_seats WHERE status = 'SOLD'
        AND id IN ($in_flight)")
  fi
  local line
  line="kill -9 under load: back in ${back_after}s (restart count $restarts -> $((restarts + 1))), $made bookings answered 201 ($before_kill before the kill), $confirmed of them CONFIRMED in the database, lost $((made - confirmed)); other answers (lock/booking): ${failed:-none}; of the bookings cut off, $committed committed without their answer"
  log "docker: $line"
  SUMMARY+=("       docker $line")
  ((confirmed == made)) || die "$((made - confirmed)) bookings answered 201 are not CONFIRMED in the database"
}

# Step 5: down (containers and network gone, the volume kept) and up again without a build,
# this time with the compose file's own per-address limits, as a user runs it: a login storm
# from this host is answered 429.
docker_down_up_keeps_data() {
  local before after mariadb_log
  before=$(docker_confirmed_bookings)
  dtc down
  DOCKER_COMPOSE_ENV+=(LOGIN_RATE='' API_RATE='')
  dtc up -d
  docker_wait_healthy 120 mariadb app app-login nginx
  docker_wait_api 30
  after=$(docker_confirmed_bookings)
  local line="down/up: $before confirmed bookings before, $after after"
  log "docker: $line"
  SUMMARY+=("       docker $line")
  ((before == after && before > 0)) || die "down/up changed the confirmed bookings: $before -> $after"
  mariadb_log=$(dtc logs --no-color mariadb 2>&1)
  grep -q 'database seats has its data' <<<"$mariadb_log" ||
    die "the second start of MariaDB did not find its database (see its log)"
  # Before the login storm, which leaves no room under LOGIN_RATE for a registration.
  DOCKER_EVENTS_TOKEN=$(docker_login "events1-$$@example.com" "events-password-1")
  docker_events "seat events after down/up"

  # {} is refused (422) before any bcrypt work; burst 20 at 5 r/s.
  local answers limited other _
  answers=$(for _ in $(seq 30); do
    curl -s -o /dev/null -w '%{http_code}\n' --max-time 5 -d '{}' \
      "http://127.0.0.1:$DOCKER_TEST_HTTP_PORT/api/v1/login"
  done)
  limited=$(grep -c '^429$' <<<"$answers" || true)
  other=$(grep -vcE '^(422|429)$' <<<"$answers" || true)
  line="30 logins at once with the default LOGIN_RATE: $limited answered 429, $((30 - limited - other)) 422, $other other"
  log "docker: $line"
  SUMMARY+=("       docker $line")
  ((limited > 0 && other == 0)) || die "the login storm was not limited as configured"
}

# docker_events LABEL: the seat events end to end through the compose stack's nginx, as the
# customer DOCKER_EVENTS_TOKEN, on a show of their own (made at the first call: the suites
# before it may have taken the demo shows' seats); then the events socket's directory as both
# containers see it (the volume seats-events, made from the images).
docker_events() {
  if [[ -z $DOCKER_EVENTS_SHOW ]]; then
    DOCKER_EVENTS_SHOW=$(docker_test_sql -e "
      INSERT INTO shows (movie_id, theatre_id, start_time)
        VALUES (1, 1, UTC_TIMESTAMP() + INTERVAL 30 DAY);
      SET @show = LAST_INSERT_ID();
      INSERT INTO show_seats (show_id, seat_row, row_position, seat_number)
        SELECT @show, 'A', 1, n.seq FROM seq_1_to_5 n;
      SELECT @show") || die "cannot create the events check's show"
  fi
  local line
  line=$(seat_events_check "http://127.0.0.1:$DOCKER_TEST_HTTP_PORT/api/v1" \
    "$DOCKER_EVENTS_TOKEN" "$DOCKER_EVENTS_SHOW" "$DOCKER_TMP") || die "$1 failed"
  local service modes=()
  for service in nginx app; do
    modes+=("$service: $(docker exec "$(docker_cid "$service")" stat -c '%a %U:%G' /run/seats-events)")
  done
  [[ ${modes[*]} == "nginx: 750 www-data:seats app: 750 www-data:seats" ]] ||
    die "/run/seats-events is not www-data:seats 0750 in both containers: ${modes[*]}"
  line="$1: $line; /run/seats-events 750 www-data:seats in nginx and app"
  log "docker: $line"
  SUMMARY+=("       docker $line")
}

# Step 6: SIGKILL to nginx's master (the container's main process) from the host. It leaves
# its events socket in the volume; Docker's restart policy must bring nginx back (past that
# file: render.sh --exec) and events must flow again.
docker_kill_nginx() {
  local cid pid restarts deadline killed_at=$SECONDS
  cid=$(docker_cid nginx)
  pid=$(docker inspect -f '{{.State.Pid}}' "$cid")
  restarts=$(docker inspect -f '{{.RestartCount}}' "$cid")
  kill -KILL "$pid"
  deadline=$((SECONDS + 60))
  until [[ $(docker inspect -f '{{.RestartCount}} {{.State.Running}}' "$cid") == "$((restarts + 1)) true" ]] &&
    [[ $(docker_health_code) == 200 ]]; do
    ((SECONDS < deadline)) || die "nginx was not back within 60 s of its kill ($(docker inspect -f '{{.RestartCount}} {{.State.Status}}' "$cid"))"
    sleep 0.1
  done
  log "docker: nginx back $((SECONDS - killed_at)) s after kill -9 $pid"
  docker_events "seat events after kill -9 of nginx"
}

# Step 7: docker-compose.yml alone (no DEMO_DATA) on a new volume: the schema, no demo user.
docker_no_demo_without_flag() {
  dtc down -v
  dtc_plain up -d mariadb
  docker_wait_healthy 120 mariadb
  local q users versions latest
  q=(docker exec -i "$(docker_cid mariadb)" mariadb --socket="$DOCKER_MARIADB_SOCKET"
    --batch --skip-column-names seats -e)
  users=$("${q[@]}" "SELECT COUNT(*) FROM users") || die "cannot count users"
  versions=$("${q[@]}" "SELECT COUNT(*) FROM schema_migrations") || die "no schema_migrations"
  latest=$(latest_migration "$REPO_ROOT/sql/migrations")
  local line="without DEMO_DATA: $users users (alex@example.com absent), $versions of $latest migrations recorded"
  log "docker: $line"
  SUMMARY+=("       docker $line")
  ((users == 0)) || die "a database made without DEMO_DATA has $users users"
  ((versions == latest)) || die "a new database has $versions migrations recorded, not $latest"
  dtc_plain down -v
}

docker_dump_logs() {
  local service cid
  for service in mariadb app app-login nginx; do
    cid=$(docker_cid "$service")
    [[ -n $cid ]] || continue
    printf -- '---- %s (%s)\n' "$service" "$(docker inspect -f '{{.State.Status}} restarts={{.RestartCount}} exit={{.State.ExitCode}} health={{if .State.Health}}{{.State.Health.Status}}{{end}}' "$cid")" >&2
    docker logs --tail 40 "$cid" 2>&1 | sed 's/^/  /' >&2
  done
}

# Removes the test project (containers, network, volume; the images stay) and stops a dockerd
# this phase started. On a failure (an EXIT while the phase runs) it shows the containers'
# logs first, then hands over to the EXIT trap that was there before.
docker_teardown() {
  if ((${#DOCKER_COMPOSE_ENV[@]})); then
    dtc down -v --remove-orphans >/dev/null 2>&1 || true
  fi
  [[ -n $DOCKER_TMP ]] && rm -rf "$DOCKER_TMP"
  DOCKER_TMP=""
  stop_dockerd_if_ours
}

docker_on_exit() {
  local rc=$?
  if ((rc != 0)); then
    log "docker: failed in step '${DOCKER_STEP:-?}'; the containers' logs:"
    docker_dump_logs || true
  fi
  docker_teardown
  trap - EXIT
  if [[ -n $DOCKER_PREV_EXIT_TRAP ]]; then
    # The previous handler reads the exit status from $?: hand it the original one.
    (exit "$rc") || eval "$DOCKER_PREV_EXIT_TRAP"
    ((rc != 0)) || eval "$DOCKER_PREV_EXIT_TRAP"
  fi
  exit "$rc"
}

phase_docker() {
  phase docker "compose stack: images, integration + race, seat events, kill -9 under load, down/up, kill -9 nginx, no demo data"
  [[ -f $REPO_ROOT/build/CTestTestfile.cmake ]] ||
    die "no test binaries in build/: the docker phase runs those the unit phase builds"
  # Chain onto scripts/test's EXIT trap: our cleanup first, then its own.
  local prev
  prev=$(trap -p EXIT)
  DOCKER_PREV_EXIT_TRAP=""
  if [[ -n $prev ]]; then
    eval "set -- $prev" # trap -- 'COMMAND' EXIT
    DOCKER_PREV_EXIT_TRAP=$3
  fi
  trap docker_on_exit EXIT
  DOCKER_STEP_TIMES=()
  DOCKER_EVENTS_SHOW=""

  DOCKER_TMP=$(mktemp -d /tmp/seats-docker-test.XXXXXX)
  local jwt app_password
  jwt=$(head -c 48 /dev/urandom | base64 -w0)
  # A quote and a backslash: the entry point must pass any password through intact.
  app_password="it's\\$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  DOCKER_TEST_DB_PASSWORD=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  # The settings of scripts/test's stack phase, but no per-address rate limits: the test
  # binaries give each client its own loopback source address (127.1.x.y) to stay under
  # them, and Docker's proxy for a port published on 127.0.0.1 makes every client arrive
  # from the network's gateway, one address. The tests of the limits skip on LOGIN_RATE=0;
  # the stack phase runs them on the same templates.
  DOCKER_TEST_SETTINGS=(
    HTTP_PORT="$DOCKER_TEST_HTTP_PORT" LISTEN_ADDRESS=127.0.0.1 JWT_SECRET="$jwt"
    HOLD_SECONDS=5 BCRYPT_COST=4 IDEMPOTENCY_KEYS_PER_DAY=40 SEAT_MAP_CACHE_MS=1000
    MAX_HOLDS_PER_SHOW=10 TOKEN_TTL_SECONDS=3600 LOGIN_RATE=0 API_RATE=0 LOGIN_FAILURES=10
    REQUEST_TIMEOUT=30 WORKERS= LOGIN_WORKERS=2 NGINX_WORKERS= DB_NAME=seats
    # As the stack phase: short enough for integration.queue to see an admission end.
    QUEUE_OPENS_BEFORE=900 ADMISSION_SECONDS=6
    # No mail in the compose test (no SMTP server in its network; the native stack's mail
    # suites test that path), whatever the stack phase exported: compose and the suites
    # both read it, and bookings then say "Booking confirmed.".
    SMTP_URL=
  )
  DOCKER_COMPOSE_ENV=("${DOCKER_TEST_SETTINGS[@]}" DB_PASSWORD="$app_password"
    TEST_DB_PORT="$DOCKER_TEST_DB_PORT" SEATS_IMAGE_TAG="$DOCKER_TEST_PROJECT")

  docker_step "engine (ensure_dockerd)"
  ensure_dockerd
  docker_step "base image"
  ensure_base_image
  dtc down -v --remove-orphans >/dev/null 2>&1 || true

  docker_step "build + up + healthy"
  if [[ ${DOCKER_NO_CACHE:-0} == 1 ]]; then
    log "docker: DOCKER_NO_CACHE=1: building every layer again"
    dtc build --no-cache >"${ARTIFACTS:-$DOCKER_TMP}/docker-build-no-cache.log" 2>&1 ||
      die "docker-compose build --no-cache failed (log: ${ARTIFACTS:-$DOCKER_TMP}/docker-build-no-cache.log)"
  fi
  local build_log=${ARTIFACTS:-$DOCKER_TMP}/docker-build.log
  dtc up -d --build >"$build_log" 2>&1 || {
    tail -n 60 "$build_log" >&2
    die "docker-compose up --build failed (log: $build_log)"
  }
  local steps cached bases
  steps=$(grep -c '^Step ' "$build_log" || true)
  bases=$(grep -c '^Step [0-9]*/[0-9]* : FROM ' "$build_log" || true)
  cached=$(grep -c 'Using cache' "$build_log" || true)
  log "docker: up --build ran $((steps - bases - cached)) of $((steps - bases)) build steps, the rest came from the layer cache (log: $build_log)"
  docker_wait_healthy 180 mariadb app app-login nginx
  docker_wait_api 30
  docker_make_test_account

  docker_step "integration + race"
  docker_run_black_box_tests
  SUMMARY[-1]+=" (compose stack)"
  docker_step "seat events (nchan)"
  DOCKER_EVENTS_TOKEN=$(docker_login "events0-$$@example.com" "events-password-0")
  docker_events "seat events"

  docker_step "kill -9 app under load"
  docker_kill_under_load
  docker_step "down + up (no build)"
  docker_down_up_keeps_data
  docker_step "kill -9 nginx, events again"
  docker_kill_nginx
  docker_step "new volume, no DEMO_DATA"
  docker_no_demo_without_flag
  docker_step_end

  local image
  log "docker: images"
  for image in "${DOCKER_TEST_IMAGES[@]}"; do
    docker image ls --format '  {{.Repository}}:{{.Tag}}  {{.Size}}' "$image:$DOCKER_TEST_PROJECT" >&2
    SUMMARY+=("       docker image $(docker image ls --format '{{.Repository}} {{.Size}}' "$image:$DOCKER_TEST_PROJECT")")
  done
  log "docker: step times"
  printf '  %s\n' "${DOCKER_STEP_TIMES[@]}" >&2
  SUMMARY+=("${DOCKER_STEP_TIMES[@]/#/       docker step }")

  docker_teardown
  trap - EXIT
  if [[ -n $DOCKER_PREV_EXIT_TRAP ]]; then
    # shellcheck disable=SC2064 # restore the trap's text as it was
    trap "$DOCKER_PREV_EXIT_TRAP" EXIT
  fi
  phase_done
}
