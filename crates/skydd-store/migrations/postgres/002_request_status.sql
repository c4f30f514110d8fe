-- A request is `done`, or `failed` when skydd could not carry it out (the summary says why).
ALTER TABLE request ADD COLUMN status TEXT NOT NULL DEFAULT 'done';
