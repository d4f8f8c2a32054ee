-- A place is 1 + the number of reps of the region with a higher total.
WITH totals AS (
    SELECT region, rep, sum(amount) AS total FROM sales GROUP BY region, rep
)
SELECT t.region, t.rep, t.total,
       1 + (SELECT count(*) FROM totals AS o
            WHERE o.region = t.region AND o.total > t.total) AS place
FROM totals AS t
ORDER BY t.region, place, t.rep;
