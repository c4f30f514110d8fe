//! What the binary's tests share: running `skydd`, and a fresh database per test on the
//! servers `.ci/run` starts (`SKYDD_TEST_POSTGRES_URL`, `SKYDD_TEST_MYSQL_URL`). Without a
//! URL a server test is skipped, except under `CI`, where it fails: a missing server must
//! never pass as a green run.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use skydd_connect::Db;
use skydd_core::register::DbKind;

/// What a run of the binary gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Standard output as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.stdout, self.stderr))
    }
}

/// Runs `skydd args` in `dir` with `env` set (no colour, no register from the environment).
pub fn skydd(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_skydd"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("SKYDD_REGISTER");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

/// A database of its own for one test on a server.
pub struct ServerDb {
    pub kind: DbKind,
    /// The URL of the test's database.
    pub url: String,
    admin_url: String,
    name: String,
}

impl ServerDb {
    /// Creates a database named after `prefix` on the server of `kind`, or `None` (skipped)
    /// when its URL is not set outside CI.
    pub async fn create(kind: DbKind, prefix: &str) -> Option<ServerDb> {
        let var = match kind {
            DbKind::Postgres => "SKYDD_TEST_POSTGRES_URL",
            DbKind::Mysql => "SKYDD_TEST_MYSQL_URL",
            DbKind::Sqlite => panic!("SQLite needs no server"),
        };
        let Ok(admin_url) = std::env::var(var) else {
            assert!(
                std::env::var_os("CI").is_none(),
                "{var} must be set in CI: server tests fail, not skip"
            );
            eprintln!("{var} is not set: skipped");
            return None;
        };
        let name = format!(
            "{prefix}_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        let admin = Db::connect("admin", kind, &admin_url, None, false)
            .await
            .expect("the server is reachable");
        admin
            .execute(&format!("CREATE DATABASE {}", quote(kind, &name)))
            .await
            .unwrap();
        admin.close().await;
        let (base, _) = admin_url.rsplit_once('/').unwrap();
        Some(ServerDb {
            kind,
            url: format!("{base}/{name}"),
            admin_url,
            name,
        })
    }

    /// Drops the database.
    pub async fn drop(self) {
        let admin = Db::connect("admin", self.kind, &self.admin_url, None, false)
            .await
            .unwrap();
        let sql = match self.kind {
            DbKind::Postgres => format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                quote(self.kind, &self.name)
            ),
            _ => format!("DROP DATABASE IF EXISTS {}", quote(self.kind, &self.name)),
        };
        admin.execute(&sql).await.unwrap();
        admin.close().await;
    }
}

fn quote(kind: DbKind, name: &str) -> String {
    if kind == DbKind::Mysql {
        format!("`{name}`")
    } else {
        format!("\"{name}\"")
    }
}

/// Every row of every table, by (table, primary key as `col=value,…`; the whole row for a
/// table without one), each as (column, value as text).
pub type Snapshot = std::collections::BTreeMap<(String, String), Vec<(String, String)>>;

/// A snapshot of the database at `url`.
pub async fn snapshot(kind: DbKind, url: &str) -> Snapshot {
    let db = Db::connect("snapshot", kind, url, None, false)
        .await
        .unwrap();
    let schema = db.introspect().await.unwrap();
    let mut out = Snapshot::new();
    for t in schema.tables.values() {
        let cols: Vec<String> = t.columns.iter().map(|c| db.dialect.select(c)).collect();
        let sql = format!(
            "SELECT {} FROM {}",
            cols.join(", "),
            db.dialect.table(&t.name)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(db.pool())
            .await
            .unwrap();
        for r in &rows {
            let values: Vec<(String, String)> = t
                .columns
                .iter()
                .enumerate()
                .map(|(i, c)| (c.name.clone(), text(r, i)))
                .collect();
            let key_cols: Vec<&String> = if t.primary_key.is_empty() {
                t.columns.iter().map(|c| &c.name).collect()
            } else {
                t.primary_key.iter().collect()
            };
            let key = key_cols
                .iter()
                .map(|k| {
                    let v = &values.iter().find(|(c, _)| c == *k).unwrap().1;
                    format!("{k}={v}")
                })
                .collect::<Vec<_>>()
                .join(",");
            out.insert((t.name.clone(), key), values);
        }
    }
    db.close().await;
    out
}

fn text(r: &sqlx::any::AnyRow, i: usize) -> String {
    use sqlx::{Row, ValueRef};
    let raw = r.try_get_raw(i).unwrap();
    if raw.is_null() {
        return "NULL".into();
    }
    r.try_get::<String, _>(i)
        .or_else(|_| r.try_get::<i64, _>(i).map(|v| v.to_string()))
        .or_else(|_| r.try_get::<f64, _>(i).map(|v| v.to_string()))
        .or_else(|_| r.try_get::<bool, _>(i).map(|v| v.to_string()))
        .unwrap()
}

/// What changed between two snapshots, one line per row: `delete t[k]`, `insert t[k]`, or
/// `update t[k] f g` with the changed fields sorted.
pub fn diff(before: &Snapshot, after: &Snapshot) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for (k, row) in before {
        match after.get(k) {
            None => {
                out.insert(format!("delete {}[{}]", k.0, k.1));
            }
            Some(now) => {
                let mut changed: Vec<&str> = row
                    .iter()
                    .zip(now)
                    .filter(|(a, b)| a.1 != b.1)
                    .map(|(a, _)| a.0.as_str())
                    .collect();
                changed.sort_unstable();
                if !changed.is_empty() {
                    out.insert(format!("update {}[{}] {}", k.0, k.1, changed.join(" ")));
                }
            }
        }
    }
    for k in after.keys().filter(|k| !before.contains_key(*k)) {
        out.insert(format!("insert {}[{}]", k.0, k.1));
    }
    out
}

/// An erasure's printed plan (`erase --json`) in the same words as [`diff`].
pub fn planned(outcome: &serde_json::Value) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    let Some(all) = outcome["plan"]["steps"].as_object() else {
        return out;
    };
    for steps in all.values() {
        for s in steps.as_array().unwrap() {
            let table = s["collection"]["collection"].as_str().unwrap();
            let key = s["key"]
                .as_array()
                .unwrap()
                .iter()
                .map(|kv| {
                    let v = &kv[1];
                    format!(
                        "{}={}",
                        kv[0].as_str().unwrap(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                    )
                })
                .collect::<Vec<_>>()
                .join(",");
            match s["action"].as_str().unwrap() {
                "delete" => {
                    out.insert(format!("delete {table}[{key}]"));
                }
                _ => {
                    let mut fields: Vec<&str> = s["set"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|c| c["field"].as_str().unwrap())
                        .collect();
                    fields.sort_unstable();
                    out.insert(format!("update {table}[{key}] {}", fields.join(" ")));
                }
            }
        }
    }
    out
}

/// Writes a key for hmac masking as one should: 32 bytes or more, readable by the owner only.
pub fn write_key(path: &Path) {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    std::fs::File::options()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .unwrap()
        .write_all(b"test-key-0123456789abcdefghijklmnopqrstuvwxyz")
        .unwrap();
}

/// A directory with the demo company's register, data map, key and a seeded SQLite database.
pub async fn demo_company(today: jiff::civil::Date) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().to_path_buf();
    std::fs::write(p.join("skydd.toml"), skydd_demo::REGISTER).unwrap();
    std::fs::write(p.join("datamap.yml"), skydd_demo::DATAMAP).unwrap();
    write_key(&p.join("hmac.key"));
    let db = Db::connect(
        "main",
        DbKind::Sqlite,
        &p.join("webbplatsnu.sqlite").display().to_string(),
        None,
        true,
    )
    .await
    .unwrap();
    for s in skydd_demo::schema(DbKind::Sqlite) {
        db.execute(&s).await.unwrap();
    }
    skydd_demo::seed_story(&db, today).await.unwrap();
    db.close().await;
    (dir, p)
}
