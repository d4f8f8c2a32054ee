create or replace function log_balance() returns trigger language plpgsql as $fn$
begin
  insert into account_audit (account_id, old_balance, new_balance)
  values (new.id, old.balance, new.balance);
  return new;
end
$fn$;

create or replace function set_updated_at() returns trigger language plpgsql as $fn$
begin
  new.updated_at := statement_timestamp();
  return new;
end
$fn$;

drop trigger if exists log_balance on accounts;
create trigger log_balance after update on accounts
  for each row when (old.balance <> new.balance)
  execute function log_balance();

create trigger set_updated_at before update on accounts
  for each row execute function set_updated_at();
