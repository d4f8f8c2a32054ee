CREATE INDEX events_user_hash ON events USING hash (user_id);
