CREATE FUNCTION audit_balance() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO account_audit (account_id, old_balance, new_balance)
    VALUES (OLD.id, OLD.balance, NEW.balance);
    RETURN NULL; -- the result of an AFTER trigger is ignored
END;
$$;

CREATE TRIGGER accounts_audit_balance
AFTER UPDATE OF balance ON accounts
FOR EACH ROW
WHEN (OLD.balance IS DISTINCT FROM NEW.balance)
EXECUTE FUNCTION audit_balance();

CREATE FUNCTION touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- forgot updated_at
    RETURN NEW;
END;
$$;

CREATE TRIGGER accounts_touch_updated_at
BEFORE UPDATE ON accounts
FOR EACH ROW
EXECUTE FUNCTION touch_updated_at();
