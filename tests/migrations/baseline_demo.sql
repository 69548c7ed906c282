-- The demo data as sql/demo.sql had it before migration 0005 (the baseline schema): the data
-- of a database made by the release before migrations, for upgrade_keeps_data.sh.
-- The demo user is alex@example.com / ###yr538nf> (bcrypt cost 12).

INSERT INTO theatres (id, name, location) VALUES
  (1, 'PVR', 'Phoenix Mall, Lower Parel'),
  (2, 'Cinepolis', 'Seasons Mall, Pune');

INSERT INTO movies (id, title, description, duration_mins, rating) VALUES
  (1, 'Inception', 'A thief who steals corporate secrets through dream-sharing.', 148, 'PG-13'),
  (2, 'The Grand Budapest Hotel', 'A concierge and his lobby boy in a famous European hotel.', 99, 'R'),
  (3, 'Spirited Away', 'A girl wanders into a world ruled by gods and witches.', 125, 'PG'),
  (4, 'Arrival', 'A linguist is recruited to talk with visitors from space.', 116, 'PG-13');

-- Two future shows per movie, plus show 100, which started an hour before loading.
INSERT INTO shows (id, movie_id, theatre_id, start_time) VALUES
  (101, 1, 1, UTC_TIMESTAMP() + INTERVAL 1 DAY),
  (102, 1, 2, UTC_TIMESTAMP() + INTERVAL 2 DAY),
  (103, 2, 1, UTC_TIMESTAMP() + INTERVAL 1 DAY + INTERVAL 3 HOUR),
  (104, 2, 2, UTC_TIMESTAMP() + INTERVAL 3 DAY),
  (105, 3, 1, UTC_TIMESTAMP() + INTERVAL 2 DAY + INTERVAL 2 HOUR),
  (106, 3, 2, UTC_TIMESTAMP() + INTERVAL 4 DAY),
  (107, 4, 1, UTC_TIMESTAMP() + INTERVAL 1 DAY + INTERVAL 6 HOUR),
  (108, 4, 2, UTC_TIMESTAMP() + INTERVAL 5 DAY),
  (100, 1, 1, UTC_TIMESTAMP() - INTERVAL 1 HOUR);

-- 50 seats per show: rows A-E, seats 1-10.
INSERT INTO show_seats (show_id, seat_row, seat_number)
SELECT s.id, r.seat_row, n.seat_number
FROM shows s
CROSS JOIN (SELECT 'A' AS seat_row UNION ALL SELECT 'B' UNION ALL SELECT 'C'
            UNION ALL SELECT 'D' UNION ALL SELECT 'E') r
CROSS JOIN (SELECT 1 AS seat_number UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
            UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8
            UNION ALL SELECT 9 UNION ALL SELECT 10) n
ORDER BY s.id, r.seat_row, n.seat_number;

INSERT INTO users (email, password_hash, name) VALUES
  ('alex@example.com', '$2b$12$rKbCFY1PmlnUJoiFS.12keXjfoTKxXgxYRKDsC3j4aP2Sq5BnIVxu', 'Alex Smith');

ANALYZE TABLE shows, show_seats, users;
