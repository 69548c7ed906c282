-- The operator's side (API.md Part 2, "Operators"): theatres with their own layouts and time
-- zones, shows with a price, an on-sale time, a queue rate and a cancelled state, and
-- bookings that remember what they cost. Every existing row keeps its values; new columns
-- take what the service did before (50 seats A-E x 1-10, UTC, free, on sale, not cancelled).

ALTER TABLE movies MODIFY rating VARCHAR(16) NOT NULL;

ALTER TABLE theatres
  ADD COLUMN timezone VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT 'UTC';

-- A theatre's layout: its rows in the order the operator gave them, each with a seat count.
-- A new show's seats are made from it.
CREATE TABLE IF NOT EXISTS theatre_rows (
  theatre_id BIGINT     NOT NULL,
  position   TINYINT    UNSIGNED NOT NULL,
  row_name   VARCHAR(2) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  seats      TINYINT    UNSIGNED NOT NULL,
  PRIMARY KEY (theatre_id, position),
  UNIQUE KEY uq_theatre_rows_name (theatre_id, row_name),
  CONSTRAINT fk_theatre_rows_theatre FOREIGN KEY (theatre_id) REFERENCES theatres (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Existing theatres: the layout their shows' seats already have (rows in letter order, each
-- as long as its longest row in any show); a theatre without shows gets the grid every
-- show had before layouts existed.
INSERT INTO theatre_rows (theatre_id, position, row_name, seats)
SELECT theatre_id, DENSE_RANK() OVER (PARTITION BY theatre_id ORDER BY seat_row), seat_row,
       MAX(seat_number)
FROM show_seats ss JOIN shows s ON s.id = ss.show_id
GROUP BY theatre_id, seat_row;

INSERT INTO theatre_rows (theatre_id, position, row_name, seats)
SELECT t.id, r.position, r.row_name, 10
FROM theatres t
CROSS JOIN (SELECT 1 AS position, 'A' AS row_name UNION ALL SELECT 2, 'B' UNION ALL SELECT 3, 'C'
            UNION ALL SELECT 4, 'D' UNION ALL SELECT 5, 'E') r
WHERE NOT EXISTS (SELECT 1 FROM theatre_rows tr WHERE tr.theatre_id = t.id);

-- on_sale_at defaults to the moment a row is written (for existing shows, the upgrade's):
-- a show made without one is on sale at once, as every show was before.
ALTER TABLE shows
  ADD COLUMN price_cents  INT         NOT NULL DEFAULT 0,
  ADD COLUMN on_sale_at   DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  ADD COLUMN queue_rate   INT         NOT NULL DEFAULT 0,
  ADD COLUMN status       ENUM('ON_SALE','CANCELLED') NOT NULL DEFAULT 'ON_SALE',
  ADD COLUMN cancelled_at DATETIME(6) NULL,
  ADD KEY ix_shows_theatre_time (theatre_id, start_time),
  ADD KEY ix_shows_time (start_time);

-- Row names grow to two letters (a 27th row is AA); row_position is the row's place in the
-- theatre's layout, which orders the grid. Existing rows are single letters in letter order.
-- ix_show_seats_show lists a show's seats in id order: cancelling a show locks them in the
-- service-wide lock order (ascending id), the order bookings lock theirs in.
ALTER TABLE show_seats
  MODIFY seat_row VARCHAR(2) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  ADD COLUMN row_position TINYINT UNSIGNED NOT NULL DEFAULT 0 AFTER seat_row,
  ADD KEY ix_show_seats_show (show_id, id);
UPDATE show_seats SET row_position = ORD(seat_row) - ORD('A') + 1;

-- What a booking cost when it was made (the show's price times its seats); revenue is the
-- sum over confirmed bookings. Bookings made before prices existed were free.
ALTER TABLE bookings
  ADD COLUMN total_cents BIGINT NOT NULL DEFAULT 0 AFTER status,
  ADD KEY ix_bookings_show (show_id, status);
