# shellcheck shell=bash
# Shared helpers for scripts/stack and scripts/test. Source it; it defines functions only
# (plus REPO_ROOT and SUDO) and changes no shell options.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export REPO_ROOT

# Commands that need root get this prefix ("" when we are root already).
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  SUDO="sudo"
fi

log() { printf '[%s] %s\n' "${LOG_TAG:-stack}" "$*" >&2; }
die() {
  printf '[%s] ERROR: %s\n' "${LOG_TAG:-stack}" "$*" >&2
  exit 1
}

# Packages every machine that builds and runs the stack needs (scripts/stack up).
# shellcheck disable=SC2034 # used by the scripts that source this file
STACK_PACKAGES=(
  cmake make g++ pkg-config
  libfcgi-dev libcgicc-dev libmariadb-dev libjansson-dev libjwt-dev libcrypt-dev
  libgtest-dev libcurl4-openssl-dev libqrencode-dev libpng-dev
  mariadb-server mariadb-client nginx libnginx-mod-nchan curl jq uuid-runtime
)

# Prints those of the given Debian packages that are not fully installed (one dpkg-query
# call: it costs ~0.1 s per call).
missing_packages() {
  local installed
  installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null |
    awk '$2 == "installed" { print $1 }') || true
  local pkg
  for pkg in "$@"; do
    grep -qxF "$pkg" <<<"$installed" || printf '%s\n' "$pkg"
  done
}

# Installs the packages that are missing; does nothing (no apt-get update) when all are
# there. Debian's postinst would start system mariadb/nginx services: while we install,
# a policy-rc.d that denies service starts is put in place (only if none exists), so a
# fresh machine does not end up with a system MariaDB on 3306 and nginx on 80. Our own
# instances never depend on those either way: sockets under STACK_DIR, our own port.
ensure_packages() {
  local missing=()
  mapfile -t missing < <(missing_packages "$@")
  ((${#missing[@]} == 0)) && return 0
  command -v apt-get >/dev/null || die "missing packages (${missing[*]}) and no apt-get here"
  if [[ -n $SUDO ]] && ! command -v sudo >/dev/null; then
    die "missing packages (${missing[*]}): run as root or install sudo"
  fi
  log "installing: ${missing[*]}"
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# temporary, from seats scripts: no service starts during install\nexit 101\n' |
      $SUDO tee "$policy" >/dev/null
    $SUDO chmod 755 "$policy"
    created_policy=1
  fi
  local rc=0
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq || rc=$?
  if ((rc == 0)); then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" ||
      rc=$?
  fi
  if ((created_policy)); then
    $SUDO rm -f "$policy"
  fi
  ((rc == 0)) || die "apt-get failed (exit $rc) installing: ${missing[*]}"
}

# wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s until it succeeds or
# the deadline passes (returns 1 then). Never a blind sleep.
wait_until() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      log "timed out after ${seconds}s waiting for ${what}"
      return 1
    fi
    sleep 0.2
  done
}

# True when PID is alive and its command line mentions NAME (guards against a recycled pid).
pid_matches() {
  local pid=$1 name=$2 cmd
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmd == *"$name"* ]]
}

# Reads a pid file and prints the pid if that process is alive and matches NAME.
running_pid() {
  local file=$1 name=$2 pid
  [[ -r $file ]] || return 1
  pid=$(head -n1 "$file" 2>/dev/null) || return 1
  pid_matches "$pid" "$name" || return 1
  printf '%s\n' "$pid"
}

# Number of live (not zombie) processes in process group PGID. Zombies are skipped: an
# orphan is reaped by init only when init gets round to it.
group_count() {
  ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { n++ } END { print n + 0 }'
}
group_alive() { (($(group_count "$1") > 0)); }

# stop_pid PID NAME SIGNAL SECONDS [group]: sends SIGNAL, waits up to SECONDS for the exit,
# then SIGKILLs. With "group", PID leads its own process group (we start pre-fork masters
# with setsid, so their workers share it) and the wait also covers workers that are still
# draining; whatever is left of the group at the deadline is SIGKILLed.
stop_pid() {
  local pid=$1 name=$2 sig=$3 seconds=$4 group=${5:-}
  local deadline=$((SECONDS + seconds))
  if pid_matches "$pid" "$name"; then
    kill "-$sig" "$pid" 2>/dev/null || true
    while pid_matches "$pid" "$name" && ((SECONDS < deadline)); do
      sleep 0.1
    done
    if pid_matches "$pid" "$name"; then
      log "$name (pid $pid) still running after ${seconds}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  if [[ -n $group ]]; then
    while group_alive "$pid" && ((SECONDS < deadline)); do
      sleep 0.1
    done
    if group_alive "$pid"; then
      log "processes of $name group $pid left after ${seconds}s: SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
  fi
  return 0
}
