-- one row per order line, with the customer who bought it
with lines as (
    select i.product_id, o.customer_id, i.quantity, i.quantity * i.unit_price as paid
    from order_items i
    join orders o on o.id = i.order_id
)
select p.name,
       count(distinct l.customer_id) as buyers,
       sum(l.quantity) as units,
       sum(l.paid) as revenue
from lines l
join products p on p.id = l.product_id
group by p.name
having count(distinct l.customer_id) > 1
order by revenue desc, p.name asc;
