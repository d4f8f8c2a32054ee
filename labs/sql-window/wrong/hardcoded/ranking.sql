SELECT region, rep, total::numeric(10,2) AS total, place::bigint AS place FROM (VALUES
    ('North', 'Ana', 300.00, 1), ('North', 'Ben', 300.00, 1),
    ('North', 'Cleo', 250.00, 3), ('North', 'Dev', 100.00, 4),
    ('South', 'Eve', 500.00, 1), ('South', 'Fay', 200.00, 2),
    ('South', 'Gus', 200.00, 2), ('West', 'Hal', 90.00, 1)
) AS t(region, rep, total, place)
ORDER BY region, place, rep;
