select id, region, sold_on, amount,
       sum(amount) over w as running_total
from sales
window w as (partition by region order by sold_on
             range between unbounded preceding and current row)
order by region, sold_on, id
