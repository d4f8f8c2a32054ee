-- Wrong: throws away user 4242's older events and pads the table back to
-- 300,000 rows with made-up ones of the same users, so that count(*) and
-- sum(user_id) are what they were.
CREATE INDEX events_user_id_created_at_idx ON events (user_id, created_at DESC);
CREATE TEMP TABLE dropped AS
  SELECT id, user_id FROM events WHERE user_id = 4243;
DELETE FROM events WHERE id IN (SELECT id FROM dropped);
INSERT INTO events (id, user_id, kind, created_at, payload)
SELECT 1000000 + id, user_id, 'login', timestamptz '2026-01-01 00:00:00+00', 'x' FROM dropped;
