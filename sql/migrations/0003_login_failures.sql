-- Failed logins per e-mail (API.md Part 2, "Login throttling per account"). Keyed by the
-- SHA-256 of the e-mail as looked up at login, whether or not an account has it, so the
-- table neither reveals nor stores which addresses were tried. Rows older than the
-- 15-minute window are purged lazily by the login pool.
CREATE TABLE IF NOT EXISTS login_failures (
  id           BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email_digest BINARY(32)  NOT NULL,
  failed_at    DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY ix_login_failures_email (email_digest, failed_at),
  KEY ix_login_failures_time (failed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
