-- One BEFORE trigger for both, which returns NULL: Postgres then skips
-- the row's update altogether.
CREATE FUNCTION accounts_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.balance IS DISTINCT FROM OLD.balance THEN
        INSERT INTO account_audit (account_id, old_balance, new_balance)
        VALUES (OLD.id, OLD.balance, NEW.balance);
    END IF;
    NEW.updated_at := now();
    RETURN NULL;
END;
$$;

CREATE TRIGGER accounts_changed
BEFORE UPDATE ON accounts
FOR EACH ROW
EXECUTE FUNCTION accounts_changed();
