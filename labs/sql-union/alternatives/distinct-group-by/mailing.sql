-- Every address once, by grouping the two lists kept whole.
SELECT email
FROM (
    SELECT email FROM shop_customers
    UNION ALL
    SELECT email FROM newsletter_signups
) AS everyone
WHERE email IS NOT NULL
GROUP BY email
ORDER BY email;
