-- Tickets (API.md Part 2, "Tickets and check-in"): every booking gets a code that its QR
-- ticket carries and the door checks in once, and mails wait in an outbox written by the
-- same transaction as the change they tell of.

-- 128 random bits as 32 lowercase hex characters: URL-safe and what a handheld scanner
-- types back. Existing bookings get theirs here, from the server's own random source.
ALTER TABLE bookings
  ADD COLUMN ticket_code   CHAR(32)    CHARACTER SET ascii COLLATE ascii_bin NULL,
  ADD COLUMN checked_in_at DATETIME(6) NULL,
  ADD COLUMN checked_in_by BIGINT      NULL;
UPDATE bookings SET ticket_code = LOWER(HEX(RANDOM_BYTES(16))) WHERE ticket_code IS NULL;
ALTER TABLE bookings
  MODIFY ticket_code CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  ADD UNIQUE KEY uq_bookings_ticket_code (ticket_code);

-- One row per mail to send. The mail's content is made when it is sent, from the booking
-- it names (which never changes but for its status; the kind says which mail it is);
-- the row only has to exist exactly when its change committed. Its Message-ID is
-- derived from the row's id, so every retry of one mail carries the same one.
CREATE TABLE IF NOT EXISTS mail_outbox (
  id              BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  booking_id      BIGINT       NOT NULL,
  kind            ENUM('confirmation','cancellation') NOT NULL,
  state           ENUM('pending','sent','failed') NOT NULL DEFAULT 'pending',
  attempts        INT          NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  last_error      VARCHAR(500) NULL,
  created_at      DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  sent_at         DATETIME(6)  NULL,
  KEY ix_mail_outbox_due (state, next_attempt_at),
  KEY ix_mail_outbox_booking (booking_id),
  CONSTRAINT fk_mail_outbox_booking FOREIGN KEY (booking_id) REFERENCES bookings (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
