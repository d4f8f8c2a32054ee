-- Right for one request at a time; two at once both see the other still
-- on call (neither has committed) and both leave: write skew.
UPDATE doctors d
   SET on_call = false
 WHERE d.id = $1
   AND (SELECT count(*) FROM doctors o WHERE o.shift_id = d.shift_id AND o.on_call) >= 2;
