-- Every payment, from both systems, one row per payment.
--
-- Columns, in this order: paid_on, email, amount
-- Order:                  paid_on, then email, then amount
--
-- Replace the placeholder below with your query, then run `lab check`.
SELECT 1;
