select region, rep, total, rank() over w as place
from (select region, rep, sum(amount) as total from sales group by 1, 2) as t
window w as (partition by region order by total desc)
order by 1, 4, 2
