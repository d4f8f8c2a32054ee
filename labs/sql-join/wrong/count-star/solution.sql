-- Wrong: count(*) counts rows, and a customer without orders still has one
-- row after the LEFT JOIN (with NULLs on the orders side), so they get 1.
SELECT c.name,
       count(*)                     AS orders,
       COALESCE(sum(o.total), 0.00) AS total_spent
FROM customers AS c
LEFT JOIN orders AS o ON o.customer_id = c.id
GROUP BY c.id, c.name
ORDER BY total_spent DESC, c.name;
