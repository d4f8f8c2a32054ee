-- Wrong: only user 4242's rows are indexed. The sample query is fast; the
-- same query for any other user still reads the whole table.
CREATE INDEX events_user_4242_idx ON events (user_id, created_at DESC) WHERE user_id = 4242;
