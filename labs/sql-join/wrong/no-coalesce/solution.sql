-- Wrong: without COALESCE, a customer without orders has a NULL total,
-- not 0.00.
SELECT c.name,
       count(o.id)                  AS orders,
       sum(o.total)                 AS total_spent
FROM customers AS c
LEFT JOIN orders AS o ON o.customer_id = c.id
GROUP BY c.id, c.name
ORDER BY total_spent DESC, c.name;
