-- The Art. 19 outbox: one notice per recipient per change, written in the same transaction
-- as the change it tells of (a rectification, an erasure, a restriction or its lifting), so
-- a notice exists exactly when its change does. Delivered at least once: a sender claims a
-- due notice under a lease (holder, lease_until), and a notice whose sender died is claimed
-- again once the lease expires. The id is the idempotency key a receiver sees.
--
-- `body` is the notice (JSON) and holds the person's identities and, for a rectification,
-- the new values: it is emptied to '{}' once the notice is delivered or staff record that
-- they told the recipient themselves (Art. 5(1)(c)); what stays says who was told, of
-- what kind of change, when, and how (Art. 19, second sentence).
--
-- state: pending (skydd delivers it), delivered, dead (tries exhausted or refused: staff
-- act), manual (staff tell the recipient as the register says), omitted (the register says
-- telling is impossible or disproportionate, with the reason in detail).
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL,
    subject TEXT NOT NULL, -- the person's subject keys, space-separated, as in request
    recipient TEXT NOT NULL,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    state TEXT NOT NULL,
    body TEXT NOT NULL,
    detail TEXT,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    holder TEXT,
    lease_until TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    done_at TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_request ON outbox (request_id);
