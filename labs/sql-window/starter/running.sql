-- Every sale with its region's running total.
--
-- Columns, in this order: id, region, sold_on, amount, running_total
-- Order:                  region, then sold_on, then id
--
-- Replace the placeholder below with your query, then run `lab check`.
SELECT 1;
