-- One transfer at a time: every call takes the same advisory lock, held
-- until its transaction ends. Simple and safe; it gives up running
-- transfers of unrelated accounts in parallel.
create or replace function public.transfer(p_from int, p_to int, p_amount numeric(12,2))
returns boolean
language plpgsql
as $fn$
begin
  perform pg_advisory_xact_lock(hashtext('accounts'));
  if p_amount is null or p_amount <= 0 then
    raise exception 'bad amount %', p_amount using errcode = 'check_violation';
  end if;
  if (select count(*) from accounts where id in (p_from, p_to)) <> 2 then
    raise exception 'no such account';
  end if;
  update accounts set balance = balance - p_amount
   where id = p_from and balance >= p_amount;
  if not found then
    raise exception 'insufficient funds in %', p_from;
  end if;
  update accounts set balance = balance + p_amount where id = p_to;
  return true;
end
$fn$;
