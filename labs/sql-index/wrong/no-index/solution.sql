-- I looked at the plan; it seems fine to me.
SELECT 1;
