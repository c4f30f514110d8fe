-- An erasure is a saga: journalled before it touches the company's databases, each
-- database recorded as done together with its erased marks, and finished in one
-- transaction that writes the holds, the Art. 18(2) restriction and the request record.
-- A re-run after a crash finds the journal not yet `recorded` and resumes it.
CREATE TABLE erasure_journal (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL,
    subjects TEXT NOT NULL,
    plan TEXT NOT NULL,
    state TEXT NOT NULL,
    datasets_done TEXT NOT NULL DEFAULT '[]',
    holder TEXT NOT NULL,
    failure TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX erasure_journal_open ON erasure_journal (created_at) WHERE state <> 'recorded';
