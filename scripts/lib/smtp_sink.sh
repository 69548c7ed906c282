# shellcheck shell=bash
# The SMTP sink the mail suites send to (tests/mail/smtp_sink.py: Debian's python3-aiosmtpd
# on loopback, every accepted message kept as a file). Source it; it defines functions only.
#
#   sink_up [--fresh]   start it (--fresh: empty its folder first); harmless when it runs
#   sink_down           stop it; returns once its port no longer answers
#   sink_restart [--fresh]  sink_down then sink_up: keeps what it has stored unless --fresh
#
# Environment: SMTP_SINK_PORT (default 18025), SMTP_SINK_DIR (default $STACK_DIR/smtp-sink):
# the .eml files, log.jsonl (one line per RCPT/DATA answer), sink.pid and sink.out.
# Usable from a test too:  bash -c 'source scripts/lib/smtp_sink.sh && sink_down'

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Debian's python: python3-aiosmtpd is importable only there (a pyenv python3 may be on PATH).
SMTP_SINK_PYTHON=/usr/bin/python3
SMTP_SINK_SCRIPT=$REPO_ROOT/tests/mail/smtp_sink.py

sink_port() { printf '%s\n' "${SMTP_SINK_PORT:-18025}"; }
sink_dir() { printf '%s\n' "${SMTP_SINK_DIR:-${STACK_DIR:-$REPO_ROOT/var}/smtp-sink}"; }

# True when something accepts TCP connections on the sink's port.
sink_port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$(sink_port)") 2>/dev/null
}
sink_port_closed() { ! sink_port_open; }

# The sink's pid, when its pidfile names a live sink.
sink_pid() { running_pid "$(sink_dir)/sink.pid" smtp_sink.py; }

sink_up() {
  local dir port
  dir=$(sink_dir)
  port=$(sink_port)
  if [[ ${1:-} == --fresh ]]; then
    sink_down
    rm -rf "$dir"
  fi
  if sink_pid >/dev/null; then
    return 0
  fi
  "$SMTP_SINK_PYTHON" -c 'import aiosmtpd' 2>/dev/null ||
    die "$SMTP_SINK_PYTHON cannot import aiosmtpd: install python3-aiosmtpd"
  # A port taken by something else would make the suites talk to a stranger.
  if sink_port_open; then
    die "port $port already answers, and not as our SMTP sink ($dir/sink.pid)"
  fi
  mkdir -p "$dir"
  rm -f "$dir/sink.pid"
  # Its own session: a test's process group or terminal going away does not take it along.
  setsid "$SMTP_SINK_PYTHON" "$SMTP_SINK_SCRIPT" --host 127.0.0.1 --port "$port" --dir "$dir" \
    --pidfile "$dir/sink.pid" </dev/null >>"$dir/sink.out" 2>&1 &
  # The pidfile is written once the port listens; both must hold.
  if ! wait_until 10 "the SMTP sink on port $port" sink_pid ||
    ! wait_until 5 "the SMTP sink's port $port" sink_port_open; then
    tail -n 20 "$dir/sink.out" >&2 || true
    die "the SMTP sink did not start (log: $dir/sink.out)"
  fi
  log "SMTP sink on 127.0.0.1:$port (pid $(sink_pid), mail in $dir)"
}

sink_down() {
  local pid
  if pid=$(sink_pid); then
    stop_pid "$pid" smtp_sink.py TERM 5
  fi
  wait_until 5 "the SMTP sink's port $(sink_port) to close" sink_port_closed ||
    die "port $(sink_port) still answers after stopping the SMTP sink"
}

sink_restart() {
  sink_down
  sink_up "$@"
}
