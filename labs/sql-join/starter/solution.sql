-- List every customer with their number of orders and the total they have
-- spent, including customers who have not ordered anything (0 and 0.00).
--
-- Columns, in this order: name, orders, total_spent
-- Order:                  total_spent descending, then name
--
-- Replace the placeholder below with your query, then run `lab check`.
SELECT 1;
