-- Wrong: the rows are typed in from the sample data. They match it, but
-- the hidden data set has other customers, so this fails there.
SELECT name, orders, total_spent
FROM (VALUES
    ('Grace Hopper',      1, 437.00),
    ('Ada Lovelace',      3, 280.80),
    ('Edsger Dijkstra',   2, 109.70),
    ('Alan Turing',       1,  90.00),
    ('Barbara Liskov',    1,  46.00),
    ('Dennis Ritchie',    1,  46.00),
    ('Margaret Hamilton', 2,  25.40),
    ('Ken Thompson',      0,   0.00),
    ('Linus Torvalds',    0,   0.00),
    ('Radia Perlman',     0,   0.00)
) AS t (name, orders, total_spent)
ORDER BY total_spent DESC, name;
