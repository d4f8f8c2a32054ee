-- Every customer, with or without orders: LEFT JOIN keeps the customers
-- that have no matching order. count(o.id) counts only real orders (NULL
-- is not counted), and COALESCE turns the NULL sum of no orders into 0.00.
SELECT c.name,
       count(o.id)                  AS orders,
       COALESCE(sum(o.total), 0.00) AS total_spent
FROM customers AS c
LEFT JOIN orders AS o ON o.customer_id = c.id
GROUP BY c.id, c.name
ORDER BY total_spent DESC, c.name;
