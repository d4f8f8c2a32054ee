-- The feed: one user's events by time; kind rides along in the index.
CREATE INDEX events_feed_idx
    ON public.events USING btree (user_id ASC, created_at ASC)
    INCLUDE (kind);
