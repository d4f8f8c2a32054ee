-- Every address the newsletter goes to, each once: the shop customers'
-- addresses and the newsletter sign-ups.
--
-- Columns: email
-- Order:   email
--
-- Replace the placeholder below with your query, then run `lab check`.
SELECT 1;
