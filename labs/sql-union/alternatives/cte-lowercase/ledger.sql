with payments as (
    select paid_on, email, amount from card_payments
    union all
    select received_on, email, amount from bank_transfers
)
select * from payments order by 1, 2, 3;
