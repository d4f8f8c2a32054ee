create table if not exists members (
    id integer not null primary key,
    email varchar(320) not null unique,
    name varchar(200) not null
);
create table if not exists books (
    isbn char(13) primary key,
    title varchar(500) not null,
    copies int not null default 1 check (copies between 0 and 1000000)
);
create table if not exists loans (
    id integer primary key,
    member_id integer not null references members on delete no action,
    isbn char(13) not null references books,
    loaned_on date not null default current_date,
    returned_on date null,
    unique (isbn, member_id, loaned_on),
    check (coalesce(returned_on, loaned_on) >= loaned_on)
);
