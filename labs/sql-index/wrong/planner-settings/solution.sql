-- Wrong: an index of user 4242's rows alone, and planner settings that
-- make any index look cheaper than reading the table. The grader plans
-- with Postgres's own settings, so other users still need a full scan.
CREATE INDEX events_user_4242_idx ON events (user_id, created_at DESC) WHERE user_id = 4242;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SET seq_page_cost = 0;
SET random_page_cost = 0;
SET cpu_tuple_cost = 0;
SET cpu_index_tuple_cost = 0;
SET cpu_operator_cost = 0;
