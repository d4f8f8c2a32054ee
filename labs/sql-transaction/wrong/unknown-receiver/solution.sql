-- Locks and checks the sender only; the receiver's UPDATE of an id that
-- does not exist changes nothing, raises nothing, and the money is gone.
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
  PERFORM FROM accounts WHERE id IN (from_id, to_id) ORDER BY id FOR UPDATE;
  SELECT balance INTO a FROM accounts WHERE id = from_id;
  IF a IS NULL THEN
    RAISE EXCEPTION 'unknown sender';
  END IF;
  IF a < amount THEN
    RAISE EXCEPTION 'insufficient funds';
  END IF;
  UPDATE accounts SET balance = balance - amount WHERE id = from_id;
  UPDATE accounts SET balance = balance + amount WHERE id = to_id;
END;
$$;
