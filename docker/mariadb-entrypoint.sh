#!/usr/bin/env bash
# Entry point of the mariadb image (docker/mariadb.Dockerfile), run as the mysql user on
# every start of the container:
#   1. a new (empty) data directory is made by mariadb-install-db, with conf/mariadb/seats.cnf
#      as the only configuration (as scripts/stack does); the mysql system user reaches the
#      server as its own superuser over the socket (unix_socket), and nobody else is root;
#   2. a private server (socket only, no network) makes DB_NAME and the app user DB_USER
#      (password DB_PASSWORD, set again on every start, rights on DB_NAME only), applies
#      sql/migrations with scripts/lib/migrate.sh's apply_migrations (each migration once,
#      so this is a no-op on an up-to-date database), and loads sql/demo.sql when DEMO_DATA=1
#      and the database held no tables;
#   3. that server stops and the real one replaces this script as the container's main
#      process, listening on the container's own address: it answers only once the schema is
#      up to date, which is what the health check sees.
# Environment: DB_PASSWORD (required), DB_NAME (seats), DB_USER (seats), DEMO_DATA (0),
# WORKERS (2 x cores) and LOGIN_WORKERS (2), which size max_connections as scripts/stack does.
set -euo pipefail

# shellcheck source=scripts/lib/migrate.sh
source /usr/local/lib/seats/migrate.sh

CNF=/etc/mysql/seats.cnf
DATA_DIR=/var/lib/mysql
SOCKET=/run/mysqld/mysqld.sock
INIT_SOCKET=/run/mysqld/init.sock
SQL_DIR=/usr/share/seats/sql
# Connections kept free beyond what the pools need (the same figure as scripts/stack).
DB_SPARE_CONNECTIONS=16
START_TIMEOUT=120

log() { printf '[seats-mariadb] %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}
is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }

DB_NAME=${DB_NAME:-seats}
DB_USER=${DB_USER:-seats}
DB_PASSWORD=${DB_PASSWORD:-}
DEMO_DATA=${DEMO_DATA:-0}
[[ $DB_NAME =~ ^[A-Za-z0-9_]{1,64}$ ]] || die "DB_NAME must match [A-Za-z0-9_]{1,64} (got '$DB_NAME')"
[[ $DB_USER =~ ^[A-Za-z0-9_]{1,80}$ ]] || die "DB_USER must match [A-Za-z0-9_]{1,80} (got '$DB_USER')"
[[ -n $DB_PASSWORD ]] || die "DB_PASSWORD must be set"
[[ $DEMO_DATA == 0 || $DEMO_DATA == 1 ]] || die "DEMO_DATA must be 0 or 1 (got '$DEMO_DATA')"
workers=${WORKERS:-$((2 * $(nproc)))}
login_workers=${LOGIN_WORKERS:-2}
if ! is_uint "$workers" || ! is_uint "$login_workers"; then
  die "WORKERS and LOGIN_WORKERS must be non-negative integers (got '$workers', '$login_workers')"
fi
# One connection per worker of both pools, twice (a rolling restart), plus the spare.
max_connections=$((2 * (workers + login_workers) + DB_SPARE_CONNECTIONS))

server=(mariadbd --defaults-file="$CNF" --datadir="$DATA_DIR" --pid-file=/run/mysqld/mysqld.pid
  --max-connections="$max_connections")
client=(mariadb --defaults-file="$CNF" --socket="$INIT_SOCKET" --batch --skip-column-names)

if [[ ! -d $DATA_DIR/mysql ]]; then
  [[ -z $(ls -A "$DATA_DIR") ]] ||
    die "$DATA_DIR is not empty but holds no MariaDB data directory; move its files away"
  log "initialising a new data directory"
  mariadb-install-db --defaults-file="$CNF" --datadir="$DATA_DIR" --skip-test-db \
    --skip-name-resolve --auth-root-authentication-method=socket \
    --auth-root-socket-user=mysql >/tmp/mariadb-install.log 2>&1 || {
    cat /tmp/mariadb-install.log >&2
    die "mariadb-install-db failed"
  }
fi

"${server[@]}" --socket="$INIT_SOCKET" --skip-networking &
init_pid=$!
stop_init_server() {
  mariadb-admin --defaults-file="$CNF" --socket="$INIT_SOCKET" shutdown >/dev/null 2>&1 ||
    kill -TERM "$init_pid" 2>/dev/null || true
  wait "$init_pid" || true
}
trap 'stop_init_server; exit 143' TERM INT
deadline=$((SECONDS + START_TIMEOUT))
until mariadb-admin --defaults-file="$CNF" --socket="$INIT_SOCKET" --connect-timeout=2 ping \
  >/dev/null 2>&1; do
  kill -0 "$init_pid" 2>/dev/null || die "MariaDB exited during start-up (see above)"
  ((SECONDS < deadline)) || die "MariaDB did not answer within $START_TIMEOUT s"
  sleep 0.2
done

# An SQL string literal (the server's default sql_mode reads backslash escapes).
pw=${DB_PASSWORD//\\/\\\\}
pw=${pw//\'/\\\'}
"${client[@]}" <<SQL || die "creating database $DB_NAME and user $DB_USER failed"
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$DB_USER'@'%' IDENTIFIED BY '$pw';
ALTER USER '$DB_USER'@'%' IDENTIFIED BY '$pw';
GRANT SELECT, INSERT, UPDATE, DELETE ON \`$DB_NAME\`.* TO '$DB_USER'@'%';
SQL
tables=$("${client[@]}" -e "SELECT COUNT(*) FROM information_schema.tables
    WHERE table_schema = '$DB_NAME'") || die "cannot count the tables of $DB_NAME"
out=$(apply_migrations "$SQL_DIR/migrations" "$DB_NAME" "${client[@]}") ||
  die "applying sql/migrations to $DB_NAME failed${out:+: $out}"
if [[ -n $out ]]; then
  while IFS= read -r line; do log "$line"; done <<<"$out"
fi
if ((tables > 0)); then
  log "database $DB_NAME has its data; schema at version $(latest_migration "$SQL_DIR/migrations")"
elif [[ $DEMO_DATA == 1 ]]; then
  log "new database $DB_NAME: loading the demo data (DEMO_DATA=1)"
  "${client[@]}" --database="$DB_NAME" >/dev/null <"$SQL_DIR/demo.sql" ||
    die "loading sql/demo.sql failed"
else
  log "new database $DB_NAME, without demo data (DEMO_DATA=1 loads it into a new database)"
fi
stop_init_server
trap - TERM INT

address=$(hostname -i | cut -d' ' -f1)
[[ -n $address ]] || die "this container has no address (hostname -i)"
log "starting MariaDB on $address:3306 (max_connections $max_connections)"
exec "${server[@]}" --socket="$SOCKET" --bind-address="$address" --port=3306
