CREATE TABLE members (
    id     integer NOT NULL UNIQUE,
    email  text    NOT NULL UNIQUE,
    name   text    NOT NULL
);

CREATE TABLE books (
    isbn    text    NOT NULL UNIQUE,
    title   text    NOT NULL,
    copies  integer NOT NULL CHECK (copies >= 0)
);

CREATE TABLE loans (
    id           integer NOT NULL UNIQUE,
    member_id    integer NOT NULL REFERENCES members (id),
    isbn         text    NOT NULL REFERENCES books (isbn),
    loaned_on    date    NOT NULL,
    returned_on  date    CHECK (returned_on >= loaned_on),
    UNIQUE (member_id, isbn, loaned_on)
);
