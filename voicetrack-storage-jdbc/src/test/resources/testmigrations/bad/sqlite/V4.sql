-- The first statement succeeds, the second fails: the whole migration must roll back.
CREATE TABLE vt_half_done (x INTEGER);
THIS IS NOT SQL;
