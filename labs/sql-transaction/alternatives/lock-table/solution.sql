-- A table lock that conflicts with itself: transfers queue up one after
-- the other, and reading then writing back is safe inside it.
CREATE FUNCTION transfer(sender bigint, receiver bigint, how_much numeric)
RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
  s numeric;
  r numeric;
BEGIN
  LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE;
  SELECT balance INTO s FROM accounts WHERE id = sender;
  SELECT balance INTO r FROM accounts WHERE id = receiver;
  CASE
    WHEN s IS NULL OR r IS NULL THEN RAISE EXCEPTION 'unknown account';
    WHEN how_much IS NULL OR how_much <= 0 THEN RAISE EXCEPTION 'amount must be > 0';
    WHEN s < how_much THEN RAISE EXCEPTION 'not enough money';
    ELSE NULL;
  END CASE;
  UPDATE accounts SET balance = s - how_much WHERE id = sender;
  UPDATE accounts SET balance = r + how_much WHERE id = receiver;
  RETURN 'ok';
END;
$$;
