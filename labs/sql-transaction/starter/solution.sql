-- Write transfer(from_id, to_id, amount) here: it moves amount from one
-- account to the other, all or nothing, and raises an error when the
-- transfer cannot be made. It runs once, on a fresh copy of the data,
-- every time you `lab check`. See README.md for what is checked.
CREATE OR REPLACE FUNCTION transfer(from_id integer, to_id integer, amount numeric)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  -- TODO
END;
$$;
