-- Roles (API.md Part 2, "Roles"): every user is a customer, staff (checks tickets at the
-- door) or admin (runs the cinema). Existing users become customers: no account is an
-- admin until an operator says so (`scripts/stack role`, `seats-admin role`).
ALTER TABLE users
  ADD COLUMN role ENUM('customer','staff','admin') NOT NULL DEFAULT 'customer' AFTER name;

-- The audit trail (API.md Part 2, "Operators"): every admin write and every role change,
-- appended in the same transaction as the change itself. actor_id is NULL for changes
-- made outside the API (a role set from the command line).
CREATE TABLE IF NOT EXISTS audit_log (
  id       BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at       DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  actor_id BIGINT       NULL,
  action   VARCHAR(64)  CHARACTER SET ascii NOT NULL,
  target   VARCHAR(100) NOT NULL,
  detail   TEXT         NOT NULL,
  KEY ix_audit_log_at (at),
  CONSTRAINT fk_audit_log_actor FOREIGN KEY (actor_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
