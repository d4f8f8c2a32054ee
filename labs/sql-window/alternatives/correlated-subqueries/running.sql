SELECT s.id, s.region, s.sold_on, s.amount,
       (SELECT sum(e.amount) FROM sales AS e
        WHERE e.region = s.region AND e.sold_on <= s.sold_on) AS running_total
FROM sales AS s
ORDER BY s.region, s.sold_on, s.id;
