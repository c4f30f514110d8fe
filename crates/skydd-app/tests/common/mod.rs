//! What the use cases' tests share: the demo company (seed 004) on SQLite, and a person.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use skydd_app::{IdentityInput, Subject, clock};
use skydd_connect::Db;
use skydd_core::register::DbKind;

/// The demo company in a fresh directory: register, data map, key and story data (seeded as
/// of today). Returns the directory and the register's path.
pub async fn company() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let register = dir.path().join("skydd.toml");
    std::fs::write(&register, skydd_demo::REGISTER).unwrap();
    std::fs::write(dir.path().join("datamap.yml"), skydd_demo::DATAMAP).unwrap();
    std::fs::write(
        dir.path().join("hmac.key"),
        skydd_app::request::random_string(43),
    )
    .unwrap();
    let db_path = dir.path().join("webbplatsnu.sqlite");
    let db = Db::connect(
        "main",
        DbKind::Sqlite,
        &db_path.display().to_string(),
        None,
        true,
    )
    .await
    .unwrap();
    for s in skydd_demo::schema(DbKind::Sqlite) {
        db.execute(&s).await.unwrap();
    }
    skydd_demo::seed_story(&db, clock::today()).await.unwrap();
    db.close().await;
    (dir, register)
}

/// The person with the address `email`.
pub fn person(email: &str) -> Subject {
    Subject::parse(
        &IdentityInput {
            email: vec![email.into()],
            ..Default::default()
        },
        clock::today(),
    )
    .unwrap()
}
