-- Both rows locked in id order, then one UPDATE moves the money; a
-- CHECK-like test on the row count and the sender's new balance.
CREATE OR REPLACE FUNCTION transfer(from_id int, to_id int, amount numeric)
  RETURNS void LANGUAGE plpgsql AS
$body$
DECLARE
  n int;
  left_over numeric;
BEGIN
  IF NOT amount > 0 THEN
    RAISE EXCEPTION USING MESSAGE = 'amount must be positive', ERRCODE = 'data_exception';
  END IF;
  PERFORM 1 FROM accounts WHERE id = ANY (ARRAY[from_id, to_id]) ORDER BY id FOR NO KEY UPDATE;
  UPDATE accounts
     SET balance = balance + CASE WHEN id = from_id THEN -amount ELSE amount END
   WHERE id IN (from_id, to_id);
  GET DIAGNOSTICS n = ROW_COUNT;
  SELECT balance INTO left_over FROM accounts WHERE id = from_id;
  IF n <> 2 OR from_id = to_id THEN
    RAISE EXCEPTION 'unknown account';
  ELSIF left_over < 0 THEN
    RAISE EXCEPTION 'insufficient funds';
  END IF;
END
$body$;
