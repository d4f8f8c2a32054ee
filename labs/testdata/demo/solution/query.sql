SELECT id FROM items ORDER BY id;
