SELECT email FROM shop_customers WHERE email IS NOT NULL
UNION ALL
SELECT email FROM newsletter_signups
ORDER BY email;
