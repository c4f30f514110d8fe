//! What the binary's tests share: running `skydd`, and a fresh database per test on the
//! servers `.ci/run` starts (`SKYDD_TEST_POSTGRES_URL`, `SKYDD_TEST_MYSQL_URL`). Without a
//! URL a server test is skipped, except under `CI`, where it fails: a missing server must
//! never pass as a green run.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
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
