-- One user's rows, already in the order the query wants them.
CREATE INDEX events_user_id_created_at_idx ON events (user_id, created_at DESC);
