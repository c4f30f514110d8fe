-- The request workflow (GDPR Art. 12): a request exists from the day it is received, with
-- its channel, the person's identities, its status, verification, extension (Art. 12(3)),
-- refusal (Art. 12(4)), fee (Art. 12(5)), the change asked for (rectification) and every
-- execution of the engine with its report. Times UTC; days `YYYY-MM-DD`; fee in öre.
ALTER TABLE request ADD COLUMN channel TEXT NOT NULL DEFAULT 'cli';
ALTER TABLE request ADD COLUMN verification_method TEXT;
ALTER TABLE request ADD COLUMN verified_by TEXT;
ALTER TABLE request ADD COLUMN verified_at TEXT;
ALTER TABLE request ADD COLUMN verification_note TEXT;
ALTER TABLE request ADD COLUMN extended_due TEXT;
ALTER TABLE request ADD COLUMN extension_reasons TEXT;
ALTER TABLE request ADD COLUMN extended_at TEXT;
ALTER TABLE request ADD COLUMN extended_by TEXT;
ALTER TABLE request ADD COLUMN refusal_reasons TEXT;
ALTER TABLE request ADD COLUMN refusal_ground TEXT;
ALTER TABLE request ADD COLUMN fee_amount BIGINT;
ALTER TABLE request ADD COLUMN fee_reason TEXT;
ALTER TABLE request ADD COLUMN asked_change TEXT;

CREATE TABLE request_identity (
    request_id TEXT NOT NULL REFERENCES request (id),
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    subject_key TEXT NOT NULL,
    PRIMARY KEY (request_id, kind, value)
);
CREATE INDEX request_identity_subject ON request_identity (subject_key);

CREATE TABLE request_execution (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES request (id),
    started TEXT NOT NULL,
    finished TEXT,
    outcome TEXT,
    report TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX request_execution_request ON request_execution (request_id, started);

-- A request logged before the workflow was done (answered, with its execution `done`) or
-- failed (still in progress, its execution `failed`); its summary is the report.
INSERT INTO request_execution (id, request_id, started, finished, outcome, report)
SELECT id || '/run', id, COALESCE(completed, received), completed, status, summary FROM request;
UPDATE request SET status = CASE status WHEN 'done' THEN 'answered' WHEN 'failed' THEN 'in_progress' ELSE status END;
-- `export` was the CLI's name for portability (Art. 20).
UPDATE request SET kind = 'portability' WHERE kind = 'export';
