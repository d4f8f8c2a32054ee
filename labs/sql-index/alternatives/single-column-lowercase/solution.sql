create index on events (user_id);
