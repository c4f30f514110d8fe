//! Test databases: a temporary SQLite file always; PostgreSQL and MariaDB/MySQL when
//! `SKYDD_TEST_POSTGRES_URL` / `SKYDD_TEST_MYSQL_URL` name a server. Each test gets its own
//! database, dropped when the test ends, so tests run in parallel. Without the variable a
//! server test is skipped; `.ci/run` sets both, so in CI a missing server fails the test.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicU32, Ordering};

use skydd_connect::Db;
use skydd_core::register::DbKind;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A unique database name for this test.
pub fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A database for one test.
pub struct TestDb {
    pub db: Db,
    pub kind: DbKind,
    pub url: String,
    cleanup: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// Every backend available here: SQLite, and the servers whose URLs are set.
    pub async fn all() -> Vec<TestDb> {
        let mut out = vec![TestDb::sqlite().await];
        if let Some(pg) = TestDb::postgres().await {
            out.push(pg);
        }
        if let Some(my) = TestDb::mysql().await {
            out.push(my);
        }
        out
    }

    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("test.sqlite").display());
        let db = Db::connect("test", DbKind::Sqlite, &url, None, true)
            .await
            .unwrap();
        TestDb {
            db,
            kind: DbKind::Sqlite,
            url,
            cleanup: None,
            _dir: Some(dir),
        }
    }

    pub async fn postgres() -> Option<TestDb> {
        let admin_url = std::env::var("SKYDD_TEST_POSTGRES_URL").ok()?;
        let name = unique("skydd_t");
        let admin = Db::connect("admin", DbKind::Postgres, &admin_url, None, false)
            .await
            .expect("SKYDD_TEST_POSTGRES_URL is set but PostgreSQL cannot be reached");
        admin
            .execute(&format!("CREATE DATABASE \"{name}\""))
            .await
            .unwrap();
        admin.close().await;
        let url = with_database(&admin_url, &name);
        let db = Db::connect("test", DbKind::Postgres, &url, None, false)
            .await
            .unwrap();
        Some(TestDb {
            db,
            kind: DbKind::Postgres,
            url,
            cleanup: Some((admin_url, name)),
            _dir: None,
        })
    }

    pub async fn mysql() -> Option<TestDb> {
        let admin_url = std::env::var("SKYDD_TEST_MYSQL_URL").ok()?;
        let name = unique("skydd_t");
        let admin = Db::connect("admin", DbKind::Mysql, &admin_url, None, false)
            .await
            .expect("SKYDD_TEST_MYSQL_URL is set but MariaDB/MySQL cannot be reached");
        admin
            .execute(&format!("CREATE DATABASE `{name}`"))
            .await
            .unwrap();
        admin.close().await;
        let url = with_database(&admin_url, &name);
        let db = Db::connect("test", DbKind::Mysql, &url, None, false)
            .await
            .unwrap();
        Some(TestDb {
            db,
            kind: DbKind::Mysql,
            url,
            cleanup: Some((admin_url, name)),
            _dir: None,
        })
    }

    /// Runs DDL/DML written for PostgreSQL/SQLite, adapted for MySQL (DATETIME for
    /// TIMESTAMP).
    pub async fn run(&self, sql: &str) {
        let sql = match self.kind {
            DbKind::Mysql => sql.replace("TIMESTAMP", "DATETIME").replace('"', "`"),
            _ => sql.to_owned(),
        };
        for stmt in sql.split(";\n").map(str::trim).filter(|s| !s.is_empty()) {
            self.db
                .execute(stmt)
                .await
                .unwrap_or_else(|e| panic!("{stmt}: {e}"));
        }
    }

    /// Drops the test database.
    pub async fn drop_db(self) {
        self.db.close().await;
        if let Some((admin_url, name)) = self.cleanup {
            let admin = Db::connect("admin", self.kind, &admin_url, None, false)
                .await
                .unwrap();
            let sql = match self.kind {
                DbKind::Postgres => format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
                _ => format!("DROP DATABASE IF EXISTS `{name}`"),
            };
            admin.execute(&sql).await.unwrap();
            admin.close().await;
        }
    }
}

/// The URL with its database (path) replaced.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    format!("{}/{name}{query}", &base[..path_start])
}
