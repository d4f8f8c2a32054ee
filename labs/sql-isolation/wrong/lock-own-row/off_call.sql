-- Locks the row it changes, but two doctors change two different rows:
-- the locks never meet, and both still read the other as on call.
SELECT FROM doctors WHERE id = $1 FOR UPDATE;

UPDATE doctors d
   SET on_call = false
 WHERE d.id = $1
   AND EXISTS (SELECT FROM doctors o
                WHERE o.shift_id = d.shift_id AND o.id <> d.id AND o.on_call);
