-- Each rep's total sales, and their place within their region.
--
-- Columns, in this order: region, rep, total, place
-- Order:                  region, then place, then rep
--
-- Replace the placeholder below with your query, then run `lab check`.
SELECT 1;
