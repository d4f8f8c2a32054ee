-- ORDER BY in a window frames RANGE UNBOUNDED PRECEDING to CURRENT ROW by
-- default: the current row and its peers (the same day) are all in it.
SELECT id, region, sold_on, amount,
       sum(amount) OVER (PARTITION BY region ORDER BY sold_on) AS running_total
FROM sales
ORDER BY region, sold_on, id;
