-- A day's running total in a window over days, joined back to the sales.
WITH days AS (
    SELECT region, sold_on,
           sum(sum(amount)) OVER (PARTITION BY region ORDER BY sold_on
                                  ROWS UNBOUNDED PRECEDING) AS running_total
    FROM sales
    GROUP BY region, sold_on
)
SELECT s.id, s.region, s.sold_on, s.amount, d.running_total
FROM sales AS s
JOIN days AS d USING (region, sold_on)
ORDER BY s.region, s.sold_on, s.id;
