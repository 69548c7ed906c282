# shellcheck shell=bash
# The package phase of scripts/test: phase_package builds the Debian package
# (scripts/package), runs lintian (an error fails), and installs the .deb with apt into a
# clean Debian 12 container that boots systemd (packaging/test/Dockerfile: systemd and
# Debian's MariaDB server, nothing of seats). There it runs what an operator runs
# (packaging/debian/README.Debian): seats-admin init, the units through systemctl, the nginx
# site; then a smoke run over HTTP from this machine (health, register, login, hold, book),
# the seat events through the site's nchan (scripts/lib/seat_events.sh), seats-admin role, a
# reinstall (the upgrade path: migrate, restart), seats-admin backup -> an emptied database
# -> seats-admin restore with the booking back, a `docker restart` with the booking still
# there, the smoke run and the seat events again (the boot's tmpfiles.d made their socket's
# directory), and a purge. Prints each step's time and the sizes.
#
# Needs scripts/test's phase/phase_done/log/die and common.sh; uses docker.sh's engine and
# base image. The container is removed at the end; after a failure it is left for a look
# (its name is printed) and removed by the next run. The images stay as the layer cache.

# shellcheck source=scripts/lib/docker.sh
declare -F ensure_dockerd >/dev/null || source "$REPO_ROOT/scripts/lib/docker.sh"
# shellcheck source=scripts/lib/seat_events.sh
declare -F seat_events_check >/dev/null || source "$REPO_ROOT/scripts/lib/seat_events.sh"

PKG_TEST_IMAGE=seats-package-test:bookworm
# One container per checkout, so two checkouts can run the phase at once.
PKG_CONTAINER=seats-package-test-$(printf '%s' "$REPO_ROOT" | md5sum | cut -c1-8)
PKG_TIMES=()
PKG_STATUS=""
PKG_BODY=""
PKG_EVENTS=()

# pkg_step NAME COMMAND...: runs COMMAND, fails the phase with NAME when it fails, and keeps
# how long it took for the summary.
pkg_step() {
  local name=$1 started=${EPOCHREALTIME/./}
  shift
  log "package: $name"
  if ! "$@"; then
    local left=""
    docker inspect "$PKG_CONTAINER" >/dev/null 2>&1 &&
      left=" (container $PKG_CONTAINER is left for a look; the next run removes it)"
    die "package: $name failed$left"
  fi
  local ms=$(((${EPOCHREALTIME/./} - started) / 1000))
  PKG_TIMES+=("$(printf '  %-46s %4d.%d s' "$name" $((ms / 1000)) $((ms % 1000 / 100)))")
}

pkg_exec() { docker exec "$PKG_CONTAINER" "$@"; }

# The container's address; it may change with a `docker restart`.
pkg_base_url() {
  local ip
  ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$PKG_CONTAINER")
  [[ -n $ip ]] || die "container $PKG_CONTAINER has no address"
  PKG_URL=http://$ip/api/v1
}

# pkg_http METHOD PATH [BODY [HEADER...]]: one request to the container's nginx; sets
# PKG_STATUS and PKG_BODY.
pkg_http() {
  local method=$1 path=$2 body=${3:-}
  shift $(($# < 3 ? $# : 3))
  local args=(-s -m 10 -X "$method" -o "$PKG_WORK/body" -w '%{http_code}')
  local header
  for header in "$@"; do args+=(-H "$header"); done
  [[ -n $body ]] && args+=(--data "$body")
  PKG_STATUS=$(curl "${args[@]}" "$PKG_URL$path") || PKG_STATUS=000
  PKG_BODY=$(<"$PKG_WORK/body")
}

# pkg_expect STATUS WHAT: the last answer had STATUS.
pkg_expect() {
  [[ $PKG_STATUS == "$1" ]] && return 0
  log "$2: expected $1, got $PKG_STATUS: $PKG_BODY"
  return 1
}

pkg_health_200() {
  pkg_http GET /health
  [[ $PKG_STATUS == 200 && $(jq -r .status <<<"$PKG_BODY") == ok ]]
}

# Waits for systemd in the container to finish booting. Right after a start or restart,
# systemctl may not reach the bus yet (PITFALLS, "Docker here"): retried until the deadline.
pkg_wait_systemd() {
  local deadline=$((SECONDS + 60)) state
  while ((SECONDS < deadline)); do
    state=$(pkg_exec systemctl is-system-running --wait 2>&1) || true
    case $state in
      running) return 0 ;;
      degraded)
        log "systemd is degraded: $(pkg_exec systemctl --failed --no-legend --plain | awk '{print $1}' | tr '\n' ' ')"
        return 0
        ;;
    esac
    sleep 0.2
  done
  log "systemd in $PKG_CONTAINER did not finish booting: $state"
  return 1
}

pkg_start_container() {
  docker rm -f "$PKG_CONTAINER" >/dev/null 2>&1 || true
  docker run -d --name "$PKG_CONTAINER" --cap-add SYS_ADMIN --security-opt seccomp=unconfined \
    -e container=docker --tmpfs /run --tmpfs /run/lock -v /sys/fs/cgroup:/sys/fs/cgroup:ro \
    "$PKG_TEST_IMAGE" /lib/systemd/systemd >/dev/null && pkg_wait_systemd
}

# apt-get install ./seats_*.deb, keeping apt's word on the space its dependencies take.
pkg_install() {
  docker cp "$PKG_DEB" "$PKG_CONTAINER:/var/tmp/" || return 1
  pkg_exec sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y \
    /var/tmp/$(basename "$PKG_DEB")" >"$PKG_WORK/apt.log" 2>&1 || {
    tail -n 30 "$PKG_WORK/apt.log" >&2
    return 1
  }
  PKG_APT_SPACE=$(grep -o 'After this operation, .* disk space will be used' "$PKG_WORK/apt.log" || true)
  # shellcheck disable=SC2016 # expanded by dpkg-query and by the container's sh
  PKG_INSTALLED_KB=$(pkg_exec dpkg-query -W -f='${Installed-Size}' seats)
  # shellcheck disable=SC2016
  PKG_INSTALLED_DU=$(pkg_exec sh -c 'dpkg -L seats | while read -r f; do [ -f "$f" ] && [ ! -L "$f" ] && echo "$f"; done | xargs du -cb | tail -n 1' | awk '{print $1}')
}

# Before `seats-admin init` the units are enabled but skipped by their condition.
pkg_nothing_started() {
  local unit
  for unit in seats.service seats-login.service; do
    [[ $(pkg_exec systemctl is-enabled "$unit") == enabled ]] || {
      log "$unit is not enabled after install"
      return 1
    }
    if pkg_exec systemctl --quiet is-active "$unit"; then
      log "$unit runs before seats-admin init"
      return 1
    fi
  done
  [[ $(pkg_exec stat -c '%a %U:%G' /etc/seats/seats.conf) == "640 root:seats" ]] || {
    log "/etc/seats/seats.conf: $(pkg_exec stat -c '%a %U:%G' /etc/seats/seats.conf), want 640 root:seats"
    return 1
  }
}

pkg_init() { pkg_exec seats-admin init --admin-user root --demo; }

pkg_start_units() {
  pkg_exec systemctl enable --now seats.service seats-login.service || return 1
  wait_until 20 "the pools' sockets" pkg_exec test -S /run/seats/api/seatd.sock -a \
    -S /run/seats/login/seatd.sock || return 1
  # The pools run as seats with group www-data (the sockets' group, for nginx).
  local owners
  owners=$(pkg_exec ps -C seatd -o user=,group= | awk '{ print $1 ":" $2 }' | sort -u)
  [[ $owners == seats:www-data ]] || {
    log "seatd runs as: $owners"
    return 1
  }
}

pkg_enable_site() {
  pkg_exec sh -c 'ln -s ../sites-available/seats /etc/nginx/sites-enabled/seats &&
    rm -f /etc/nginx/sites-enabled/default && nginx -t -q && systemctl reload nginx' || return 1
  pkg_base_url
  # A reload returns before the new workers answer.
  wait_until 20 "GET /api/v1/health through the seats site" pkg_health_200
}

# The smoke run: health, register, login, hold a seat, book it, the seat reads SOLD. Keeps
# the token and booking in PKG_TOKEN and PKG_BOOKING for the checks after it.
pkg_smoke() {
  local label=$1 email password seat
  pkg_base_url
  wait_until 30 "GET /api/v1/health" pkg_health_200 || return 1
  email="smoke-$label-$$-$RANDOM@example.com"
  password="smoke-$RANDOM-password"
  pkg_http POST /register "{\"email\":\"$email\",\"password\":\"$password\",\"name\":\"Smoke $label\"}"
  pkg_expect 201 "register" || return 1
  pkg_http POST /login "{\"email\":\"$email\",\"password\":\"$password\"}"
  pkg_expect 200 "login" || return 1
  PKG_TOKEN=$(jq -r .token <<<"$PKG_BODY")
  pkg_http GET /shows/101/seats
  pkg_expect 200 "seat map" || return 1
  seat=$(jq '[.[] | select(.status == "AVAILABLE")][0].id' <<<"$PKG_BODY")
  [[ $seat =~ ^[0-9]+$ ]] || {
    log "no available seat in show 101: $PKG_BODY"
    return 1
  }
  pkg_http PATCH "/seats/$seat/lock" "" "Authorization: Bearer $PKG_TOKEN"
  pkg_expect 200 "hold seat $seat" || return 1
  [[ $(jq -r '"\(.message) \(.seat_id) \(.show_id)"' <<<"$PKG_BODY") == "Locked $seat 101" ]] || {
    log "hold answer: $PKG_BODY"
    return 1
  }
  pkg_http POST /bookings "{\"show_id\":101,\"seat_id\":$seat}" "Authorization: Bearer $PKG_TOKEN" \
    "Idempotency-Key: smoke-$label-$$-$RANDOM"
  pkg_expect 201 "book seat $seat" || return 1
  [[ $(jq -c '[.status, .seat_ids]' <<<"$PKG_BODY") == "[\"CONFIRMED\",[$seat]]" ]] || {
    log "booking answer: $PKG_BODY"
    return 1
  }
  PKG_BOOKING=$(jq .booking_id <<<"$PKG_BODY")
  pkg_http GET /shows/101/seats
  [[ $(jq -r ".[] | select(.id == $seat) | .status" <<<"$PKG_BODY") == SOLD ]] || {
    log "seat $seat does not read SOLD after its booking"
    return 1
  }
  PKG_EMAIL=$email PKG_PASSWORD=$password
  log "smoke ($label): user $email booked seat $seat of show 101 (booking $PKG_BOOKING)"
}

# pkg_events LABEL: the seat events end to end through the site, as the last smoke run's
# user, on demo show 101. The directory of nchan's socket is the package's (tmpfiles.d): made
# by postinst at install, by systemd-tmpfiles at boot.
pkg_events() {
  local mode line
  mode=$(pkg_exec stat -c '%a %U:%G' /run/seats-events) || return 1
  [[ $mode == "750 root:seats" ]] || {
    log "/run/seats-events: $mode, want 750 root:seats"
    return 1
  }
  pkg_base_url
  line=$(seat_events_check "$PKG_URL" "$PKG_TOKEN" 101 "$PKG_WORK") || return 1
  log "package: $1: $line"
  PKG_EVENTS+=("$1: $line")
}

# seats-admin role: the smoke user becomes staff (the login answer says so); an unknown
# e-mail is refused.
pkg_role() {
  pkg_exec seats-admin role "$PKG_EMAIL" staff || return 1
  pkg_http POST /login "{\"email\":\"$PKG_EMAIL\",\"password\":\"$PKG_PASSWORD\"}"
  pkg_expect 200 "login after the role change" || return 1
  [[ $(jq -r .user.role <<<"$PKG_BODY") == staff ]] || {
    log "login answer after seats-admin role: $PKG_BODY"
    return 1
  }
  if pkg_exec seats-admin role nobody-here@example.com admin 2>/dev/null; then
    log "seats-admin role accepted an unknown e-mail"
    return 1
  fi
}

# pkg_booking_confirmed TOKEN BOOKING: the user's bookings list BOOKING as CONFIRMED.
pkg_booking_confirmed() {
  pkg_base_url
  wait_until 30 "GET /api/v1/health" pkg_health_200 || return 1
  pkg_http GET /bookings "" "Authorization: Bearer $1"
  pkg_expect 200 "list bookings" || return 1
  [[ $(jq -r ".[] | select(.booking_id == $2) | .status" <<<"$PKG_BODY") == CONFIRMED ]] || {
    log "booking $2 is not there: $PKG_BODY"
    return 1
  }
}

# The upgrade path with the same files: postinst migrates and restarts the running pools.
pkg_reinstall() {
  local before after
  before=$(pkg_exec systemctl show -p MainPID --value seats.service)
  pkg_exec sh -c "DEBIAN_FRONTEND=noninteractive apt-get install -y --reinstall \
    /var/tmp/$(basename "$PKG_DEB")" >"$PKG_WORK/reinstall.log" 2>&1 || {
    tail -n 20 "$PKG_WORK/reinstall.log" >&2
    return 1
  }
  grep -q 'schema version' "$PKG_WORK/reinstall.log" || {
    log "postinst did not migrate on the upgrade path"
    return 1
  }
  after=$(pkg_exec systemctl show -p MainPID --value seats.service)
  [[ $after != "$before" && $after != 0 ]] || {
    log "seats.service was not restarted by the upgrade (main pid $before -> $after)"
    return 1
  }
  pkg_booking_confirmed "$PKG_TOKEN1" "$PKG_BOOKING1"
}

pkg_backup() { pkg_exec seats-admin backup /var/backups/seats-test.sql.gz; }

pkg_reset_database() {
  pkg_exec mariadb -e "DROP DATABASE seats; CREATE DATABASE seats CHARACTER SET utf8mb4
    COLLATE utf8mb4_unicode_ci" || return 1
  local tables
  tables=$(pkg_exec mariadb -N -e "SELECT COUNT(*) FROM information_schema.tables
    WHERE table_schema = 'seats'")
  ((tables == 0)) || {
    log "the emptied database still has $tables tables"
    return 1
  }
}

pkg_restore() { pkg_exec seats-admin restore --yes /var/backups/seats-test.sql.gz; }

pkg_restart() {
  docker restart "$PKG_CONTAINER" >/dev/null && pkg_wait_systemd
}

# apt-get purge: settings, state and the site's link go; nginx still starts; the database
# and the user stay.
pkg_purge() {
  pkg_exec sh -c 'DEBIAN_FRONTEND=noninteractive apt-get purge -y seats' >"$PKG_WORK/purge.log" 2>&1 || {
    tail -n 20 "$PKG_WORK/purge.log" >&2
    return 1
  }
  local path
  for path in /etc/seats /var/lib/seats /run/seats /run/seats-events /etc/nginx/sites-enabled/seats; do
    if pkg_exec test -e "$path" -o -L "$path"; then
      log "$path is left after purge"
      return 1
    fi
  done
  pkg_exec nginx -t -q || return 1
  pkg_exec systemctl --quiet is-active nginx.service || return 1
  [[ $(pkg_exec mariadb -N -e "SELECT COUNT(*) FROM seats.bookings") -ge 1 ]] || {
    log "the purge touched the database"
    return 1
  }
}

phase_package() {
  phase package "Debian package: build, lintian, install and run in a systemd container"
  PKG_WORK=$(mktemp -d)
  ensure_packages lintian curl jq
  pkg_step "build the .deb (scripts/package)" pkg_build
  pkg_step "lintian" pkg_lintian
  ensure_dockerd
  ensure_base_image
  pkg_step "test image (systemd + mariadb-server)" \
    docker build -q -t "$PKG_TEST_IMAGE" "$REPO_ROOT/packaging/test"
  pkg_step "boot the container (systemd)" pkg_start_container
  pkg_step "apt-get install ./$(basename "$PKG_DEB")" pkg_install
  pkg_step "units enabled, nothing started before init" pkg_nothing_started
  pkg_step "seats-admin init --admin-user root --demo" pkg_init
  pkg_step "systemctl enable --now seats seats-login" pkg_start_units
  pkg_step "enable the nginx site" pkg_enable_site
  pkg_step "smoke: health, register, login, hold, book" pkg_smoke first
  pkg_step "seat events through the site (nchan)" pkg_events "seat events"
  PKG_TOKEN1=$PKG_TOKEN PKG_BOOKING1=$PKG_BOOKING
  pkg_step "seats-admin role EMAIL staff" pkg_role
  pkg_step "reinstall (upgrade path: migrate, restart)" pkg_reinstall
  pkg_step "seats-admin backup" pkg_backup
  pkg_step "drop and recreate the database" pkg_reset_database
  pkg_step "seats-admin restore" pkg_restore
  pkg_step "booking back after restore" pkg_booking_confirmed "$PKG_TOKEN1" "$PKG_BOOKING1"
  pkg_step "docker restart" pkg_restart
  pkg_step "booking still there after restart" pkg_booking_confirmed "$PKG_TOKEN1" "$PKG_BOOKING1"
  pkg_step "smoke again after restart" pkg_smoke restarted
  pkg_step "seat events after restart (tmpfiles.d)" pkg_events "seat events after docker restart"
  log "systemd-analyze security: $(pkg_exec systemd-analyze security seats.service --no-pager | tail -n 1)"
  pkg_step "apt-get purge seats" pkg_purge
  docker rm -f "$PKG_CONTAINER" >/dev/null
  rm -rf "$PKG_WORK"
  printf '%s\n' "${PKG_TIMES[@]}" "${PKG_EVENTS[@]}"
  printf '.deb %s: %s bytes; installed: %s KiB (Installed-Size), %s bytes of files; with its dependencies: %s\n' \
    "$PKG_DEB" "$(stat -c %s "$PKG_DEB")" "$PKG_INSTALLED_KB" "$PKG_INSTALLED_DU" \
    "${PKG_APT_SPACE:-(apt did not say)}"
  phase_done
}

pkg_build() {
  local deb
  deb=$("$REPO_ROOT/scripts/package") || return 1
  PKG_DEB=$REPO_ROOT/$deb
  [[ -f $PKG_DEB ]]
}

# lintian: errors fail the phase; warnings and the rest are shown.
pkg_lintian() {
  local out rc=0
  out=$(lintian --fail-on error "$PKG_DEB" 2>&1) || rc=$?
  [[ -n $out ]] && printf '%s\n' "$out"
  log "lintian: $(grep -c '^E:' <<<"$out" || true) errors, $(grep -c '^W:' <<<"$out" || true) warnings"
  return "$rc"
}
