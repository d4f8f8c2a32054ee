-- Checks the balance without a lock, then subtracts in the UPDATE itself:
-- no update is lost, but the check is stale by the time it writes.
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
  SELECT balance INTO a FROM accounts WHERE id = from_id;
  IF a IS NULL OR NOT EXISTS (SELECT FROM accounts WHERE id = to_id) THEN
    RAISE EXCEPTION 'unknown account';
  END IF;
  IF a < amount THEN
    RAISE EXCEPTION 'insufficient funds';
  END IF;
  IF from_id < to_id THEN
    UPDATE accounts SET balance = balance - amount WHERE id = from_id;
    UPDATE accounts SET balance = balance + amount WHERE id = to_id;
  ELSE
    UPDATE accounts SET balance = balance + amount WHERE id = to_id;
    UPDATE accounts SET balance = balance - amount WHERE id = from_id;
  END IF;
END;
$$;
