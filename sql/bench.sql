-- Benchmark data, loaded on top of demo.sql by `scripts/stack reset --data bench`:
-- 200 more future shows of 50 seats (ids 1001-1200) and users user1..user200@example.com
-- with password "password123". Their hash uses bcrypt cost 8, not 12, so that logging
-- in 200 benchmark users takes seconds rather than a minute; it is still a $2b$ hash.

INSERT INTO shows (id, movie_id, theatre_id, start_time)
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
SELECT 1000 + i, 1 + (i MOD 4), 1 + (i MOD 2), UTC_TIMESTAMP() + INTERVAL 7 DAY + INTERVAL i HOUR
FROM n;

INSERT INTO show_seats (show_id, seat_row, row_position, seat_number)
WITH RECURSIVE n (seat_number) AS (SELECT 1 UNION ALL SELECT seat_number + 1 FROM n WHERE seat_number < 50)
SELECT s.id, tr.row_name, tr.position, n.seat_number
FROM shows s
JOIN theatre_rows tr ON tr.theatre_id = s.theatre_id
JOIN n ON n.seat_number <= tr.seats
WHERE s.id BETWEEN 1001 AND 1200
ORDER BY s.id, tr.position, n.seat_number;

INSERT INTO users (email, password_hash, name)
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
SELECT CONCAT('user', i, '@example.com'),
       '$2b$08$70sIWg6ACeFLU9SiwU7OneC.TR3MTLPe2mFxgk4j0lYFRDulEiCAO', CONCAT('Bench User ', i)
FROM n;

-- Statistics lag bulk loads; without this the seat-map query may scan the primary key.
ANALYZE TABLE shows, show_seats, users;
