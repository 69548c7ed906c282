# shellcheck shell=bash
# Schema migrations: sql/migrations/NNNN_name.sql, applied in order, each exactly once,
# recorded in schema_migrations. Shared by scripts/stack and everything else that sets up
# a database (it defines functions only and changes no shell options).

# apply_migrations DIR DB CLIENT...: brings database DB up to date with the files in DIR,
# running CLIENT... (a mariadb command line that reads SQL on stdin, with --batch and
# --skip-column-names) for each statement batch. Prints one line per migration applied.
apply_migrations() {
  local dir=$1 db=$2
  shift 2
  local client=("$@" --database="$db")
  "${client[@]}" -e "CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INT          NOT NULL PRIMARY KEY,
      name       VARCHAR(200) NOT NULL,
      applied_at DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
    ) ENGINE=InnoDB" || return 1
  # A database made before migrations existed holds the baseline's tables but no record of
  # it: record the baseline instead of running it over live data.
  local recorded has_users
  recorded=$("${client[@]}" -e "SELECT COUNT(*) FROM schema_migrations") || return 1
  has_users=$("${client[@]}" -e "SELECT COUNT(*) FROM information_schema.tables
      WHERE table_schema = DATABASE() AND table_name = 'users'") || return 1
  if ((recorded == 0 && has_users == 1)); then
    "${client[@]}" -e "INSERT INTO schema_migrations (version, name) VALUES (1, 'baseline')" ||
      return 1
    printf 'migration 0001 (baseline): recorded for a database made before migrations\n'
  fi
  local applied file base version name
  applied=$("${client[@]}" -e "SELECT version FROM schema_migrations ORDER BY version") || return 1
  for file in "$dir"/[0-9][0-9][0-9][0-9]_*.sql; do
    [[ -f $file ]] || continue
    base=$(basename "$file" .sql)
    version=$((10#${base:0:4}))
    name=${base:5}
    [[ $name =~ ^[a-z0-9_]+$ ]] || {
      printf 'migration file name %s: use NNNN_lowercase_words.sql\n' "$base" >&2
      return 1
    }
    grep -qxF "$version" <<<"$applied" && continue
    # DDL commits on its own in MariaDB, so a migration is recorded only after all of it
    # ran; one that fails half-way stops here, for an operator to look at.
    "${client[@]}" <"$file" >/dev/null || {
      printf 'migration %s failed\n' "$base" >&2
      return 1
    }
    "${client[@]}" -e "INSERT INTO schema_migrations (version, name) VALUES ($version, '$name')" ||
      return 1
    printf 'migration %s applied\n' "$base"
  done
}

# latest_migration DIR: the highest version number among the files in DIR.
latest_migration() {
  local file latest=0 base
  for file in "$1"/[0-9][0-9][0-9][0-9]_*.sql; do
    [[ -f $file ]] || continue
    base=$(basename "$file")
    ((10#${base:0:4} > latest)) && latest=$((10#${base:0:4}))
  done
  echo "$latest"
}
