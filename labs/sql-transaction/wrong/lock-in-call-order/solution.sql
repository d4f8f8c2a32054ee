-- Locks the sender, then the receiver: correct alone, but a transfer from
-- 1 to 2 and one from 2 to 1 at the same time each hold the row the other
-- waits for.
CREATE OR REPLACE FUNCTION transfer(from_id integer, to_id integer, amount numeric)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
  a numeric;
BEGIN
  IF amount <= 0 THEN
    RAISE EXCEPTION 'the amount must be positive';
  END IF;
  SELECT balance INTO a FROM accounts WHERE id = from_id FOR UPDATE;
  PERFORM FROM accounts WHERE id = to_id FOR UPDATE;
  IF a IS NULL OR NOT FOUND THEN
    RAISE EXCEPTION 'unknown account';
  END IF;
  IF a < amount THEN
    RAISE EXCEPTION 'insufficient funds';
  END IF;
  UPDATE accounts SET balance = balance - amount WHERE id = from_id;
  UPDATE accounts SET balance = balance + amount WHERE id = to_id;
END;
$$;
