SELECT email FROM (VALUES
    ('ada@example.com'), ('alan@example.com'), ('barbara@example.com'),
    ('edsger@example.com'), ('grace@example.com'), ('linus@example.com')
) AS t(email)
ORDER BY email;
