-- UNION keeps every payment here: each row carries its source and id, so
-- no two rows are the same.
SELECT paid_on, email, amount FROM (
    SELECT 'card' AS source, id, paid_on, email, amount FROM card_payments
    UNION
    SELECT 'bank', id, received_on, email, amount FROM bank_transfers
) AS tagged
ORDER BY paid_on, email, amount;
