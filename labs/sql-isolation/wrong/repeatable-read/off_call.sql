-- REPEATABLE READ is snapshot isolation: each request reads a snapshot in
-- which the other is still on call, and they write different rows, so
-- nothing conflicts. It does not prevent write skew; SERIALIZABLE does.
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;

UPDATE doctors d
   SET on_call = false
 WHERE d.id = $1
   AND EXISTS (SELECT FROM doctors o
                WHERE o.shift_id = d.shift_id AND o.id <> d.id AND o.on_call);
