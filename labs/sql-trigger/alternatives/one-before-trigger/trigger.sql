-- One BEFORE trigger does both jobs and returns NEW.
CREATE FUNCTION accounts_on_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.balance IS DISTINCT FROM OLD.balance THEN
        INSERT INTO account_audit (account_id, old_balance, new_balance, changed_at)
        VALUES (NEW.id, OLD.balance, NEW.balance, current_timestamp);
    END IF;
    NEW.updated_at := current_timestamp;
    RETURN NEW;
END;
$$;

CREATE TRIGGER accounts_on_update
BEFORE UPDATE ON accounts
FOR EACH ROW
EXECUTE FUNCTION accounts_on_update();
