CREATE TABLE members (
    id     integer PRIMARY KEY,
    email  text    NOT NULL UNIQUE,
    name   text    NOT NULL
);

CREATE TABLE books (
    isbn    text    PRIMARY KEY,
    title   text    NOT NULL,
    copies  integer NOT NULL CHECK (copies >= 0)
);

CREATE TABLE loans (
    id           integer PRIMARY KEY,
    member_id    integer NOT NULL,
    isbn         text    NOT NULL,
    loaned_on    date    NOT NULL,
    returned_on  date    CHECK (returned_on >= loaned_on),
    UNIQUE (member_id, isbn, loaned_on)
);
