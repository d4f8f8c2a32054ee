/* One lock per shift: the shift's own row. Requests of the same shift
   queue on it; requests of other shifts do not wait. */
select s.id
  from shifts s join doctors d on d.shift_id = s.id
 where d.id = $1
   for update of s;

with others as (
  select count(*) as n
    from doctors me join doctors o on o.shift_id = me.shift_id
   where me.id = $1 and o.id <> me.id and o.on_call
)
update doctors set on_call = false
 where id = $1 and (select n from others) > 0;
