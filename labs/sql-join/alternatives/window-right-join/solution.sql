/*
 * Window functions over a RIGHT JOIN: every customer is kept, and DISTINCT
 * folds each customer's order rows into one.
 */
SELECT DISTINCT
	c.name,
	count(o.id) OVER (PARTITION BY c.id) AS orders,
	coalesce(sum(o.total) OVER (PARTITION BY c.id), 0) AS total_spent
FROM orders o
RIGHT OUTER JOIN customers c ON c.id = o.customer_id
ORDER BY total_spent DESC, c.name
