-- Lock both accounts, in id order whatever the direction of the transfer
-- (so that two transfers in opposite directions cannot deadlock), then
-- check and move the money. A RAISE rolls back the caller's transaction.
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
  IF locked < 2 THEN
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
