SELECT name, price FROM products WHERE price >= 10 ORDER BY name;
