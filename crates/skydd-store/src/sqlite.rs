//! skydd's state in an embedded SQLite file (mode 0600, WAL).

use std::path::Path;
use std::str::FromStr;

use sqlx::SqlitePool;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

use crate::StoreError;

/// The SQLite migrations, embedded at compile time.
pub(crate) static MIGRATOR: Migrator = sqlx::migrate!("migrations/sqlite");

/// The last version the hand-rolled migrations (a `schema_version` table) reached before
/// skydd moved to `sqlx::migrate!`.
const LEGACY_VERSIONS: i64 = 3;

/// skydd's state in a SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
    /// Who the audit log records as doing what this handle does.
    pub(crate) actor: std::sync::Arc<str>,
}

impl SqliteStore {
    /// Opens and migrates the state file. A missing file is an error unless `create` is
    /// set; then it is created readable by its owner only (it holds e-mail addresses and
    /// personnummer), and SQLite gives its journal files the same mode.
    pub async fn open(path: &Path, create: bool) -> Result<SqliteStore, StoreError> {
        let err = |e: &dyn std::fmt::Display| StoreError::Open {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        if !path.exists() {
            if !create {
                return Err(StoreError::Missing {
                    path: path.display().to_string(),
                });
            }
            let mut file = std::fs::OpenOptions::new();
            file.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut file, 0o600);
            match file.open(path) {
                Ok(_) => {}
                // Another process created it a moment ago: open theirs.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(err(&e)),
            }
        }
        let opts = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .map_err(|e| err(&e))?
            .create_if_missing(false)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(std::time::Duration::from_secs(5));
        // Switching a new file to WAL needs a lock SQLite does not wait for (the busy handler
        // is not asked): two processes opening a new state file at once retry for as long
        // as the busy timeout would have waited.
        let mut tries = 0;
        let pool = loop {
            match SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(opts.clone())
                .await
            {
                Ok(pool) => break pool,
                Err(e) if crate::shared::busy(&e) && tries < crate::shared::MIGRATION_TRIES => {
                    tries += 1;
                    tokio::time::sleep(crate::shared::MIGRATION_PAUSE).await;
                }
                Err(e) => return Err(err(&e)),
            }
        };
        let store = SqliteStore {
            pool,
            actor: crate::audit::default_actor(),
        };
        store.adopt_legacy().await?;
        store.migrate_with(&MIGRATOR).await?;
        Ok(store)
    }

    /// A file made before skydd used `sqlx::migrate!` records its version in
    /// `schema_version` (1–3). Its migrations are recorded as applied, with the checksums of
    /// the same files embedded now, so sqlx goes on from there and the data stays as it is.
    /// Under `BEGIN IMMEDIATE`: a second process waits, then finds it done.
    async fn adopt_legacy(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
        let result = Self::adopt_locked(&mut conn).await;
        let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
        sqlx::query(end).execute(&mut *conn).await?;
        result
    }

    async fn adopt_locked(conn: &mut sqlx::SqliteConnection) -> Result<(), StoreError> {
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('schema_version', '_sqlx_migrations')",
        )
        .fetch_all(&mut *conn)
        .await?;
        if tables.iter().any(|t| t == "_sqlx_migrations") || tables.is_empty() {
            return Ok(());
        }
        let version: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_version")
                .fetch_one(&mut *conn)
                .await?;
        if version > LEGACY_VERSIONS {
            return Err(StoreError::Newer {
                found: version,
                known: LEGACY_VERSIONS,
            });
        }
        // The table as sqlx makes it (sqlx-sqlite's `ensure_migrations_table`).
        sqlx::query(
            "CREATE TABLE _sqlx_migrations (
                version BIGINT PRIMARY KEY,
                description TEXT NOT NULL,
                installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
                success BOOLEAN NOT NULL,
                checksum BLOB NOT NULL,
                execution_time BIGINT NOT NULL
            )",
        )
        .execute(&mut *conn)
        .await?;
        for m in MIGRATOR.iter().filter(|m| m.version <= version) {
            sqlx::query(
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
                 VALUES ($1, $2, TRUE, $3, -1)",
            )
            .bind(m.version)
            .bind(&*m.description)
            .bind(&*m.checksum)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }
}

impl SqliteStore {
    /// The outbox claim's locking clause. One writer at a time: the claim's single statement runs under the write lock.
    pub(crate) const SKIP_LOCKED: &str = "";

    /// A transaction that writes: `BEGIN IMMEDIATE` takes the write lock before anything is
    /// read (waiting up to the busy timeout), so what it reads, the audit log's head
    /// among it, stays current until it commits, and no later write fails on a snapshot
    /// another writer outdated.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }

    /// The write lock, taken by [`SqliteStore::begin_write`], already keeps the head.
    pub(crate) async fn lock_audit_head(_: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error> {
        Ok(())
    }
}

crate::shared::state_store!(SqliteStore);
