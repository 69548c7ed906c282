#!/bin/sh
# Entry point of the seatd image: listens on this container's own address (port 9000), not
# on every interface (PITFALLS, libfcgi), then becomes seatd, so seatd's master is the
# container's main process. FCGI_SOCKET, when set, wins.
#   seatd-entrypoint            exec seatd
#   seatd-entrypoint --address  print the FastCGI address (for the health check)
set -eu

address() {
  if [ -n "${FCGI_SOCKET:-}" ]; then
    printf '%s\n' "$FCGI_SOCKET"
    return 0
  fi
  # The first address Docker put in /etc/hosts for this container's host name.
  ip=$(hostname -i | cut -d' ' -f1)
  [ -n "$ip" ] || {
    echo "seatd-entrypoint: this container has no address (hostname -i)" >&2
    exit 1
  }
  printf '%s:9000\n' "$ip"
}

if [ "${1:-}" = --address ]; then
  address
  exit 0
fi
FCGI_SOCKET=$(address)
export FCGI_SOCKET
exec /usr/local/bin/seatd "$@"
