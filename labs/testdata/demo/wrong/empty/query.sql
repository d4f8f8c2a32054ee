SELECT id FROM items WHERE false;
