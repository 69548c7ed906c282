#!/usr/bin/env bash
# A database made by the release before migrations existed (the baseline schema, with
# users, holds, bookings and idempotency keys in it) is upgraded in place by
# apply_migrations: every migration runs once, in order, and every row is still there,
# unchanged (idempotency keys: the same answers, their texts now kept as digests). Runs
# against the test stack's MariaDB (stack.env), in a scratch database of its own.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=scripts/lib/migrate.sh
source "$repo/scripts/lib/migrate.sh"

: "${STACK_RUN_DIR:?source var/test/stack.env first}"
db=seats_migration_check_$$
client=(mariadb --defaults-file="$STACK_RUN_DIR/client.cnf" --batch --skip-column-names)
sql() { "${client[@]}" --database="$db" "$@"; }
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
cleanup() { "${client[@]}" -e "DROP DATABASE IF EXISTS \`$db\`" || true; }
trap cleanup EXIT

"${client[@]}" -e "CREATE DATABASE \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
sql <"$repo/sql/migrations/0001_baseline.sql"
# The demo data as the release before migrations shipped it.
sql <"$here/baseline_demo.sql" >/dev/null
# What a live database holds: a second user, a live hold, a lapsed hold, a confirmed and a
# cancelled booking, a finished and a running idempotency key.
sql <<'SQL'
INSERT INTO users (email, password_hash, name) VALUES
  ('kim@example.com', '$2b$04$abcdefghijklmnopqrstuuN1y3mVnR6W6r0kq4J0q4yq3m9v5wE1e', 'Kim Ng');
SET @kim = LAST_INSERT_ID();
UPDATE show_seats SET status = 'LOCKED', user_id = @kim, locked_at = NOW(6),
  hold_expires_at = NOW(6) + INTERVAL 10 MINUTE WHERE show_id = 101 AND seat_row = 'A' AND seat_number = 1;
UPDATE show_seats SET status = 'LOCKED', user_id = 1, locked_at = NOW(6) - INTERVAL 1 HOUR,
  hold_expires_at = NOW(6) - INTERVAL 50 MINUTE WHERE show_id = 101 AND seat_row = 'A' AND seat_number = 2;
INSERT INTO bookings (user_id, show_id) VALUES (@kim, 102);
SET @b1 = LAST_INSERT_ID();
INSERT INTO booking_seats (booking_id, seat_id)
  SELECT @b1, id FROM show_seats WHERE show_id = 102 AND seat_row = 'B' AND seat_number IN (3, 4);
UPDATE show_seats SET status = 'SOLD', user_id = @kim WHERE show_id = 102 AND seat_row = 'B' AND seat_number IN (3, 4);
INSERT INTO bookings (user_id, show_id, status, cancelled_at) VALUES (1, 103, 'CANCELLED', NOW(6));
SET @b2 = LAST_INSERT_ID();
INSERT INTO booking_seats (booking_id, seat_id, sold)
  SELECT @b2, id, NULL FROM show_seats WHERE show_id = 103 AND seat_row = 'C' AND seat_number = 5;
INSERT INTO idempotency_keys (user_id, idem_key, request_body, status_code, response_body) VALUES
  (@kim, 'key-done', '{"seat_ids":[3,4],"show_id":102}', 201, CONCAT('{"booking_id":', @b1, '}')),
  (1, 'key-running', '{"seat_id":9,"show_id":104}', NULL, NULL);
SQL

# Every table the baseline has, by the columns the baseline gave it (later migrations may
# add columns), as text, in primary-key order; idempotency keys by what must survive
# (their answers and ages) plus the digests their texts become.
tables=(users movies theatres shows show_seats bookings booking_seats)
declare -A baseline_columns=()
for t in "${tables[@]}"; do
  baseline_columns[$t]=$(sql -e "SELECT GROUP_CONCAT(column_name ORDER BY ordinal_position)
      FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '$t'")
done
snapshot() {
  local t
  for t in "${tables[@]}"; do
    echo "== $t"
    sql -e "SELECT ${baseline_columns[$t]} FROM $t ORDER BY 1, 2"
  done
  echo "== idempotency_keys"
  local texts_kept
  texts_kept=$(sql -e "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE()
      AND table_name = 'idempotency_keys' AND column_name = 'idem_key'")
  if ((texts_kept == 1)); then
    sql -e "SELECT user_id, HEX(UNHEX(SHA2(idem_key, 256))), HEX(UNHEX(SHA2(request_body, 256))),
        status_code, response_body, created_at FROM idempotency_keys ORDER BY 1, 2"
  else
    sql -e "SELECT user_id, HEX(key_digest), HEX(request_digest), status_code, response_body,
        created_at FROM idempotency_keys ORDER BY 1, 2"
  fi
}

before=$(snapshot)
out=$(apply_migrations "$repo/sql/migrations" "$db" "${client[@]}")
echo "$out"
after=$(snapshot)
if [[ $before != "$after" ]]; then
  diff <(echo "$before") <(echo "$after") >&2 || true
  fail "rows changed by the upgrade"
fi
rows=$(grep -vc '^==' <<<"$after")
latest=$(latest_migration "$repo/sql/migrations")
versions=$(sql -e "SELECT GROUP_CONCAT(version ORDER BY version) FROM schema_migrations")
[[ $versions == "$(seq -s, 1 "$latest")" ]] || fail "schema_migrations holds $versions, not 1..$latest"
grep -q '0001 (baseline): recorded' <<<"$out" || fail "the baseline was not recorded as already there"

again=$(apply_migrations "$repo/sql/migrations" "$db" "${client[@]}")
[[ -z $again ]] || fail "a second run applied something: $again"
[[ $(snapshot) == "$after" ]] || fail "a second run changed rows"

# Columns added to existing rows take their defaults: every earlier user is a customer.
[[ $(sql -e "SELECT COUNT(*) FROM users WHERE role <> 'customer'") == 0 ]] ||
  fail "existing users did not all become customers"
# Theatres get the layout their shows' seats have; shows stay on sale, free and not
# cancelled; the grid keeps its letter order; bookings made before prices cost nothing.
for t in 1 2; do
  layout=$(sql -e "SELECT GROUP_CONCAT(CONCAT(row_name, ':', seats) ORDER BY position)
      FROM theatre_rows WHERE theatre_id = $t")
  [[ $layout == A:10,B:10,C:10,D:10,E:10 ]] || fail "theatre $t has the layout '$layout'"
done
[[ $(sql -e "SELECT COUNT(*) FROM theatres WHERE timezone <> 'UTC'") == 0 ]] ||
  fail "existing theatres are not in UTC"
[[ $(sql -e "SELECT COUNT(*) FROM shows WHERE status <> 'ON_SALE' OR on_sale_at > NOW(6)
    OR price_cents <> 0 OR queue_rate <> 0") == 0 ]] || fail "existing shows are not on sale as before"
[[ $(sql -e "SELECT COUNT(*) FROM show_seats WHERE row_position <> ORD(seat_row) - ORD('A') + 1") == 0 ]] ||
  fail "existing seats lost their row order"
[[ $(sql -e "SELECT COUNT(*) FROM bookings WHERE total_cents <> 0") == 0 ]] ||
  fail "existing bookings gained a price"

# The upgraded schema does what the service needs of it: a new key stores digests only.
sql -e "INSERT INTO idempotency_keys (user_id, key_digest, request_digest, claim_token)
    VALUES (1, UNHEX(SHA2('k', 256)), UNHEX(SHA2('{}', 256)), 7)"
echo "1..1"
echo "ok 1 - baseline + ${latest} migrations: ${rows} rows unchanged, each migration applied once"
