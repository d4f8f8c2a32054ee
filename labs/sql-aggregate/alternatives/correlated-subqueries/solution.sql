-- Every figure of a product from its own subquery; products nobody
-- bought have 0 buyers and drop out with the rest.
SELECT name, buyers, units, revenue
FROM (
    SELECT p.name,
           (SELECT count(DISTINCT o.customer_id)
              FROM order_items AS i
              INNER JOIN orders AS o ON o.id = i.order_id
             WHERE i.product_id = p.id) AS buyers,
           (SELECT sum(i.quantity) FROM order_items AS i WHERE i.product_id = p.id) AS units,
           (SELECT sum(i.quantity * i.unit_price) FROM order_items AS i WHERE i.product_id = p.id) AS revenue
    FROM products AS p
) AS per_product
WHERE buyers >= 2
ORDER BY revenue DESC NULLS LAST, name
