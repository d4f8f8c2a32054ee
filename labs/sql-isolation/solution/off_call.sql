-- Lock every doctor of the asking doctor's shift, in id order: a second
-- request of the same shift waits here until the first commits, and then
-- its next statement sees the first one's change (READ COMMITTED takes a
-- new snapshot for each statement).
SELECT id FROM doctors
 WHERE shift_id = (SELECT shift_id FROM doctors WHERE id = $1)
 ORDER BY id
   FOR UPDATE;

-- Go off call only if someone else of the shift stays on call.
UPDATE doctors d
   SET on_call = false
 WHERE d.id = $1
   AND d.on_call
   AND EXISTS (SELECT FROM doctors o
                WHERE o.shift_id = d.shift_id AND o.id <> d.id AND o.on_call);
