-- Safe under concurrency (every doctor locked), but it counts the doctors
-- on call in every shift, not in the asking doctor's: the last one of a
-- shift leaves while another shift still has people.
SELECT FROM doctors ORDER BY id FOR UPDATE;

UPDATE doctors
   SET on_call = false
 WHERE id = $1
   AND (SELECT count(*) FROM doctors WHERE on_call) >= 2;
