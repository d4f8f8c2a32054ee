-- A statement-level trigger that audits every changed row through the
-- statement's transition tables; a row-level one for updated_at.
CREATE OR REPLACE FUNCTION audit_balances() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO account_audit (account_id, old_balance, new_balance)
    SELECT o.id, o.balance, n.balance
    FROM old_rows AS o
    JOIN new_rows AS n USING (id)
    WHERE o.balance <> n.balance;
    RETURN NULL;
END
$$;

CREATE TRIGGER audit_balances
    AFTER UPDATE ON accounts
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT
    EXECUTE PROCEDURE audit_balances();

CREATE OR REPLACE FUNCTION stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at = clock_timestamp();
    RETURN NEW;
END
$$;

CREATE TRIGGER stamp BEFORE UPDATE ON accounts
    FOR EACH ROW EXECUTE PROCEDURE stamp();
