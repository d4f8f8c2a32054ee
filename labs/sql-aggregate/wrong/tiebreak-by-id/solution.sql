-- Wrong: products with the same revenue are sorted by id, not by name.
SELECT p.name,
       count(DISTINCT o.customer_id)  AS buyers,
       sum(i.quantity)                AS units,
       sum(i.quantity * i.unit_price) AS revenue
  FROM products p
  JOIN order_items i ON i.product_id = p.id
  JOIN orders o      ON o.id = i.order_id
 GROUP BY p.id, p.name
HAVING count(DISTINCT o.customer_id) >= 2
 ORDER BY revenue DESC, p.id;
