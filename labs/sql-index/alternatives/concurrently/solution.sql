CREATE INDEX CONCURRENTLY events_uid_ts ON events (user_id, created_at DESC);
