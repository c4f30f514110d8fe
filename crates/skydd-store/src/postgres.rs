//! skydd's state in PostgreSQL: several skydd instances share one. sqlx's migrator holds
//! an advisory lock while it migrates, so instances starting at once migrate once.

use sqlx::PgPool;
use sqlx::migrate::Migrator;
use sqlx::postgres::PgPoolOptions;

use crate::StoreError;

/// The PostgreSQL migrations, embedded at compile time.
pub(crate) static MIGRATOR: Migrator = sqlx::migrate!("migrations/postgres");

/// skydd's state in a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PgStore {
    pub(crate) pool: PgPool,
    /// Who the audit log records as doing what this handle does.
    pub(crate) actor: std::sync::Arc<str>,
}

impl PgStore {
    /// Connects to the database at `url` and migrates it. Errors name the URL's scheme
    /// only: a URL may hold a password.
    pub async fn connect(url: &str) -> Result<PgStore, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .connect(url)
            .await
            .map_err(|e| StoreError::Open {
                path: "postgres://…".into(),
                reason: connect_failure(&e),
            })?;
        let store = PgStore {
            pool,
            actor: crate::audit::default_actor(),
        };
        store.migrate_with(&MIGRATOR).await?;
        Ok(store)
    }
}

/// Why a connection failed, told from the error's kind, never from a text that may quote
/// the URL.
fn connect_failure(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Configuration(_) => "the URL is malformed".into(),
        sqlx::Error::Database(d) => format!(
            "the server answered: {} (SQLSTATE {})",
            d.message(),
            d.code().as_deref().unwrap_or("?")
        ),
        sqlx::Error::Io(io) => format!("cannot reach the server: {}", io.kind()),
        sqlx::Error::Tls(_) => "the TLS handshake failed".into(),
        sqlx::Error::PoolTimedOut => "timed out waiting for a connection".into(),
        _ => "the connection failed".into(),
    }
}

impl PgStore {
    /// The outbox claim's locking clause. Instances claiming notices at once skip each other's rows instead of waiting on them.
    pub(crate) const SKIP_LOCKED: &str = " FOR UPDATE SKIP LOCKED";

    /// A transaction that writes (READ COMMITTED: each statement reads what is committed).
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.pool.begin().await
    }

    /// Holds the audit log's head until the transaction ends: a second appender waits
    /// here, then reads the head the first committed.
    pub(crate) async fn lock_audit_head(conn: &mut sqlx::PgConnection) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(crate::audit::HEAD_LOCK)
            .execute(conn)
            .await?;
        Ok(())
    }
}

crate::shared::state_store!(PgStore);
