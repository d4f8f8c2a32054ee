-- Wrong: an inner JOIN keeps only customers that have orders, so Ken,
-- Linus and Radia are missing.
SELECT c.name,
       count(o.id)  AS orders,
       sum(o.total) AS total_spent
FROM customers AS c
JOIN orders AS o ON o.customer_id = c.id
GROUP BY c.id, c.name
ORDER BY total_spent DESC, c.name;
