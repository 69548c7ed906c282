#!/usr/bin/env bash
# `scripts/stack role EMAIL ROLE` against the running stack (API.md Part 2, "Roles"): one
# line on stdout, the login answer carries the new role, the change is in the audit trail
# with no actor, and an unknown e-mail or role exits non-zero with a message and changes
# nothing. Needs the stack's stack.env sourced (SEATS_URL, STACK_DIR, STACK_RUN_DIR).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${SEATS_URL:?source the stack env first}" "${STACK_RUN_DIR:?source the stack env first}"
db() { mariadb --defaults-file="$STACK_RUN_DIR/client.cnf" --batch --skip-column-names "${DB_NAME:-seats}" -e "$1"; }
n=0
failed=0
ok() {
  n=$((n + 1))
  if "$@"; then echo "ok $n - ${DESC}"; else
    echo "not ok $n - ${DESC}"
    failed=$((failed + 1))
  fi
}
email="role.$$.$RANDOM@example.com"
curl -sf "$SEATS_URL/api/v1/register" -d "{\"email\":\"$email\",\"password\":\"password123\",\"name\":\"Role Test\"}" >/dev/null
# A bystander account only this test knows of: a refused command (an injected e-mail
# especially) must leave it a customer. Other suites make staff and admins meanwhile, so
# the whole table is no measure.
bystander="bystander.$$.$RANDOM@example.com"
curl -sf "$SEATS_URL/api/v1/register" -d "{\"email\":\"$bystander\",\"password\":\"password123\",\"name\":\"Bystander\"}" >/dev/null
login_role() {
  curl -s "$SEATS_URL/api/v1/login" --interface "127.1.$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))" \
    -d "{\"email\":\"$email\",\"password\":\"password123\"}" | jq -r .user.role
}
echo "1..8"
DESC="a new account is a customer" ok test "$(login_role)" = customer
out=$("$repo/scripts/stack" role " ${email^^} " staff)
DESC="one line naming the account and both roles" ok test "$(wc -l <<<"$out")" = 1 -a -n "$(grep -F "role staff (was customer)" <<<"$out")"
DESC="the login answer carries the new role" ok test "$(login_role)" = staff
id=$(db "SELECT id FROM users WHERE email = '$email'")
DESC="the audit trail has it, with no actor" ok test "$(db "SELECT COUNT(*) FROM audit_log WHERE action = 'role.set' AND target = 'user:$id' AND actor_id IS NULL AND detail LIKE 'role customer -> staff%'")" = 1
roles_of_both() { db "SELECT GROUP_CONCAT(role ORDER BY email = '$email' DESC) FROM users WHERE email IN ('$email', '$bystander')"; }
rc=0
msg=$("$repo/scripts/stack" role "nobody.$$@example.com' OR '1'='1" admin 2>&1) || rc=$?
DESC="an unknown e-mail (however it is written) exits non-zero and says so" ok test "$rc" != 0 -a -n "$(grep -F 'no account has the e-mail' <<<"$msg")"
rc=0
msg=$("$repo/scripts/stack" role "$email" root 2>&1) || rc=$?
DESC="an unknown role exits non-zero and says so" ok test "$rc" != 0 -a -n "$(grep -F "unknown role 'root'" <<<"$msg")"
DESC="neither changed any account" ok test "$(roles_of_both)" = "staff,customer"
"$repo/scripts/stack" role "$email" customer >/dev/null
DESC="and back" ok test "$(login_role)" = customer
echo "$((n - failed)) passed, $failed failed"
((failed == 0))
