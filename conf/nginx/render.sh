#!/bin/sh
# Renders nginx.conf.in and seats.conf.in (beside this script) into $SEATS_CONF_OUT.
# One renderer for every user of the templates: scripts/stack (local stack), the nginx
# service in docker-compose.yml (plain POSIX sh + sed, which the nginx image has), and the
# Debian package's site file (--site, at build time: packaging/render-site.sh).
#
# Input (environment):
#   SEATS_CONF_OUT        directory to write nginx.conf and seats.conf into (required)
#   SEATS_LISTEN          nginx "listen" value, e.g. 127.0.0.1:8080 or 8080 (required)
#   SEATS_WEB_ROOT        directory with the static page (required)
#   SEATS_MAIN_UPSTREAM   e.g. unix:/path/run/seatd.sock or app:9000 (required)
#   SEATS_LOGIN_UPSTREAM  e.g. unix:/path/run/seatd-login.sock or app-login:9000 (required)
#   SEATS_ACCESS_LOG (required)
#   SEATS_EVENTS_SOCKET   path of the Unix socket seatd publishes seat events to (required)
#   SEATS_PID_FILE, SEATS_TEMP_DIR, SEATS_ERROR_LOG (required, except with --site)
#   SEATS_NGINX_USER      "user" directive value; empty: no directive
#   SEATS_NGINX_WORKERS   worker_processes (default auto)
#   SEATS_KEEPALIVE, SEATS_LOGIN_KEEPALIVE
#                         idle FastCGI connections cached per nginx worker (default 0: no
#                         keepalive). The caller keeps workers x keepalive below the pool
#                         size: libfcgi binds a kept-alive connection to one worker.
#   LOGIN_RATE (default 5), API_RATE (default 100): requests/s per client address for
#                         login+register and for the rest of the API; 0 removes the limit.
#   REQUEST_TIMEOUT (default 30): seconds nginx waits for seatd's answer; seatd reads the
#                         same setting and commits nothing for a request older than that.
#   SEATS_TRUSTED_PROXIES addresses or CIDRs, space- or comma-separated, whose X-Forwarded-For names
#                         the client (nginx real_ip); empty (default): the header is ignored.
# With --exec, runs `nginx -c $SEATS_CONF_OUT/nginx.conf -g 'daemon off;'` afterwards
# (container entry point). With --site, renders seats.conf only: for an nginx whose own
# nginx.conf includes it in its http block (Debian's sites-enabled/).
set -eu

here=$(cd "$(dirname "$0")" && pwd)

fail() {
  echo "render.sh: $*" >&2
  exit 2
}

need() {
  eval "value=\${$1:-}"
  # shellcheck disable=SC2154 # value is set by the eval above
  [ -n "$value" ] || fail "$1 must be set"
  case $value in
    *'"'* | *"'"* | *' '* | *';'* | *'{'* | *'}'*) fail "$1 must not contain quotes, spaces, ; or braces: $value" ;;
  esac
}

nonneg_int() {
  case $2 in
    '' | *[!0-9]*) fail "$1 must be a non-negative integer (got '$2')" ;;
  esac
}

files="nginx.conf seats.conf"
if [ "${1:-}" = --site ]; then
  files=seats.conf
  # Placeholders of nginx.conf only.
  SEATS_PID_FILE=unused SEATS_TEMP_DIR=unused SEATS_ERROR_LOG=unused
fi
for v in SEATS_CONF_OUT SEATS_LISTEN SEATS_WEB_ROOT SEATS_MAIN_UPSTREAM SEATS_LOGIN_UPSTREAM \
  SEATS_PID_FILE SEATS_TEMP_DIR SEATS_ACCESS_LOG SEATS_ERROR_LOG SEATS_EVENTS_SOCKET; do
  need "$v"
done

login_rate=${LOGIN_RATE:-5}
api_rate=${API_RATE:-100}
keepalive=${SEATS_KEEPALIVE:-0}
login_keepalive=${SEATS_LOGIN_KEEPALIVE:-0}
request_timeout=${REQUEST_TIMEOUT:-30}
trusted_proxies=${SEATS_TRUSTED_PROXIES:-}
real_ip_from=""
for proxy in $(echo "$trusted_proxies" | tr ',' ' '); do
  case $proxy in *[!0-9A-Fa-f.:/]*) fail "SEATS_TRUSTED_PROXIES: not an address or CIDR: $proxy" ;; esac
  real_ip_from="${real_ip_from}set_real_ip_from $proxy; "
done
workers=${SEATS_NGINX_WORKERS:-auto}
nginx_user=${SEATS_NGINX_USER:-}
nonneg_int LOGIN_RATE "$login_rate"
nonneg_int API_RATE "$api_rate"
nonneg_int SEATS_KEEPALIVE "$keepalive"
nonneg_int SEATS_LOGIN_KEEPALIVE "$login_keepalive"
nonneg_int REQUEST_TIMEOUT "$request_timeout"
[ "$workers" = auto ] || nonneg_int SEATS_NGINX_WORKERS "$workers"
case $nginx_user in *[!A-Za-z0-9_.-]*) fail "SEATS_NGINX_USER is not a user name: $nginx_user" ;; esac

# sed replacement text: escape \, & and the | delimiter.
esc() { printf '%s' "$1" | sed -e 's/[\\&|]/\\&/g'; }

# "#@if NAME" lines: kept (marker stripped) when NAME is on, deleted when off.
cond() {
  if [ "$2" = on ]; then
    printf 's|[[:space:]]*#@if %s$||;' "$1"
  else
    printf '/#@if %s$/d;' "$1"
  fi
}
onoff() { if [ "$1" != 0 ] && [ -n "$1" ]; then echo on; else echo off; fi; }

script=$(
  cond USER "$(if [ -n "$nginx_user" ]; then echo on; else echo off; fi)"
  cond LOGIN_LIMIT "$(onoff "$login_rate")"
  cond API_LIMIT "$(onoff "$api_rate")"
  cond KEEPALIVE "$(onoff "$keepalive")"
  cond LOGIN_KEEPALIVE "$(onoff "$login_keepalive")"
  cond REAL_IP "$(if [ -n "$real_ip_from" ]; then echo on; else echo off; fi)"
  for pair in \
    "NGINX_USER=$nginx_user" "NGINX_WORKERS=$workers" "PID_FILE=$SEATS_PID_FILE" \
    "ERROR_LOG=$SEATS_ERROR_LOG" "ACCESS_LOG=$SEATS_ACCESS_LOG" "TEMP_DIR=$SEATS_TEMP_DIR" \
    "LOGIN_RATE=$login_rate" "API_RATE=$api_rate" "KEEPALIVE=$keepalive" \
    "LOGIN_KEEPALIVE=$login_keepalive" "MAIN_UPSTREAM=$SEATS_MAIN_UPSTREAM" \
    "LOGIN_UPSTREAM=$SEATS_LOGIN_UPSTREAM" "CONF_DIR=$SEATS_CONF_OUT" \
    "LISTEN=$SEATS_LISTEN" "WEB_ROOT=$SEATS_WEB_ROOT" "REQUEST_TIMEOUT=$request_timeout" \
    "REAL_IP_FROM=$real_ip_from" "EVENTS_SOCKET=$SEATS_EVENTS_SOCKET"; do
    printf 's|@%s@|%s|g;' "${pair%%=*}" "$(esc "${pair#*=}")"
  done
)

mkdir -p "$SEATS_CONF_OUT"
[ "$files" = seats.conf ] || mkdir -p "$SEATS_TEMP_DIR"
for name in $files; do
  sed -e "$script" "$here/$name.in" >"$SEATS_CONF_OUT/$name.tmp"
  if grep -n '@[A-Z_]*@' "$SEATS_CONF_OUT/$name.tmp" >&2; then
    fail "unreplaced placeholder in $name"
  fi
  mv "$SEATS_CONF_OUT/$name.tmp" "$SEATS_CONF_OUT/$name"
done

if [ "${1:-}" = --exec ]; then
  # nginx removes its Unix sockets when it exits, but not when it is killed, and a file left
  # there makes the next start fail ("bind() ... Address already in use"). The container's
  # events socket lives in a volume that outlives the container, so a crashed nginx would
  # never come back under the restart policy. In its own container nothing else listens
  # there: whatever is there is stale.
  rm -f "$SEATS_EVENTS_SOCKET"
  exec nginx -c "$SEATS_CONF_OUT/nginx.conf" -g 'daemon off;'
fi
