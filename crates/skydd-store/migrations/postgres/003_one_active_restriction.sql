-- One active restriction, objection or withdrawal per subject, kind, purpose and allowed
-- purposes, whoever writes at once (see ../sqlite/003_one_active_restriction.sql).
CREATE UNIQUE INDEX restriction_one_active
  ON restriction (subject, kind, COALESCE(purpose, ''), allowed)
  WHERE lifted_at IS NULL;
