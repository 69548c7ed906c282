-- Migration 0001, the baseline: the schema as it stood before migrations existed. A database
-- made by an earlier release holds exactly these tables (recorded as applied on first upgrade).
-- All times are UTC: every connection sets time_zone = '+00:00'.

CREATE TABLE IF NOT EXISTS users (
  id            BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email         VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  password_hash VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  name          VARCHAR(100) NOT NULL,
  created_at    DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  UNIQUE KEY uq_users_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS movies (
  id            BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  title         VARCHAR(200) NOT NULL,
  description   TEXT         NOT NULL,
  duration_mins INT          NOT NULL,
  rating        VARCHAR(10)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS theatres (
  id       BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name     VARCHAR(100) NOT NULL,
  location VARCHAR(200) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS shows (
  id         BIGINT   NOT NULL AUTO_INCREMENT PRIMARY KEY,
  movie_id   BIGINT   NOT NULL,
  theatre_id BIGINT   NOT NULL,
  start_time DATETIME NOT NULL,
  KEY ix_shows_movie_time (movie_id, start_time),
  CONSTRAINT fk_shows_movie FOREIGN KEY (movie_id) REFERENCES movies (id),
  CONSTRAINT fk_shows_theatre FOREIGN KEY (theatre_id) REFERENCES theatres (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per seat per show. A hold is status LOCKED with hold_expires_at in the future
-- (judged by the database clock); a LOCKED row past hold_expires_at is free (lazy expiry).
-- hold_expires_at is stored rather than derived from locked_at so that changing
-- HOLD_SECONDS never moves a deadline already promised to a client.
CREATE TABLE IF NOT EXISTS show_seats (
  id              BIGINT   NOT NULL AUTO_INCREMENT PRIMARY KEY,
  show_id         BIGINT   NOT NULL,
  seat_row        CHAR(1)  CHARACTER SET ascii NOT NULL,
  seat_number     TINYINT  UNSIGNED NOT NULL,
  status          ENUM('AVAILABLE','LOCKED','SOLD') NOT NULL DEFAULT 'AVAILABLE',
  locked_at       DATETIME(6) NULL,
  hold_expires_at DATETIME(6) NULL,
  user_id         BIGINT   NULL,
  UNIQUE KEY uq_show_seats_place (show_id, seat_row, seat_number),
  KEY ix_show_seats_holder (user_id, show_id, status),
  CONSTRAINT fk_show_seats_show FOREIGN KEY (show_id) REFERENCES shows (id),
  CONSTRAINT fk_show_seats_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS bookings (
  id           BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id      BIGINT      NOT NULL,
  show_id      BIGINT      NOT NULL,
  status       ENUM('CONFIRMED','CANCELLED') NOT NULL DEFAULT 'CONFIRMED',
  created_at   DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  cancelled_at DATETIME(6) NULL,
  KEY ix_bookings_user (user_id, id),
  CONSTRAINT fk_bookings_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT fk_bookings_show FOREIGN KEY (show_id) REFERENCES shows (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- sold is 1 while the booking is confirmed and NULL once cancelled: the unique key
-- (seat_id, sold) makes a second confirmed sale of one seat impossible even if the
-- application had a bug, while cancelled rows (NULL) never collide.
CREATE TABLE IF NOT EXISTS booking_seats (
  booking_id BIGINT  NOT NULL,
  seat_id    BIGINT  NOT NULL,
  sold       TINYINT NULL DEFAULT 1,
  PRIMARY KEY (booking_id, seat_id),
  UNIQUE KEY uq_booking_seats_sold (seat_id, sold),
  CONSTRAINT ck_booking_seats_sold CHECK (sold IS NULL OR sold = 1),
  CONSTRAINT fk_booking_seats_booking FOREIGN KEY (booking_id) REFERENCES bookings (id)
    ON DELETE CASCADE,
  CONSTRAINT fk_booking_seats_seat FOREIGN KEY (seat_id) REFERENCES show_seats (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Idempotency-Key records for POST /bookings. A row with status_code NULL is a request
-- still running; the answer is written in the same transaction as the booking, so a
-- stored answer exists exactly when its booking does.
CREATE TABLE IF NOT EXISTS idempotency_keys (
  user_id       BIGINT       NOT NULL,
  idem_key      VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  request_body  TEXT         NOT NULL,
  status_code   SMALLINT     NULL,
  response_body MEDIUMTEXT   NULL,
  created_at    DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (user_id, idem_key),
  KEY ix_idempotency_created (created_at),
  CONSTRAINT fk_idempotency_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
