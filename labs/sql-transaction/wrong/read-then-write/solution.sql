-- Reads both balances without a lock, then writes back what it computed.
CREATE OR REPLACE FUNCTION transfer(from_id integer, to_id integer, amount numeric)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
  a numeric;
  b numeric;
BEGIN
  IF amount <= 0 THEN
    RAISE EXCEPTION 'the amount must be positive';
  END IF;
  SELECT balance INTO a FROM accounts WHERE id = from_id;
  SELECT balance INTO b FROM accounts WHERE id = to_id;
  IF a IS NULL OR b IS NULL THEN
    RAISE EXCEPTION 'unknown account';
  END IF;
  IF a < amount THEN
    RAISE EXCEPTION 'insufficient funds';
  END IF;
  -- In id order, so that the failure is the lost update, not a deadlock.
  IF from_id < to_id THEN
    UPDATE accounts SET balance = a - amount WHERE id = from_id;
    UPDATE accounts SET balance = b + amount WHERE id = to_id;
  ELSE
    UPDATE accounts SET balance = b + amount WHERE id = to_id;
    UPDATE accounts SET balance = a - amount WHERE id = from_id;
  END IF;
END;
$$;
