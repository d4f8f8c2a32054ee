with addresses as (
    select email from shop_customers
    union all
    select email from newsletter_signups
)
select distinct email from addresses where email is not null order by 1;
