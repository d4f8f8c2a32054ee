-- Wrong: an indexed copy of the table in a schema of its own, put first
-- on the search path. events itself still has no index.
CREATE SCHEMA shadow;
CREATE TABLE shadow.events AS SELECT * FROM public.events;
CREATE INDEX ON shadow.events (user_id, created_at DESC);
ANALYZE shadow.events;
SET search_path = shadow, public;
