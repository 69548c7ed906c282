-- Demo data. Show times are relative to the moment this file is loaded.
-- The demo user is alex@example.com / ###yr538nf> (bcrypt cost 12).

INSERT INTO theatres (id, name, location, timezone) VALUES
  (1, 'PVR', 'Phoenix Mall, Lower Parel', 'Asia/Kolkata'),
  (2, 'Cinepolis', 'Seasons Mall, Pune', 'Asia/Kolkata');

-- Both theatres: rows A-E of 10 seats.
INSERT INTO theatre_rows (theatre_id, position, row_name, seats)
SELECT t.id, r.position, r.row_name, 10
FROM theatres t
CROSS JOIN (SELECT 1 AS position, 'A' AS row_name UNION ALL SELECT 2, 'B' UNION ALL SELECT 3, 'C'
            UNION ALL SELECT 4, 'D' UNION ALL SELECT 5, 'E') r;

INSERT INTO movies (id, title, description, duration_mins, rating) VALUES
  (1, 'Inception', 'A thief who steals corporate secrets through dream-sharing.', 148, 'PG-13'),
  (2, 'The Grand Budapest Hotel', 'A concierge and his lobby boy in a famous European hotel.', 99, 'R'),
  (3, 'Spirited Away', 'A girl wanders into a world ruled by gods and witches.', 125, 'PG'),
  (4, 'Arrival', 'A linguist is recruited to talk with visitors from space.', 116, 'PG-13');

-- Two future shows per movie, plus show 100, which started an hour before loading. All are
-- on sale from load time (on_sale_at's default), with a price and no waiting room.
INSERT INTO shows (id, movie_id, theatre_id, start_time, price_cents) VALUES
  (101, 1, 1, UTC_TIMESTAMP() + INTERVAL 1 DAY, 1250),
  (102, 1, 2, UTC_TIMESTAMP() + INTERVAL 2 DAY, 1100),
  (103, 2, 1, UTC_TIMESTAMP() + INTERVAL 1 DAY + INTERVAL 3 HOUR, 1250),
  (104, 2, 2, UTC_TIMESTAMP() + INTERVAL 3 DAY, 1100),
  (105, 3, 1, UTC_TIMESTAMP() + INTERVAL 2 DAY + INTERVAL 2 HOUR, 1250),
  (106, 3, 2, UTC_TIMESTAMP() + INTERVAL 4 DAY, 1100),
  (107, 4, 1, UTC_TIMESTAMP() + INTERVAL 1 DAY + INTERVAL 6 HOUR, 1250),
  (108, 4, 2, UTC_TIMESTAMP() + INTERVAL 5 DAY, 1100),
  (100, 1, 1, UTC_TIMESTAMP() - INTERVAL 1 HOUR, 1250);
-- A show goes on sale no later than it starts.
UPDATE shows SET on_sale_at = start_time - INTERVAL 1 DAY WHERE id = 100;

-- Each show's seats from its theatre's layout, in grid order.
INSERT INTO show_seats (show_id, seat_row, row_position, seat_number)
WITH RECURSIVE n (seat_number) AS (SELECT 1 UNION ALL SELECT seat_number + 1 FROM n WHERE seat_number < 50)
SELECT s.id, tr.row_name, tr.position, n.seat_number
FROM shows s
JOIN theatre_rows tr ON tr.theatre_id = s.theatre_id
JOIN n ON n.seat_number <= tr.seats
ORDER BY s.id, tr.position, n.seat_number;

INSERT INTO users (email, password_hash, name) VALUES
  ('alex@example.com', '$2b$12$rKbCFY1PmlnUJoiFS.12keXjfoTKxXgxYRKDsC3j4aP2Sq5BnIVxu', 'Alex Smith');

ANALYZE TABLE shows, show_seats, users;
