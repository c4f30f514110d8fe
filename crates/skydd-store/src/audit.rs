//! The audit log in the store: who changed what in skydd's state, as a hash chain
//! ([`skydd_core::auditlog`]). Every state-changing method appends its entries in its own
//! transaction, after its changes, so an entry exists exactly when its change does.
//!
//! Two writers never fork the chain: on SQLite every such transaction starts with
//! `BEGIN IMMEDIATE` (the write lock, taken before anything is read), on PostgreSQL the
//! append takes a transaction-scoped advisory lock before it reads the head, and holds it
//! until commit. The append is the last thing a transaction does, so the lock is held only
//! for the insert and the commit, and no transaction waits on it while holding row locks
//! another holder needs.
//!
//! Entries hold ids, counts, kinds, purposes and dates, never a person's identities, the
//! values changed or free text a person may have typed (reasons, notes): Art. 5(1)(c). The
//! records an entry names hold whom it concerned.
//!
//! Not audited: leases and a retention run's progress (coordination of work in progress:
//! the run's start and end are audited), and a token's last use (every API call would be an
//! entry).

use std::sync::{Arc, OnceLock};

/// The actor of a store opened before anyone said who uses it: a server's jobs. The CLI
/// says `cli:<OS user>` once at start ([`set_default_actor`]); a server names each
/// request's user or token with [`crate::Store::with_actor`].
pub const SYSTEM: &str = "system";

static DEFAULT_ACTOR: OnceLock<Arc<str>> = OnceLock::new();

/// Sets the actor of every store this process opens from now on (the first call wins):
/// the binary says who runs it, once, before it opens anything.
pub fn set_default_actor(actor: &str) {
    let _ = DEFAULT_ACTOR.set(Arc::from(actor));
}

/// The actor a newly opened store records: [`set_default_actor`]'s, or [`SYSTEM`].
pub(crate) fn default_actor() -> Arc<str> {
    DEFAULT_ACTOR
        .get()
        .cloned()
        .unwrap_or_else(|| Arc::from(SYSTEM))
}

/// The actor for someone at the command line: `cli:<OS user>` (the account the process
/// runs as, not an environment variable anyone can set).
pub fn cli_actor() -> String {
    let user = whoami::username()
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "unknown".into());
    format!("cli:{}", user.trim())
}

tokio::task_local! {
    static ACTING: Arc<str>;
}

/// Runs `fut` with every audit entry it appends attributed to `actor`: a server runs each
/// request's handler in the scope of the user or token that made it, so the services need
/// not carry who acts. Outside such a scope the store's own actor is recorded.
pub async fn acting_as<F: std::future::Future>(actor: &str, fut: F) -> F::Output {
    ACTING.scope(Arc::from(actor), fut).await
}

/// The actor an entry appended now records: the request's ([`acting_as`]), else `own`.
pub(crate) fn actor_now(own: &Arc<str>) -> String {
    ACTING
        .try_with(|a| a.to_string())
        .unwrap_or_else(|_| own.to_string())
}

/// The PostgreSQL advisory lock key of the audit log's head ("skydd_al").
pub(crate) const HEAD_LOCK: i64 = 0x736b_7964_645f_616c;

/// Appends an entry on `$conn` (the caller's transaction, after its changes) as
/// `$store`'s actor: the head is locked (see the module), read, and followed.
macro_rules! append {
    ($store:expr, $conn:expr, $action:expr, $object:expr, $detail:expr) => {{
        Self::lock_audit_head($conn).await?;
        let head: Option<(i64, String)> =
            sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                .fetch_optional($conn)
                .await?;
        let (seq, prev) = head.map_or_else(
            || (1, skydd_core::auditlog::GENESIS.to_owned()),
            |(seq, hash)| (seq + 1, hash),
        );
        let entry = skydd_core::auditlog::Entry::new(
            &prev,
            seq,
            $crate::now(),
            $crate::audit::actor_now(&$store.actor),
            String::from($action),
            String::from($object),
            $detail,
        );
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, action, object, detail, prev, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(entry.seq)
        .bind(&entry.at)
        .bind(&entry.actor)
        .bind(&entry.action)
        .bind(&entry.object)
        .bind(entry.detail.to_string())
        .bind(&entry.prev)
        .bind(&entry.hash)
        .execute($conn)
        .await?;
    }};
}
pub(crate) use append;

/// The audit log's reading methods of [`crate::StateStore`], for a store whose `pool` is a
/// sqlx pool.
macro_rules! reading_methods {
    () => {
        async fn audit_entries(
            &self,
            after_seq: i64,
            limit: u32,
        ) -> Result<Vec<skydd_core::auditlog::Entry>, $crate::StoreError> {
            Ok(
                sqlx::query_as::<_, $crate::records::AuditRow>(sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
                    $crate::records::AUDIT_COLUMNS
                )))
                .bind(after_seq)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .map(Into::into)
                .collect(),
            )
        }

        async fn audit_head(
            &self,
        ) -> Result<Option<skydd_core::auditlog::Entry>, $crate::StoreError> {
            Ok(
                sqlx::query_as::<_, $crate::records::AuditRow>(sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM audit_log ORDER BY seq DESC LIMIT 1",
                    $crate::records::AUDIT_COLUMNS
                )))
                .fetch_optional(&self.pool)
                .await?
                .map(Into::into),
            )
        }
    };
}
pub(crate) use reading_methods;
