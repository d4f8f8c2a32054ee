SELECT paid_on, email, amount FROM card_payments
UNION ALL
SELECT received_on, email, amount FROM bank_transfers
ORDER BY paid_on, email, amount;
