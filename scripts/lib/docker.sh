# shellcheck shell=bash
# A Docker engine and the one base image every image of ours starts from. Shared by the
# test phases that build and run images (docker, package). Defines functions only; needs
# log/die/ensure_packages from common.sh.
#
# This machine (and CI) has no systemd and no Docker Hub: dockerd is started here when none
# answers, and debian:bookworm-slim is made with debootstrap when it is missing (PITFALLS,
# "Docker here"). Both are kept for the next run on the same machine.

DOCKER_BASE_IMAGE=debian:bookworm-slim
DOCKERD_STARTED_BY_US=0
DOCKERD_LOG=${DOCKERD_LOG:-/var/log/seats-dockerd.log}

docker_answers() { docker info >/dev/null 2>&1; }

# Starts dockerd in the background unless an engine already answers. Only an engine started
# here is stopped by stop_dockerd_if_ours.
ensure_dockerd() {
  ensure_packages docker.io docker-compose
  docker_answers && return 0
  # Two phases (or two checkouts) starting at once must not both start an engine.
  local lock_fd
  exec {lock_fd}>/run/seats-docker.lock
  flock "$lock_fd"
  if docker_answers; then
    exec {lock_fd}>&-
    return 0
  fi
  log "starting dockerd (log: $DOCKERD_LOG)"
  setsid dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null 9>&- &
  echo $! >/run/seats-dockerd.pid
  DOCKERD_STARTED_BY_US=1
  local deadline=$((SECONDS + 60))
  until docker_answers; do
    ((SECONDS < deadline)) || {
      tail -n 20 "$DOCKERD_LOG" >&2
      die "dockerd did not answer within 60 s"
    }
    sleep 0.5
  done
  exec {lock_fd}>&-
}

stop_dockerd_if_ours() {
  ((DOCKERD_STARTED_BY_US)) || return 0
  local pid
  pid=$(cat /run/seats-dockerd.pid 2>/dev/null) || return 0
  log "stopping the dockerd we started (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local _
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  rm -f /run/seats-dockerd.pid
  DOCKERD_STARTED_BY_US=0
}

# Makes debian:bookworm-slim when the engine has no such image and cannot pull it:
# debootstrap's minbase with bookworm-updates and bookworm-security in its sources and
# upgraded from them (else images get older libraries than the native stack), plus this
# machine's extra CA certificates (HTTPS to the registries from inside a build; a user's
# machine has none, and then nothing is added).
ensure_base_image() {
  docker image inspect "$DOCKER_BASE_IMAGE" >/dev/null 2>&1 && return 0
  local lock_fd
  exec {lock_fd}>/run/seats-docker-base.lock
  flock "$lock_fd"
  if docker image inspect "$DOCKER_BASE_IMAGE" >/dev/null 2>&1; then
    exec {lock_fd}>&-
    return 0
  fi
  if timeout 60 docker pull "$DOCKER_BASE_IMAGE" >/dev/null 2>&1; then
    log "pulled $DOCKER_BASE_IMAGE"
    exec {lock_fd}>&-
    return 0
  fi
  ensure_packages debootstrap
  local root started=$SECONDS
  root=$(mktemp -d /var/tmp/seats-bookworm.XXXXXX)
  log "making $DOCKER_BASE_IMAGE with debootstrap in $root (about a minute)"
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >"$root.log" 2>&1 ||
    {
      tail -n 20 "$root.log" >&2
      die "debootstrap failed (log: $root.log)"
    }
  cat >"$root/etc/apt/sources.list" <<'SOURCES'
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES
  local crt
  for crt in /usr/local/share/ca-certificates/*.crt; do
    [[ -f $crt ]] || continue
    mkdir -p "$root/usr/local/share/ca-certificates"
    cp "$crt" "$root/usr/local/share/ca-certificates/"
  done
  chroot "$root" /bin/sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -y -qq upgrade && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ca-certificates && apt-get clean && rm -rf /var/lib/apt/lists/*' \
    >>"$root.log" 2>&1 || {
    tail -n 20 "$root.log" >&2
    die "upgrading the debootstrap base failed (log: $root.log)"
  }
  tar -C "$root" -c . | docker import - "$DOCKER_BASE_IMAGE" >/dev/null ||
    die "docker import of the debootstrap base failed"
  rm -rf "$root" "$root.log"
  exec {lock_fd}>&-
  log "made $DOCKER_BASE_IMAGE in $((SECONDS - started)) s ($(docker image inspect -f '{{.Size}}' "$DOCKER_BASE_IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
}
