-- Write one SELECT: name, buyers, units, revenue per product bought by at
-- least two different customers, by revenue (highest first), then name.
SELECT name FROM products;
