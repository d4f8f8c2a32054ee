SELECT paid_on, email, amount FROM card_payments
ORDER BY paid_on, email, amount;
