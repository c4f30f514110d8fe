-- One active restriction, objection or withdrawal per subject, kind, purpose and allowed
-- purposes. A check-then-insert let two processes add the same one twice; the later
-- duplicates are closed at the moment they were made, so history keeps them and nothing
-- that was in force changes.
UPDATE restriction SET lifted_at = created_at
WHERE lifted_at IS NULL
  AND EXISTS (
    SELECT 1 FROM restriction earlier
    WHERE earlier.lifted_at IS NULL
      AND earlier.subject = restriction.subject
      AND earlier.kind = restriction.kind
      AND COALESCE(earlier.purpose, '') = COALESCE(restriction.purpose, '')
      AND earlier.allowed = restriction.allowed
      AND earlier.id < restriction.id
  );
CREATE UNIQUE INDEX restriction_one_active
  ON restriction (subject, kind, COALESCE(purpose, ''), allowed)
  WHERE lifted_at IS NULL;
