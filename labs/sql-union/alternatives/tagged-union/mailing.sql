-- UNION removes the duplicates; NULLs filtered afterwards.
SELECT email FROM (
    SELECT email FROM shop_customers
    UNION
    SELECT email FROM newsletter_signups
) u
WHERE u.email IS NOT NULL
ORDER BY email;
