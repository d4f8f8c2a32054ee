SELECT email FROM shop_customers
UNION
SELECT email FROM newsletter_signups
ORDER BY email;
