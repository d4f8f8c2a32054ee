-- Wrong: the rows are typed in from the sample data. They match it, but
-- the hidden data set has other sales, so this fails there.
SELECT * FROM (VALUES
    ('Monitor',      2, 2, 368.00),
    ('Keyboard',     2, 4, 199.60),
    ('Headphones',   2, 2, 158.00),
    ('Laptop stand', 2, 4, 158.00),
    ('USB cable',    3, 8,  44.00)
) AS t(name, buyers, units, revenue);
