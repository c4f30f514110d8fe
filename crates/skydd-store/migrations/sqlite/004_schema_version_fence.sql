-- skydd before sqlx::migrate! read its version from `schema_version` and migrated from
-- there; version 4 makes such a skydd refuse this file as newer than it knows, instead of
-- creating its tables again over the data.
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version (version) VALUES (4);
