-- TODO (learner): the products that cost more than 10, by name.
SELECT name, price FROM products ORDER BY name;
