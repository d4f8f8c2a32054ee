-- An advisory lock named by the shift's id, held until the transaction
-- ends; the count is read after it is granted.
SELECT pg_advisory_xact_lock(shift_id) FROM doctors WHERE id = $1;
UPDATE doctors SET on_call = NOT on_call
 WHERE id = $1 AND on_call
   AND 1 < (SELECT count(*) FROM doctors o
             WHERE o.on_call AND o.shift_id = (SELECT shift_id FROM doctors WHERE id = $1));
