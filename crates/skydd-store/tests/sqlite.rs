//! What only the SQLite file has: it is created only when asked and only for its owner,
//! processes opening a new one at once migrate it once, and files written by skydd before
//! `sqlx::migrate!` (a `schema_version` table) are adopted with their data.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::str::FromStr;

use skydd_core::rights::Kind;
use skydd_store::{ExecutionOutcome, RequestKind, RequestStatus, StateStore, Store, StoreError};
use sqlx::SqlitePool;
use sqlx::sqlite::SqliteConnectOptions;

/// The migrations as skydd applied them before `sqlx::migrate!`, one `schema_version` row
/// each.
const LEGACY: &[&str] = &[
    include_str!("../migrations/sqlite/001_initial.sql"),
    include_str!("../migrations/sqlite/002_request_status.sql"),
    include_str!("../migrations/sqlite/003_one_active_restriction.sql"),
];

/// A state file as the old code left it at `version`.
async fn legacy_file(path: &Path, version: usize) -> SqlitePool {
    let opts = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
        .unwrap()
        .create_if_missing(true);
    let pool = SqlitePool::connect_with(opts).await.unwrap();
    sqlx::query("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        .execute(&pool)
        .await
        .unwrap();
    for (i, sql) in LEGACY[..version].iter().enumerate() {
        sqlx::raw_sql(sqlx::AssertSqlSafe(*sql))
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO schema_version (version) VALUES (?)")
            .bind(i as i64 + 1)
            .execute(&pool)
            .await
            .unwrap();
    }
    pool
}

async fn count(path: &Path, sql: &str) -> i64 {
    let pool = SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let n = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    n
}

#[tokio::test]
async fn a_missing_state_file_is_created_only_when_asked_and_only_for_its_owner() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite");
    assert!(matches!(
        Store::open(&path, false).await,
        Err(StoreError::Missing { .. })
    ));
    let url = format!("sqlite://{}", path.display());
    assert!(matches!(
        Store::connect(&url, false).await,
        Err(StoreError::Missing { .. })
    ));
    assert!(!path.exists(), "refusing creates nothing");
    let s = Store::connect(&url, true).await.unwrap();
    s.restrict("email:a@x.se", Kind::Restriction, None, &[], None, &[])
        .await
        .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let entry = entry.unwrap();
            let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", entry.path().display());
        }
    }
    s.close().await;
    let s = Store::open(&path, false).await.unwrap();
    assert_eq!(s.active("email:a@x.se").await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stores_opening_a_new_state_file_at_once_migrate_it_once() {
    for _ in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite");
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let path = path.clone();
                tokio::spawn(async move { Store::open(&path, true).await.map(|_| ()) })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let applied = count(&path, "SELECT COUNT(*) FROM _sqlx_migrations").await;
        let files =
            std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite"))
                .unwrap()
                .count();
        assert_eq!(applied, files as i64);
        assert_eq!(count(&path, "SELECT COUNT(*) FROM schema_version").await, 1);
    }
}

#[tokio::test]
async fn a_state_file_of_the_old_migrations_is_adopted_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite");
    let pool = legacy_file(&path, 3).await;
    sqlx::raw_sql(
        "INSERT INTO restriction (subject, kind, purpose, allowed, created_at) VALUES ('email:a@x.se', 'objection', 'newsletter', '[]', '2026-01-01T10:00:00Z');
         INSERT INTO hold (subject, collection, row_key, field, purpose, until, created_at) VALUES ('email:a@x.se', 'shop.invoice', 'id=1', 'amount', 'bookkeeping', '2032-12-31', '2026-01-01T10:00:00Z');
         INSERT INTO request (id, kind, subject, received, due, completed, summary, status) VALUES ('access-1', 'access', 'email:a@x.se', '2026-01-01', '2026-02-02', '2026-01-01T10:00:00Z', '{\"rows\":2}', 'done');
         INSERT INTO request (id, kind, subject, received, due, completed, summary, status) VALUES ('erasure-1', 'erasure', 'email:b@x.se', '2026-01-02', '2026-02-02', NULL, '{\"blockers\":[\"x\"]}', 'failed');
         INSERT INTO request (id, kind, subject, received, due, completed, summary, status) VALUES ('export-1', 'export', 'email:a@x.se', '2025-12-30', '2026-01-30', '2025-12-30T10:00:00Z', '{}', 'done')",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let s = Store::open(&path, false).await.unwrap();
    assert_eq!(s.active("email:a@x.se").await.unwrap().len(), 1);
    assert_eq!(s.holds().await.unwrap().len(), 1);
    // The log reads as before.
    let log: Vec<(String, String, String)> = s
        .requests()
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.id, r.kind, r.status))
        .collect();
    let row =
        |id: &str, kind: &str, status: &str| (id.to_owned(), kind.to_owned(), status.to_owned());
    assert_eq!(
        log,
        [
            row("erasure-1", "erasure", "failed"),
            row("access-1", "access", "done"),
            row("export-1", "export", "done"),
        ]
    );
    // In the workflow, done is answered and failed is still in progress, each with its run.
    let done = s.request("access-1").await.unwrap().unwrap();
    assert_eq!(done.status, RequestStatus::Answered);
    assert_eq!(
        (
            done.executions[0].outcome,
            done.executions[0].report.as_str()
        ),
        (Some(ExecutionOutcome::Done), r#"{"rows":2}"#)
    );
    let failed = s.request("erasure-1").await.unwrap().unwrap();
    assert_eq!(failed.status, RequestStatus::InProgress);
    assert_eq!(failed.executions[0].outcome, Some(ExecutionOutcome::Failed));
    assert_eq!(
        s.request("export-1").await.unwrap().unwrap().kind,
        RequestKind::Portability
    );
    assert_eq!(s.open_requests().await.unwrap().len(), 1);
    s.close().await;
    // The old migrations are recorded, not run again (001 would fail on its tables).
    let s = Store::open(&path, false).await.unwrap();
    assert_eq!(s.active("email:a@x.se").await.unwrap().len(), 1);
    assert_eq!(
        count(&path, "SELECT MAX(version) FROM schema_version").await,
        4,
        "a skydd from before sqlx::migrate! finds the file newer than it knows"
    );
}

#[tokio::test]
async fn a_state_with_duplicate_active_restrictions_keeps_the_first_and_allows_one_more() {
    // A state file of version 2, where two processes had restricted one person twice.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite");
    let pool = legacy_file(&path, 2).await;
    for _ in 0..2 {
        sqlx::query("INSERT INTO restriction (subject, kind, purpose, allowed, created_at) VALUES ('email:a@x.se', 'objection', 'newsletter', '[]', '2026-01-01T10:00:00Z')")
            .execute(&pool)
            .await
            .unwrap();
    }
    pool.close().await;
    let s = Store::open(&path, false).await.unwrap();
    let active = s.active("email:a@x.se").await.unwrap();
    assert_eq!(active.len(), 1, "{active:?}");
    s.restrict(
        "email:a@x.se",
        Kind::Objection,
        Some("newsletter"),
        &[],
        None,
        &[],
    )
    .await
    .unwrap();
    assert_eq!(s.active("email:a@x.se").await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_state_file_from_an_unknown_old_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite");
    let pool = legacy_file(&path, 3).await;
    sqlx::query("INSERT INTO schema_version (version) VALUES (7)")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    assert!(matches!(
        Store::open(&path, false).await,
        Err(StoreError::Newer { found: 7, .. })
    ));
}
