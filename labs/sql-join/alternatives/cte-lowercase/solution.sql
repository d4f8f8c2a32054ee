-- totals per customer first, then every customer with them
with per_customer as (
    select customer_id, count(*) as n, sum(total) as spent
    from orders
    group by customer_id
)
select c.name,
       coalesce(p.n, 0) as orders,
       coalesce(p.spent, 0) as total_spent
from customers c
left outer join per_customer p on p.customer_id = c.id
order by total_spent desc, c.name;
