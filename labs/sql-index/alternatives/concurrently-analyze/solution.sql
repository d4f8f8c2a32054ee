-- built without locking writers, then fresh statistics
CREATE INDEX CONCURRENTLY events_user_created ON events (user_id, created_at);
ANALYZE events;
