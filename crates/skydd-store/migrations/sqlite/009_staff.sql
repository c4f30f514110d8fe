-- The company's staff who use skydd, and their API tokens. A password is kept only as its
-- argon2id hash (PHC string), a token only as the SHA-256 of its secret: neither can be
-- read back. Roles: owner, handler, viewer (skydd_core::staff); a token's role is never
-- more than its user's.
CREATE TABLE staff_user (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled_at TEXT
);

CREATE TABLE api_token (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES staff_user (id),
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_token_user ON api_token (user_id);
