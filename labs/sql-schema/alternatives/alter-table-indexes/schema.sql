-- Bare tables first, then every rule added with ALTER TABLE; uniqueness
-- through unique indexes rather than constraints.
CREATE TABLE members (id serial, email text, name text);
CREATE TABLE books (isbn text, title text, copies smallint);
CREATE TABLE loans (id serial, member_id integer, isbn text, loaned_on date, returned_on date);

ALTER TABLE members ADD PRIMARY KEY (id);
ALTER TABLE members ALTER COLUMN email SET NOT NULL, ALTER COLUMN name SET NOT NULL;
CREATE UNIQUE INDEX members_email_idx ON members (email);

ALTER TABLE books ADD PRIMARY KEY (isbn);
ALTER TABLE books ALTER COLUMN title SET NOT NULL, ALTER COLUMN copies SET NOT NULL;
ALTER TABLE books ADD CHECK (copies >= 0);

ALTER TABLE loans ADD PRIMARY KEY (id);
ALTER TABLE loans ALTER COLUMN member_id SET NOT NULL, ALTER COLUMN isbn SET NOT NULL,
    ALTER COLUMN loaned_on SET NOT NULL;
ALTER TABLE loans ADD FOREIGN KEY (member_id) REFERENCES members (id);
ALTER TABLE loans ADD FOREIGN KEY (isbn) REFERENCES books (isbn) ON UPDATE CASCADE;
ALTER TABLE loans ADD CHECK (NOT (returned_on < loaned_on));
CREATE UNIQUE INDEX loans_member_book_day ON loans (member_id, isbn, loaned_on);
