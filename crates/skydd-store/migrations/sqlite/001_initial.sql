-- What people asked for: restrictions (Art. 18), objections (Art. 21), withdrawn consent
-- (Art. 7(3)) and the restriction that follows an erasure held by a legal obligation.
CREATE TABLE restriction (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL,
    kind TEXT NOT NULL,
    purpose TEXT,
    allowed TEXT NOT NULL DEFAULT '[]',
    reason TEXT,
    created_at TEXT NOT NULL,
    lifted_at TEXT
);
CREATE INDEX restriction_active ON restriction (subject) WHERE lifted_at IS NULL;

-- Fields an erasure kept because a legal obligation requires them, and when they may go.
CREATE TABLE hold (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL,
    collection TEXT NOT NULL,
    row_key TEXT NOT NULL,
    field TEXT NOT NULL,
    purpose TEXT NOT NULL,
    statute TEXT,
    until TEXT,
    created_at TEXT NOT NULL,
    released_at TEXT,
    UNIQUE (collection, row_key, field)
);

-- Fields erased with a keyed hash or random text, so a second run leaves them alone.
CREATE TABLE erased (
    collection TEXT NOT NULL,
    row_key TEXT NOT NULL,
    field TEXT NOT NULL,
    request TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (collection, row_key, field)
);

-- Data-subject requests and what was done.
CREATE TABLE request (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    received TEXT NOT NULL,
    due TEXT NOT NULL,
    completed TEXT,
    summary TEXT NOT NULL DEFAULT '{}'
);

-- Retention sweeps.
CREATE TABLE retention_run (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    rows INTEGER NOT NULL DEFAULT 0,
    detail TEXT NOT NULL DEFAULT '{}'
);
