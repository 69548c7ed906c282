# shellcheck shell=bash
# Roles (API.md Part 2, "Roles"): set_role, for the command-line tools that set a user's
# role (seats-admin role; scripts/stack role runs the same statements). Defines functions
# only and changes no shell options.

# set_role EMAIL ROLE TOOL CLIENT...: makes the account with EMAIL (trimmed and lower-cased,
# as register stores it) a ROLE (admin, staff or customer), in one transaction with its
# audit entry (actor none, detail naming TOOL), running CLIENT... (a mariadb command line on
# the service's database, with --batch and --skip-column-names). Prints
# "EMAIL (user ID): role ROLE (was OLD)"; fails with a message for an unknown role or e-mail.
set_role() {
  local email=$1 role=$2 tool=$3
  shift 3
  [[ $role =~ ^(admin|staff|customer)$ ]] || {
    printf "unknown role '%s': use admin, staff or customer\n" "$role" >&2
    return 1
  }
  email=${email#"${email%%[![:space:]]*}"}
  email=${email%"${email##*[![:space:]]}"}
  email=${email,,}
  [[ -n $email ]] || {
    echo "an e-mail is needed" >&2
    return 1
  }
  [[ $tool =~ ^[a-z][a-z/\ -]*$ ]] || return 1  # goes into SQL as it is
  # The e-mail reaches SQL as hex, so nothing in it is ever read as SQL.
  local hex answer
  hex=$(printf '%s' "$email" | od -An -v -tx1 | tr -d ' \n')
  answer=$("$@" -e "
    START TRANSACTION;
    SELECT id, role INTO @id, @old FROM users
      WHERE email = CONVERT(UNHEX('$hex') USING utf8mb4) FOR UPDATE;
    UPDATE users SET role = '$role' WHERE id = @id;
    INSERT INTO audit_log (actor_id, action, target, detail)
      SELECT NULL, 'role.set', CONCAT('user:', @id), CONCAT('role ', @old, ' -> $role ($tool)')
      FROM DUAL WHERE @id IS NOT NULL;
    COMMIT;
    SELECT IFNULL(@id, ''), IFNULL(@old, '');") || {
    echo "setting the role failed" >&2
    return 1
  }
  local id=${answer%%$'\t'*} old=${answer#*$'\t'}
  [[ -n $id ]] || {
    echo "no account has the e-mail $email" >&2
    return 1
  }
  echo "$email (user $id): role $role (was $old)"
}
