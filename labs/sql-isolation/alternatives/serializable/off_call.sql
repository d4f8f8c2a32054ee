-- SERIALIZABLE: the server sees that two requests read what the other
-- writes and fails one of them with SQLSTATE 40001; the app runs it again,
-- and the second attempt sees the first one's commit.
SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;

UPDATE doctors d
   SET on_call = false
 WHERE d.id = $1
   AND (SELECT count(*) FROM doctors o WHERE o.shift_id = d.shift_id AND o.on_call) > 1;
