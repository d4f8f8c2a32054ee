SELECT * FROM (VALUES
    ('Monitor',   2, 2, 368.00),
    ('Keyboard',  2, 3, 149.70),
    ('USB cable', 3, 8,  44.00)
) AS t(name, buyers, units, revenue);
