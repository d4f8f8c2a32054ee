-- A statement-level trigger: one audit row per UPDATE statement, with the
-- values of one of its rows, however many accounts it changed.
CREATE FUNCTION audit_balance() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO account_audit (account_id, old_balance, new_balance)
    SELECT o.id, o.balance, n.balance
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE o.balance IS DISTINCT FROM n.balance
    ORDER BY o.id
    LIMIT 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER accounts_audit_balance
AFTER UPDATE ON accounts
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION audit_balance();

CREATE FUNCTION touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE TRIGGER accounts_touch_updated_at
BEFORE UPDATE ON accounts
FOR EACH ROW
EXECUTE FUNCTION touch_updated_at();
