-- No trigger: the audit rows and timestamps typed in, as if the changes
-- of the sample data were known in advance.
INSERT INTO account_audit (account_id, old_balance, new_balance) VALUES
    (1, 100.00, 70.00);
UPDATE accounts SET updated_at = now();
