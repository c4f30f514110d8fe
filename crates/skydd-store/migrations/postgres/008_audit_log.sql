-- The tamper-evident audit log: every change of skydd's state, one entry, each entry's hash
-- covering the one before it (skydd_core::auditlog). Appended in the transaction of the
-- change it records, under the write lock (SQLite) or an advisory lock (PostgreSQL), so the
-- chain never forks and `seq` runs 1, 2, 3 … without gaps. Ids and counts only, never
-- personal data (Art. 5(1)(c)). `detail` is JSON text, kept exactly as it was hashed.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev TEXT NOT NULL,
    hash TEXT NOT NULL
);
