SELECT paid_on::date, email, amount::numeric(10,2) FROM (VALUES
    ('2024-03-01', 'ada@example.com',      4.50),
    ('2024-03-01', 'ada@example.com',      4.50),
    ('2024-03-02', 'alan@example.com',     3.20),
    ('2024-03-02', 'grace@example.com',   12.00),
    ('2024-03-02', 'grace@example.com',   12.00),
    ('2024-03-03', 'alan@example.com',    55.00),
    ('2024-03-04', 'edsger@example.com',   7.80),
    ('2024-03-05', 'barbara@example.com', 20.00)
) AS t(paid_on, email, amount)
ORDER BY 1, 2, 3;
