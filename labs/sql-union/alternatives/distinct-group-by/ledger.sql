SELECT p.paid_on, p.email, p.amount
FROM (
    SELECT paid_on, email, amount FROM card_payments
    UNION ALL
    SELECT received_on AS paid_on, email, amount FROM bank_transfers
) AS p
ORDER BY p.paid_on, p.email, p.amount
