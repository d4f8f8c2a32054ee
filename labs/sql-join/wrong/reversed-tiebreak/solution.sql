-- Wrong: customers who spent the same are sorted by name backwards
-- (Dennis Ritchie before Barbara Liskov).
SELECT c.name,
       count(o.id)                  AS orders,
       COALESCE(sum(o.total), 0.00) AS total_spent
FROM customers AS c
LEFT JOIN orders AS o ON o.customer_id = c.id
GROUP BY c.id, c.name
ORDER BY total_spent DESC, c.name DESC;
