//! skydd's own records, in an embedded SQLite file (`skydd-state.sqlite` beside the
//! register by default): what people asked for (restrictions, objections, withdrawn
//! consent), the fields an erasure had to keep and when they may go, the fields already
//! erased, the requests handled, and the retention runs.
//!
//! **Architecture invariant:** only this crate touches skydd's tables, and skydd's tables
//! live only here, never in the company's databases.
#![deny(missing_docs)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::str::FromStr;

use skydd_core::rights::{Kind, Restriction};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{Row, SqlitePool};

/// What went wrong with skydd's own records.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file could not be opened or created.
    #[error("cannot open skydd's state at `{path}`: {reason}")]
    Open {
        /// Where.
        path: String,
        /// Why.
        reason: String,
    },
    /// A statement failed.
    #[error("skydd's state: {0}")]
    Query(#[from] sqlx::Error),
    /// A record does not read as skydd wrote it (the file was edited or damaged); nothing
    /// is guessed in its place.
    #[error("skydd's state holds {0}; restore the file from a backup or correct the record")]
    Corrupt(String),
    /// There is no state file where one was expected.
    #[error(
        "no skydd state at `{path}`: skydd keeps restrictions, objections, withdrawn consent, legal holds and the request log there, and without it would answer as if nobody had asked for anything. If this is the first use, create it with `skydd state init`; otherwise restore the file or set `state` in the register"
    )]
    Missing {
        /// Where.
        path: String,
    },
    /// The file was written by a newer skydd.
    #[error(
        "skydd's state is at schema version {found}, newer than this skydd knows ({known}); upgrade skydd"
    )]
    Newer {
        /// Found.
        found: i64,
        /// Known.
        known: i64,
    },
}

/// Migrations, in order; each runs once, in a transaction.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/001_initial.sql"),
    include_str!("../migrations/002_request_status.sql"),
    include_str!("../migrations/003_one_active_restriction.sql"),
];

/// A field kept by a legal obligation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    /// The person.
    pub subject: String,
    /// `dataset.collection`.
    pub collection: String,
    /// The row's key (`id=11`).
    pub row_key: String,
    /// The field.
    pub field: String,
    /// The purpose keeping it.
    pub purpose: String,
    /// The statute.
    pub statute: Option<String>,
    /// The last day it must be kept.
    pub until: Option<String>,
}

/// A data-subject request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// Identifier.
    pub id: String,
    /// access, portability, erasure, rectification, restriction, objection.
    pub kind: String,
    /// The person.
    pub subject: String,
    /// Received (date).
    pub received: String,
    /// Answer due (date, Art. 12(3)).
    pub due: String,
    /// Completed (date-time).
    pub completed: Option<String>,
    /// What was done (JSON).
    pub summary: String,
    /// `done`, or `failed` (the summary says why).
    pub status: String,
}

/// The state file.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
}

fn now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

impl Store {
    /// Opens and migrates the state file. A missing file is an error unless `create` is
    /// set; then it is created readable by its owner only (it holds e-mail addresses and
    /// personnummer), and SQLite gives its journal files the same mode.
    pub async fn open(path: &Path, create: bool) -> Result<Store, StoreError> {
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
            file.open(path).map_err(|e| err(&e))?;
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
                Err(sqlx::Error::Database(d)) if d.code().as_deref() == Some("5") && tries < 50 => {
                    tries += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(e) => return Err(err(&e)),
            }
        };
        let store = Store { pool };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        // One writer migrates: `BEGIN IMMEDIATE` takes SQLite's write lock before the version
        // is read, so a second process opening a new state file at the same moment waits
        // (busy timeout) and then finds the work done, instead of creating the tables again.
        let mut conn = self.pool.acquire().await?;
        sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
        let result = Self::migrate_locked(&mut conn).await;
        let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
        sqlx::query(end).execute(&mut *conn).await?;
        result
    }

    async fn migrate_locked(conn: &mut sqlx::SqliteConnection) -> Result<(), StoreError> {
        sqlx::query("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            .execute(&mut *conn)
            .await?;
        let version: i64 = sqlx::query("SELECT COALESCE(MAX(version), 0) FROM schema_version")
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(StoreError::Newer {
                found: version,
                known,
            });
        }
        for (i, sql) in MIGRATIONS
            .iter()
            .enumerate()
            .skip(usize::try_from(version).unwrap_or(0))
        {
            sqlx::raw_sql(sqlx::AssertSqlSafe(*sql))
                .execute(&mut *conn)
                .await?;
            sqlx::query("INSERT INTO schema_version (version) VALUES (?)")
                .bind(i as i64 + 1)
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }

    /// Records what a person asked for. Returns its id; an identical active record is not
    /// duplicated.
    pub async fn restrict(
        &self,
        subject: &str,
        kind: Kind,
        purpose: Option<&str>,
        allowed: &[String],
        reason: Option<&str>,
    ) -> Result<i64, StoreError> {
        let allowed = serde_json::to_string(allowed).unwrap_or_else(|_| "[]".into());
        // The unique index `restriction_one_active` decides, not a check before the insert:
        // two processes restricting the same person at once make one record.
        let inserted = sqlx::query(
            "INSERT INTO restriction (subject, kind, purpose, allowed, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT DO NOTHING
             RETURNING id",
        )
        .bind(subject)
        .bind(kind.key())
        .bind(purpose)
        .bind(&allowed)
        .bind(reason)
        .bind(now())
        .fetch_optional(&self.pool)
        .await?;
        if let Some(row) = inserted {
            return Ok(row.try_get(0)?);
        }
        let row = sqlx::query(
            "SELECT id FROM restriction WHERE subject = ? AND kind = ? AND COALESCE(purpose, '') = COALESCE(?, '') AND allowed = ? AND lifted_at IS NULL",
        )
        .bind(subject)
        .bind(kind.key())
        .bind(purpose)
        .bind(&allowed)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get(0)?)
    }

    /// Lifts active records of `kind` for `purpose` (all purposes when `None`); returns how
    /// many.
    pub async fn lift(
        &self,
        subject: &str,
        kind: Kind,
        purpose: Option<&str>,
    ) -> Result<u64, StoreError> {
        let r = sqlx::query(
            "UPDATE restriction SET lifted_at = ? WHERE subject = ? AND kind = ? AND lifted_at IS NULL AND (? IS NULL OR purpose = ?)",
        )
        .bind(now())
        .bind(subject)
        .bind(kind.key())
        .bind(purpose)
        .bind(purpose)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected())
    }

    fn restriction(row: &sqlx::sqlite::SqliteRow) -> Result<Restriction, StoreError> {
        let kind: String = row.try_get("kind")?;
        let allowed: String = row.try_get("allowed")?;
        let corrupt = |what: String| StoreError::Corrupt(what);
        Ok(Restriction {
            subject: row.try_get("subject")?,
            kind: Kind::from_key(&kind)
                .ok_or_else(|| corrupt(format!("a restriction of unknown kind `{kind}`")))?,
            purpose: row.try_get("purpose")?,
            allowed: serde_json::from_str(&allowed).map_err(|e| {
                corrupt(format!("a restriction's allowed purposes `{allowed}`: {e}"))
            })?,
            since: row.try_get("created_at")?,
        })
    }

    /// The active records of one person.
    pub async fn active(&self, subject: &str) -> Result<Vec<Restriction>, StoreError> {
        let rows = sqlx::query(
            "SELECT subject, kind, purpose, allowed, created_at FROM restriction WHERE subject = ? AND lifted_at IS NULL ORDER BY id",
        )
        .bind(subject)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(Self::restriction).collect()
    }

    /// Every active record, by person (for checking many people at once).
    pub async fn all_active(&self) -> Result<BTreeMap<String, Vec<Restriction>>, StoreError> {
        let rows = sqlx::query("SELECT subject, kind, purpose, allowed, created_at FROM restriction WHERE lifted_at IS NULL ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        let mut out: BTreeMap<String, Vec<Restriction>> = BTreeMap::new();
        for r in &rows {
            let r = Self::restriction(r)?;
            out.entry(r.subject.clone()).or_default().push(r);
        }
        Ok(out)
    }

    /// Records the fields an erasure kept.
    pub async fn record_holds(&self, holds: &[Hold]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let at = now();
        for h in holds {
            sqlx::query(
                "INSERT INTO hold (subject, collection, row_key, field, purpose, statute, until, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT (collection, row_key, field) DO UPDATE SET until = excluded.until, purpose = excluded.purpose, statute = excluded.statute, released_at = NULL",
            )
            .bind(&h.subject)
            .bind(&h.collection)
            .bind(&h.row_key)
            .bind(&h.field)
            .bind(&h.purpose)
            .bind(&h.statute)
            .bind(&h.until)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Holds not yet released, earliest expiry first.
    pub async fn holds(&self) -> Result<Vec<Hold>, StoreError> {
        let rows = sqlx::query(
            "SELECT subject, collection, row_key, field, purpose, statute, until FROM hold WHERE released_at IS NULL ORDER BY until, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Hold {
                    subject: r.try_get(0)?,
                    collection: r.try_get(1)?,
                    row_key: r.try_get(2)?,
                    field: r.try_get(3)?,
                    purpose: r.try_get(4)?,
                    statute: r.try_get(5)?,
                    until: r.try_get(6)?,
                })
            })
            .collect()
    }

    /// Marks holds released on or before `today` (their data went with the retention sweep).
    pub async fn release_holds(&self, today: &str) -> Result<u64, StoreError> {
        let r = sqlx::query("UPDATE hold SET released_at = ? WHERE released_at IS NULL AND until IS NOT NULL AND until < ?")
            .bind(now())
            .bind(today)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected())
    }

    /// The (collection, row key, field) already erased.
    pub async fn erased(&self) -> Result<BTreeSet<(String, String, String)>, StoreError> {
        let rows = sqlx::query("SELECT collection, row_key, field FROM erased")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect()
    }

    /// Records fields as erased by `request`.
    pub async fn mark_erased(
        &self,
        request: &str,
        fields: &[(String, String, String)],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let at = now();
        for (c, k, f) in fields {
            sqlx::query("INSERT OR IGNORE INTO erased (collection, row_key, field, request, at) VALUES (?, ?, ?, ?, ?)")
                .bind(c)
                .bind(k)
                .bind(f)
                .bind(request)
                .bind(&at)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Logs a request.
    pub async fn record_request(&self, r: &RequestRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO request (id, kind, subject, received, due, completed, summary, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET completed = excluded.completed, summary = excluded.summary, status = excluded.status",
        )
        .bind(&r.id)
        .bind(&r.kind)
        .bind(&r.subject)
        .bind(&r.received)
        .bind(&r.due)
        .bind(&r.completed)
        .bind(&r.summary)
        .bind(&r.status)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The requests logged, newest first.
    pub async fn requests(&self) -> Result<Vec<RequestRecord>, StoreError> {
        let rows = sqlx::query("SELECT id, kind, subject, received, due, completed, summary, status FROM request ORDER BY received DESC, id DESC")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(Self::request).collect()
    }

    /// The requests of the people named by `subjects` (their subject keys), newest first.
    pub async fn requests_of(&self, subjects: &[String]) -> Result<Vec<RequestRecord>, StoreError> {
        Ok(self
            .requests()
            .await?
            .into_iter()
            .filter(|r| {
                r.subject
                    .split(' ')
                    .any(|s| subjects.iter().any(|x| x == s))
            })
            .collect())
    }

    fn request(r: &sqlx::sqlite::SqliteRow) -> Result<RequestRecord, StoreError> {
        Ok(RequestRecord {
            id: r.try_get(0)?,
            kind: r.try_get(1)?,
            subject: r.try_get(2)?,
            received: r.try_get(3)?,
            due: r.try_get(4)?,
            completed: r.try_get(5)?,
            summary: r.try_get(6)?,
            status: r.try_get(7)?,
        })
    }

    /// The holds not yet released of the people named by `subjects`.
    pub async fn holds_of(&self, subjects: &[String]) -> Result<Vec<Hold>, StoreError> {
        Ok(self
            .holds()
            .await?
            .into_iter()
            .filter(|h| subjects.contains(&h.subject))
            .collect())
    }

    /// Starts a retention run; an earlier run still marked `running` was killed and is
    /// marked `interrupted` (the new run picks up where it stopped).
    pub async fn start_run(&self) -> Result<(i64, u64), StoreError> {
        let interrupted = sqlx::query("UPDATE retention_run SET status = 'interrupted', finished_at = ? WHERE status = 'running'")
            .bind(now())
            .execute(&self.pool)
            .await?
            .rows_affected();
        let row = sqlx::query(
            "INSERT INTO retention_run (started_at, status) VALUES (?, 'running') RETURNING id",
        )
        .bind(now())
        .fetch_one(&self.pool)
        .await?;
        Ok((row.try_get(0)?, interrupted))
    }

    /// Records progress of a run.
    pub async fn progress_run(&self, id: i64, rows: u64, detail: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE retention_run SET rows = ?, detail = ? WHERE id = ?")
            .bind(i64::try_from(rows).unwrap_or(i64::MAX))
            .bind(detail)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Finishes a run.
    pub async fn finish_run(
        &self,
        id: i64,
        status: &str,
        rows: u64,
        detail: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE retention_run SET status = ?, finished_at = ?, rows = ?, detail = ? WHERE id = ?")
            .bind(status)
            .bind(now())
            .bind(i64::try_from(rows).unwrap_or(i64::MAX))
            .bind(detail)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Closes the file.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("state.sqlite"), true)
            .await
            .unwrap();
        (dir, s)
    }

    #[tokio::test]
    async fn restrictions_are_recorded_once_listed_and_lifted() {
        let (_d, s) = store().await;
        let a = s
            .restrict(
                "email:a@x.se",
                Kind::Objection,
                Some("newsletter"),
                &[],
                Some("mejl"),
            )
            .await
            .unwrap();
        let b = s
            .restrict(
                "email:a@x.se",
                Kind::Objection,
                Some("newsletter"),
                &[],
                None,
            )
            .await
            .unwrap();
        assert_eq!(a, b, "an identical active record is not duplicated");
        s.restrict(
            "email:a@x.se",
            Kind::ErasureHold,
            None,
            &["bookkeeping".into()],
            None,
        )
        .await
        .unwrap();
        let active = s.active("email:a@x.se").await.unwrap();
        assert_eq!(active.len(), 2);
        assert_eq!(active[1].allowed, ["bookkeeping"]);
        assert!(!skydd_core::rights::may(&active, "newsletter").allowed);
        assert_eq!(
            s.lift("email:a@x.se", Kind::Objection, Some("newsletter"))
                .await
                .unwrap(),
            1
        );
        assert_eq!(s.active("email:a@x.se").await.unwrap().len(), 1);
        assert_eq!(s.all_active().await.unwrap().len(), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn stores_opening_a_new_state_file_at_once_migrate_it_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite");
        // The file exists, empty, as `Store::open` leaves it before migrating.
        Store::open(&path, true).await.unwrap();
        std::fs::remove_file(&path).unwrap();
        let _ = std::fs::remove_file(dir.path().join("state.sqlite-wal"));
        let _ = std::fs::remove_file(dir.path().join("state.sqlite-shm"));
        std::fs::File::create(&path).unwrap();
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let path = path.clone();
                tokio::spawn(async move { Store::open(&path, false).await.map(|_| ()) })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let s = Store::open(&path, false).await.unwrap();
        let versions: i64 = sqlx::query("SELECT COUNT(*) FROM schema_version")
            .fetch_one(&s.pool)
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        assert_eq!(versions, MIGRATIONS.len() as i64);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn restricting_one_person_at_once_from_two_stores_makes_one_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite");
        let a = Store::open(&path, true).await.unwrap();
        let b = Store::open(&path, false).await.unwrap();
        let mut tasks = Vec::new();
        for i in 0..60 {
            let s = if i % 2 == 0 { a.clone() } else { b.clone() };
            tasks.push(tokio::spawn(async move {
                s.restrict(
                    "email:a@x.se",
                    Kind::Objection,
                    Some("newsletter"),
                    &[],
                    None,
                )
                .await
            }));
        }
        let mut ids = std::collections::BTreeSet::new();
        for t in tasks {
            ids.insert(t.await.unwrap().unwrap());
        }
        assert_eq!(ids.len(), 1, "{ids:?}");
        assert_eq!(a.active("email:a@x.se").await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn a_state_with_duplicate_active_restrictions_keeps_the_first_and_allows_one_more() {
        // A state file of version 2, where two processes had restricted one person twice.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite");
        {
            let opts = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
                .unwrap()
                .create_if_missing(true);
            let pool = SqlitePool::connect_with(opts).await.unwrap();
            sqlx::query("CREATE TABLE schema_version (version INTEGER NOT NULL)")
                .execute(&pool)
                .await
                .unwrap();
            for (i, sql) in MIGRATIONS[..2].iter().enumerate() {
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
            for at in ["2026-01-01T10:00:00Z", "2026-01-01T10:00:00Z"] {
                sqlx::query("INSERT INTO restriction (subject, kind, purpose, allowed, created_at) VALUES ('email:a@x.se', 'objection', 'newsletter', '[]', ?)")
                    .bind(at)
                    .execute(&pool)
                    .await
                    .unwrap();
            }
            pool.close().await;
        }
        let s = Store::open(&path, false).await.unwrap();
        let active = s.active("email:a@x.se").await.unwrap();
        assert_eq!(active.len(), 1, "{active:?}");
        // Restricting again finds the one in force.
        s.restrict(
            "email:a@x.se",
            Kind::Objection,
            Some("newsletter"),
            &[],
            None,
        )
        .await
        .unwrap();
        assert_eq!(s.active("email:a@x.se").await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn a_missing_state_file_is_created_only_when_asked_and_only_for_its_owner() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite");
        assert!(matches!(
            Store::open(&path, false).await,
            Err(StoreError::Missing { .. })
        ));
        assert!(!path.exists(), "refusing creates nothing");
        let s = Store::open(&path, true).await.unwrap();
        s.restrict("email:a@x.se", Kind::Restriction, None, &[], None)
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
        assert!(Store::open(&path, false).await.is_ok());
    }

    #[tokio::test]
    async fn reopening_keeps_the_records_and_does_not_migrate_twice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite");
        let s = Store::open(&path, true).await.unwrap();
        s.restrict("email:a@x.se", Kind::Restriction, None, &[], None)
            .await
            .unwrap();
        s.close().await;
        let s = Store::open(&path, true).await.unwrap();
        assert_eq!(s.active("email:a@x.se").await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn holds_and_erased_fields_and_runs() {
        let (_d, s) = store().await;
        let h = Hold {
            subject: "email:a@x.se".into(),
            collection: "hosting.invoice".into(),
            row_key: "id=11".into(),
            field: "amount".into(),
            purpose: "bookkeeping".into(),
            statute: Some("Bokföringslagen (1999:1078) 7 kap. 2 §".into()),
            until: Some("2032-12-31".into()),
        };
        s.record_holds(std::slice::from_ref(&h)).await.unwrap();
        s.record_holds(std::slice::from_ref(&h)).await.unwrap();
        assert_eq!(s.holds().await.unwrap(), [h]);
        assert_eq!(
            s.release_holds("2032-12-31").await.unwrap(),
            0,
            "kept through its last day"
        );
        assert_eq!(s.release_holds("2033-01-01").await.unwrap(), 1);
        s.mark_erased(
            "r1",
            &[("hosting.customer".into(), "id=1".into(), "email".into())],
        )
        .await
        .unwrap();
        assert!(s.erased().await.unwrap().contains(&(
            "hosting.customer".into(),
            "id=1".into(),
            "email".into()
        )));
        let (id, interrupted) = s.start_run().await.unwrap();
        assert_eq!(interrupted, 0);
        let (_, interrupted) = s.start_run().await.unwrap();
        assert_eq!(interrupted, 1, "a run left running was killed");
        s.finish_run(id, "done", 10, "{}").await.unwrap();
    }
}
