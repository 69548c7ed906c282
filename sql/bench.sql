-- Benchmark data, loaded on top of demo.sql by `scripts/stack reset --data bench`:
-- 200 more future shows of 50 seats (ids 1001-1200) and users user1..user200@example.com
-- with password "password123". Their hash uses bcrypt cost 8, not 12, so that logging
-- in 200 benchmark users takes seconds rather than a minute; it is still a $2b$ hash.

INSERT INTO shows (id, movie_id, theatre_id, start_time)
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
SELECT 1000 + i, 1 + (i MOD 4), 1 + (i MOD 2), UTC_TIMESTAMP() + INTERVAL 7 DAY + INTERVAL i HOUR
FROM n;

INSERT INTO show_seats (show_id, seat_row, seat_number)
SELECT s.id, r.seat_row, n.seat_number
FROM shows s
CROSS JOIN (SELECT 'A' AS seat_row UNION ALL SELECT 'B' UNION ALL SELECT 'C'
            UNION ALL SELECT 'D' UNION ALL SELECT 'E') r
CROSS JOIN (SELECT 1 AS seat_number UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
            UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8
            UNION ALL SELECT 9 UNION ALL SELECT 10) n
WHERE s.id BETWEEN 1001 AND 1200
ORDER BY s.id, r.seat_row, n.seat_number;

INSERT INTO users (email, password_hash, name)
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
SELECT CONCAT('user', i, '@example.com'),
       '$2b$08$70sIWg6ACeFLU9SiwU7OneC.TR3MTLPe2mFxgk4j0lYFRDulEiCAO', CONCAT('Bench User ', i)
FROM n;

-- Statistics lag bulk loads; without this the seat-map query may scan the primary key.
ANALYZE TABLE shows, show_seats, users;
