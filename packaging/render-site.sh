#!/bin/sh
# render-site.sh DEFAULTS OUT: the package's nginx site (/etc/nginx/sites-available/seats),
# rendered by conf/nginx/render.sh --site with the nginx settings of DEFAULTS
# (packaging/seats.conf.package, the same values the package's seats.conf shows) and the
# paths the package installs: the units' sockets under /run/seats, nchan's publisher socket
# (seat events) in /run/seats-events (the package's tmpfiles.d entry makes the directory), the
# page under /usr/share/seats/web, the log beside Debian's (/var/log/nginx, rotated by nginx's
# own logrotate file). Debian's nginx.conf loads nchan (modules-enabled/, from
# libnginx-mod-nchan), so the site file has no load_module: --site renders seats.conf only.
set -eu

[ $# -eq 2 ] || {
  echo "usage: $0 DEFAULTS OUT" >&2
  exit 2
}
defaults=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)

# setting NAME: its value in DEFAULTS ("nginx:NAME=value" or "NAME=value").
setting() {
  sed -n "s/^\(nginx:\)\{0,1\}$1=//p" "$defaults" | tail -n 1
}

port=$(setting HTTP_PORT)
address=$(setting LISTEN_ADDRESS)
case $address in
  '') listen=$port ;;
  *:*) listen="[$address]:$port" ;;
  *) listen="$address:$port" ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
SEATS_CONF_OUT=$work SEATS_LISTEN=$listen SEATS_WEB_ROOT=/usr/share/seats/web \
  SEATS_MAIN_UPSTREAM=unix:/run/seats/api/seatd.sock \
  SEATS_LOGIN_UPSTREAM=unix:/run/seats/login/seatd.sock \
  SEATS_ACCESS_LOG=/var/log/nginx/seats-access.log \
  SEATS_EVENTS_SOCKET=/run/seats-events/events.sock \
  SEATS_TRUSTED_PROXIES="$(setting TRUSTED_PROXIES | tr ',' ' ')" \
  LOGIN_RATE=$(setting LOGIN_RATE) API_RATE=$(setting API_RATE) \
  REQUEST_TIMEOUT=$(setting REQUEST_TIMEOUT) SEATS_KEEPALIVE=$(setting UPSTREAM_KEEPALIVE) \
  SEATS_LOGIN_KEEPALIVE=$(setting UPSTREAM_KEEPALIVE) \
  "$here/../conf/nginx/render.sh" --site
{
  cat <<EOF
# /etc/nginx/sites-available/seats: the seats service in Debian's nginx (package seats).
# Enable it, with Debian's default site out of the way (both are default_server on port 80):
#   ln -s ../sites-available/seats /etc/nginx/sites-enabled/seats
#   rm /etc/nginx/sites-enabled/default
#   nginx -t && systemctl reload nginx
# The seatd pools answer on /run/seats/{api,login}/seatd.sock (seats.service,
# seats-login.service); seats.service publishes seat events to nchan on
# /run/seats-events/events.sock, which this site makes.
# Rendered with: listen $listen, LOGIN_RATE=$(setting LOGIN_RATE),
# API_RATE=$(setting API_RATE), REQUEST_TIMEOUT=$(setting REQUEST_TIMEOUT) (also in /etc/seats/seats.conf).

EOF
  cat "$work/seats.conf"
} >"$out.tmp"
mv "$out.tmp" "$out"
