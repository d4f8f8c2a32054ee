-- Places counted by joining each rep's total to the higher ones.
WITH totals AS (
    SELECT region, rep, sum(amount) AS total FROM sales GROUP BY region, rep
)
SELECT t.region, t.rep, t.total, count(h.rep) + 1 AS place
FROM totals AS t
LEFT JOIN totals AS h ON h.region = t.region AND h.total > t.total
GROUP BY t.region, t.rep, t.total
ORDER BY t.region, place, t.rep;
