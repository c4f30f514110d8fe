//! Adversarial cases: schemas skydd did not design, where a request must give the answer
//! hand-written SQL gives. Each test is a specification of the right behaviour; each runs
//! through the binary (`map draft`, then the request) on the backends where the case
//! applies, comparing before/after snapshots of every table with the printed plan.
//!
//! SQLite always; PostgreSQL and MariaDB through `SKYDD_TEST_POSTGRES_URL` and
//! `SKYDD_TEST_MYSQL_URL`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

use common::{Run, ServerDb, Snapshot, diff, planned, skydd};
use skydd_connect::Db;
use skydd_core::register::DbKind;

const TODAY: &str = "2026-11-29";

/// A fresh database of one backend with `sql` run in it, and a directory with a register
/// (`purposes` plus the database block, its `extra` lines and the erasure policy) and a
/// drafted data map `shop.yml`.
struct Fixture {
    kind: DbKind,
    url: String,
    dir: tempfile::TempDir,
    server: Option<ServerDb>,
}

impl Fixture {
    async fn new(kind: DbKind, sql: &[String], purposes: &str, tail: &str) -> Option<Fixture> {
        let dir = tempfile::tempdir().unwrap();
        let (url, server) = match kind {
            DbKind::Sqlite => (dir.path().join("shop.sqlite").display().to_string(), None),
            _ => {
                let server = ServerDb::create(kind, "skydd_adv").await?;
                (server.url.clone(), Some(server))
            }
        };
        let db = Db::connect("shop", kind, &url, None, kind == DbKind::Sqlite)
            .await
            .unwrap();
        for s in sql {
            db.execute(s)
                .await
                .unwrap_or_else(|e| panic!("{kind:?}: {s}: {e}"));
        }
        db.close().await;
        let connection = match kind {
            DbKind::Sqlite => "path = \"shop.sqlite\"",
            _ => "url_env = \"SHOP_DB\"",
        };
        let register = format!(
            r#"
[controller]
name = "Test AB"
email = "dataskydd@test.se"

{purposes}

[[database]]
name = "shop"
kind = "{}"
{connection}
dataset = "shop.yml"

{tail}
"#,
            kind.key()
        );
        std::fs::write(dir.path().join("skydd.toml"), register).unwrap();
        let f = Fixture {
            kind,
            url,
            dir,
            server,
        };
        let r = f.run(&["map", "draft", "--source", "shop", "--out", "shop.yml"]);
        assert_eq!(r.code, 0, "{kind:?}: {}{}", r.stdout, r.stderr);
        Some(f)
    }

    fn run(&self, args: &[&str]) -> Run {
        skydd(self.dir.path(), args, &[("SHOP_DB", self.url.as_str())])
    }

    fn map(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("shop.yml")).unwrap()
    }

    /// Every row of every table, by table and primary key, as text.
    async fn snapshot(&self) -> Snapshot {
        common::snapshot(self.kind, &self.url).await
    }

    async fn drop(self) {
        if let Some(server) = self.server {
            server.drop().await;
        }
    }
}

fn set(lines: &[&str]) -> BTreeSet<String> {
    lines.iter().map(|s| (*s).to_owned()).collect()
}

/// Keys of the rows of `collection` in an access package, as `col=value` of `key`.
fn package_keys(pkg: &serde_json::Value, collection: &str, key: &str) -> Vec<String> {
    let mut out: Vec<String> = pkg["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["collection"].as_str() == Some(collection))
        .flat_map(|c| c["rows"].as_array().unwrap().iter())
        .map(|r| {
            let v = &r[key]["value"];
            format!(
                "{key}={}",
                v.as_str().map_or_else(|| v.to_string(), str::to_owned)
            )
        })
        .collect();
    out.sort();
    out
}

const SERVICE: &str = r#"
[[purpose]]
id = "service"
name = "Tjänsten"
legal_basis = "contract"
data_subjects = ["customer"]
data_categories = ["user.name", "user.contact", "user.unique_id"]
collections = COLLECTIONS
retention = "as long as necessary"
"#;

fn service(collections: &[&str]) -> String {
    let list = collections
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    SERVICE.replace("COLLECTIONS", &format!("[{list}]"))
}

/// Runs `case` on each backend of `kinds` and fails naming every backend where it failed.
async fn on<F, Fut>(kinds: &[DbKind], case: F)
where
    F: Fn(DbKind) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let mut failures = Vec::new();
    for &kind in kinds {
        if let Err(e) = case(kind).await {
            failures.push(format!("{kind:?}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn check(cond: bool, msg: impl FnOnce() -> String) -> Result<(), String> {
    if cond { Ok(()) } else { Err(msg()) }
}

// ---------------------------------------------------------------------------------------
// 1. E-mail with a non-ASCII upper-case letter.

/// `ÅSA@EXAMPLE.SE` is stored in upper case. Asked for as `åsa@example.se` (or exactly as
/// stored), access must find her row, as `lower(email) = 'åsa@example.se'` does wherever
/// `lower` folds Å; and her erasure must delete it.
#[tokio::test]
async fn email_with_non_ascii_capitals_is_found_ignoring_case() {
    on(&[DbKind::Sqlite, DbKind::Postgres, DbKind::Mysql], |kind| async move {
        let sql = [
            "CREATE TABLE customer (customer_id INTEGER PRIMARY KEY, name VARCHAR(50), email VARCHAR(100))",
            "INSERT INTO customer VALUES (1, 'Åsa', 'ÅSA@EXAMPLE.SE'), (2, 'Örjan', 'orjan@example.se')",
        ]
        .map(str::to_owned);
        let Some(f) = Fixture::new(
            kind,
            &sql,
            &service(&["shop.customer"]),
            "[erasure.collections]\n\"shop.customer\" = \"delete\"\n",
        )
        .await
        else {
            return Ok(());
        };
        let mut out = Ok(());
        for asked in ["åsa@example.se", "ÅSA@EXAMPLE.SE"] {
            let r = f.run(&["access", "--email", asked, "--received", TODAY, "--json"]);
            if r.code != 0 {
                out = Err(format!("access {asked}: exit {}: {}", r.code, r.stderr));
                break;
            }
            let found = package_keys(&r.json(), "shop.customer", "customer_id");
            if found != ["customer_id=1"] {
                out = Err(format!("access --email {asked} found {found:?}, not customer_id=1"));
                break;
            }
        }
        if out.is_ok() {
            let before = f.snapshot().await;
            let r = f.run(&["erase", "--email", "åsa@example.se", "--today", TODAY, "--json"]);
            let changed = diff(&before, &f.snapshot().await);
            out = check(
                r.code == 0 && changed == set(&["delete customer[customer_id=1]"]),
                || format!("erase changed {changed:?}; exit {}: {}", r.code, r.stdout),
            );
        }
        f.drop().await;
        out
    })
    .await;
}

// ---------------------------------------------------------------------------------------
// 2. A foreign key compared ignoring case (SQLite NOCASE, MariaDB's default _ci
//    collation): two customers point at one address spelling its code differently.

/// Mary's row holds `a1`, John's `A1`, both the address `A1` (the database's own collation,
/// or `citext`, says they are equal, and its foreign key accepts both). The address is shared: Mary's
/// erasure must leave it unchanged and change only her own rows, as its plan says.
#[tokio::test]
async fn address_shared_through_a_case_insensitive_key_is_left_unchanged() {
    on(&[DbKind::Sqlite, DbKind::Postgres, DbKind::Mysql], |kind| async move {
        // PostgreSQL: `citext`, which compares ignoring case.
        let code = match kind {
            DbKind::Sqlite => "VARCHAR(10) COLLATE NOCASE",
            DbKind::Postgres => "CITEXT",
            DbKind::Mysql => "VARCHAR(10) COLLATE utf8mb4_general_ci",
        };
        let mut sql = Vec::new();
        if kind == DbKind::Postgres {
            sql.push("CREATE EXTENSION IF NOT EXISTS citext".to_owned());
        }
        sql.extend([
            format!("CREATE TABLE address (code {code} PRIMARY KEY, street VARCHAR(100), city VARCHAR(50))"),
            format!("CREATE TABLE customer (customer_id INTEGER PRIMARY KEY, name VARCHAR(50), email VARCHAR(100), address_code {code}, FOREIGN KEY (address_code) REFERENCES address (code))"),
            "INSERT INTO address VALUES ('A1', 'Storgatan 1', 'Lund')".to_owned(),
            "INSERT INTO customer VALUES (1, 'Mary', 'mary@example.se', 'a1'), (2, 'John', 'john@example.se', 'A1')".to_owned(),
        ]);
        let Some(f) = Fixture::new(
            kind,
            &sql,
            &service(&["shop.customer", "shop.address"]),
            "[erasure.collections]\n\"shop.customer\" = \"delete\"\n",
        )
        .await
        else {
            return Ok(());
        };
        let before = f.snapshot().await;
        let r = f.run(&["erase", "--email", "mary@example.se", "--today", TODAY, "--json"]);
        let after = f.snapshot().await;
        f.drop().await;
        check(r.code == 0, || format!("exit {}: {}{}", r.code, r.stdout, r.stderr))?;
        let outcome = r.json();
        let changed = diff(&before, &after);
        check(changed == planned(&outcome), || {
            format!("changed {changed:?}, planned {:?}", planned(&outcome))
        })?;
        check(
            !changed.iter().any(|l| l.contains("address[")),
            || format!("John's address was changed: {changed:?}\n{outcome:#}"),
        )?;
        check(changed.contains("delete customer[customer_id=1]"), || {
            format!("Mary's row not deleted: {changed:?}")
        })
    })
    .await;
}

// ---------------------------------------------------------------------------------------
// 3. A foreign key to a unique column that is not the primary key, ON DELETE CASCADE.

/// Payments refer to `customer.customer_no` (unique, not the key) with `ON DELETE
/// CASCADE`, and Bokföringslagen keeps Mary's payment. Her erasure must not destroy it: the
/// erasure changes exactly what its plan prints, and the payment the plan says is kept is
/// still there (her customer row masked instead of deleted, as when the key is the primary
/// key).
#[tokio::test]
async fn payments_kept_by_law_survive_a_cascade_through_a_unique_key() {
    on(&[DbKind::Sqlite, DbKind::Postgres, DbKind::Mysql], |kind| async move {
        let sql = [
            "CREATE TABLE customer (customer_id INTEGER PRIMARY KEY, customer_no VARCHAR(20) NOT NULL UNIQUE, name VARCHAR(50), email VARCHAR(100))",
            "CREATE TABLE payment (payment_id INTEGER PRIMARY KEY, customer_no VARCHAR(20) NOT NULL, paid_on DATE NOT NULL, amount DECIMAL(8,2), first_name VARCHAR(50), FOREIGN KEY (customer_no) REFERENCES customer (customer_no) ON DELETE CASCADE)",
            "INSERT INTO customer VALUES (1, 'C-1', 'Mary', 'mary@example.se'), (2, 'C-2', 'John', 'john@example.se')",
            "INSERT INTO payment VALUES (1, 'C-1', '2026-02-01', 10.00, 'Mary'), (2, 'C-2', '2026-02-01', 20.00, 'John')",
        ]
        .map(str::to_owned);
        let purposes = format!(
            "{}\n{}",
            service(&["shop.customer"]),
            r#"
[[purpose]]
id = "bookkeeping"
name = "Bokföring"
legal_basis = "legal_obligation"
statute = "bokforingslagen"
data_subjects = ["customer"]
data_categories = ["user.name", "user.unique_id"]
collections = ["shop.payment"]
retention = "7 years after end of calendar year of financial_year_end"
"#
        );
        let tail = "[database.events]\nfinancial_year_end = \"payment.paid_on\"\n\n[erasure.collections]\n\"shop.customer\" = \"delete\"\n";
        let Some(f) = Fixture::new(kind, &sql, &purposes, tail).await else {
            return Ok(());
        };
        let before = f.snapshot().await;
        let r = f.run(&["erase", "--email", "mary@example.se", "--today", TODAY, "--json"]);
        let after = f.snapshot().await;
        f.drop().await;
        check(r.code == 0, || format!("exit {}: {}{}", r.code, r.stdout, r.stderr))?;
        let outcome = r.json();
        let held = outcome["plan"]["kept"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|k| k["reason"] == "legal_obligation")
            .count();
        check(held == 1, || format!("Mary's payment is held: {outcome:#}"))?;
        check(after.contains_key(&("payment".to_owned(), "payment_id=1".to_owned())), || {
            format!(
                "the payment held under Bokföringslagen was deleted; changes {:?}, plan {:?}",
                diff(&before, &after),
                planned(&outcome)
            )
        })?;
        let changed = diff(&before, &after);
        check(changed == planned(&outcome), || {
            format!("changed {changed:?}, planned {:?}", planned(&outcome))
        })
    })
    .await;
}

// ---------------------------------------------------------------------------------------
// 4. A self-referencing table: a person's reply to her own comment.

/// Mary wrote a comment and a reply to it (`parent_id` → `comment`); both are hers, both
/// deleted by her erasure. The erasure must succeed on every backend (on MariaDB, whose
/// InnoDB checks a foreign key row by row, the reply must go before the comment), leaving
/// John's comment alone.
#[tokio::test]
async fn a_persons_reply_to_her_own_comment_is_erased_with_it() {
    on(&[DbKind::Sqlite, DbKind::Postgres, DbKind::Mysql], |kind| async move {
        let sql = [
            "CREATE TABLE comment (comment_id INTEGER PRIMARY KEY, parent_id INTEGER, author_email VARCHAR(100), body VARCHAR(200), FOREIGN KEY (parent_id) REFERENCES comment (comment_id))",
            "INSERT INTO comment VALUES (1, NULL, 'mary@example.se', 'Hello')",
            "INSERT INTO comment VALUES (2, 1, 'mary@example.se', 'Me again'), (3, NULL, 'john@example.se', 'Hi')",
        ]
        .map(str::to_owned);
        let Some(f) = Fixture::new(
            kind,
            &sql,
            &service(&["shop.comment"]),
            "[erasure.collections]\n\"shop.comment\" = \"delete\"\n",
        )
        .await
        else {
            return Ok(());
        };
        let before = f.snapshot().await;
        let r = f.run(&["erase", "--email", "mary@example.se", "--today", TODAY, "--json"]);
        let after = f.snapshot().await;
        f.drop().await;
        check(r.code == 0, || format!("exit {}: {}{}", r.code, r.stdout, r.stderr))?;
        let changed = diff(&before, &after);
        check(
            changed == set(&["delete comment[comment_id=1]", "delete comment[comment_id=2]"]),
            || format!("changed {changed:?}"),
        )
    })
    .await;
}

// ---------------------------------------------------------------------------------------
// 5. A row reached both as a child and as a referenced row.

/// The address row 1 names Mary as its owner (`address.customer_id`) and is Mary's
/// billing address (`customer.address_id`), but John's customer row points at it too: it
/// is his address as well. Mary's erasure must leave its data unchanged (as it does when the
/// address has no owner column), remove only her link held in it, and change only what its
/// plan says.
#[tokio::test]
async fn an_owned_address_another_customer_points_at_is_left_unchanged() {
    on(&[DbKind::Sqlite, DbKind::Postgres, DbKind::Mysql], |kind| async move {
        let sql = [
            "CREATE TABLE customer (customer_id INTEGER PRIMARY KEY, name VARCHAR(50), email VARCHAR(100), address_id INTEGER)",
            "CREATE TABLE address (address_id INTEGER PRIMARY KEY, customer_id INTEGER, street VARCHAR(100), city VARCHAR(50), FOREIGN KEY (customer_id) REFERENCES customer (customer_id))",
            "ALTER TABLE customer ADD FOREIGN KEY (address_id) REFERENCES address (address_id)",
            "INSERT INTO customer VALUES (1, 'Mary', 'mary@example.se', NULL), (2, 'John', 'john@example.se', NULL)",
            "INSERT INTO address VALUES (1, 1, 'Storgatan 1', 'Lund')",
            "UPDATE customer SET address_id = 1",
        ];
        // SQLite has no ADD FOREIGN KEY: the key is declared in the table instead.
        let sql: Vec<String> = if kind == DbKind::Sqlite {
            vec![
                "CREATE TABLE customer (customer_id INTEGER PRIMARY KEY, name VARCHAR(50), email VARCHAR(100), address_id INTEGER, FOREIGN KEY (address_id) REFERENCES address (address_id))".to_owned(),
                sql[1].to_owned(),
                sql[3].to_owned(),
                sql[4].to_owned(),
                sql[5].to_owned(),
            ]
        } else {
            sql.map(str::to_owned).to_vec()
        };
        let Some(f) = Fixture::new(
            kind,
            &sql,
            &service(&["shop.customer", "shop.address"]),
            "[erasure.collections]\n\"shop.customer\" = \"delete\"\n",
        )
        .await
        else {
            return Ok(());
        };
        let before = f.snapshot().await;
        let r = f.run(&["erase", "--email", "mary@example.se", "--today", TODAY, "--json"]);
        let after = f.snapshot().await;
        let map = f.map();
        f.drop().await;
        check(r.code == 0, || format!("exit {}: {}{}", r.code, r.stdout, r.stderr))?;
        let outcome = r.json();
        let changed = diff(&before, &after);
        check(changed == planned(&outcome), || {
            format!("changed {changed:?}, planned {:?}", planned(&outcome))
        })?;
        // The address's data stays; only Mary's link held in it (its owner column) goes, so
        // the row no longer relates to her, and John's row still points at it.
        check(
            !changed
                .iter()
                .any(|l| l.starts_with("delete address[") || (l.starts_with("update address[") && l != "update address[address_id=1] customer_id")),
            || format!("John's address was changed: {changed:?}\n{map}"),
        )
    })
    .await;
}
