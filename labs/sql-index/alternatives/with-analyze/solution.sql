/* Index, then fresh statistics for the planner. */
CREATE INDEX IF NOT EXISTS events_user_created ON events (user_id, created_at DESC);
ANALYZE events;
