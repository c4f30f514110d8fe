//! Conformance: skydd on a database it did not design, through the binary, the way a new
//! user meets it: `map draft`, then access, erasure (twice), rectification and retention,
//! each compared with what hand-written SQL says is right.
//!
//! The fixture is a film-rental shop written for this suite: e-mail addresses stored in
//! mixed case; one address shared by two customers, a staff member and a store; rentals
//! and payments that link a customer and a staff member; a composite primary key
//! (`customer_preference`); on PostgreSQL `payment` is partitioned by year with its
//! foreign keys declared on the partitions only (and a composite key including the
//! partition key); a log without a primary key; NOT NULL columns that need a fixed value;
//! payments kept seven years under Bokföringslagen.
//!
//! SQLite always; PostgreSQL and MariaDB through `SKYDD_TEST_POSTGRES_URL` and
//! `SKYDD_TEST_MYSQL_URL` (`.ci/run` sets them; with `CI` set a missing URL fails).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{Run, ServerDb, Snapshot, diff, planned, skydd};
use skydd_connect::Db;
use skydd_core::register::DbKind;

const TODAY: &str = "2026-11-29";
const MARY: &str = "mary.smith@example.se";
const SVEN: &str = "sven.staff@example.se";

/// The shop's schema and rows, for one backend.
fn fixture(kind: DbKind) -> Vec<String> {
    let ts = if kind == DbKind::Mysql {
        "DATETIME"
    } else {
        "TIMESTAMP"
    };
    // On MariaDB the staff e-mail compares case-sensitively (a binary collation), so
    // matching it must fold case in the query, as PostgreSQL and SQLite always must.
    let staff_email = if kind == DbKind::Mysql {
        "VARCHAR(100) COLLATE utf8mb4_bin"
    } else {
        "VARCHAR(100)"
    };
    let mut sql = vec![
        "CREATE TABLE address (address_id INTEGER PRIMARY KEY, street VARCHAR(100) NOT NULL, postal_code VARCHAR(10), city VARCHAR(50), phone VARCHAR(30))".to_owned(),
        format!("CREATE TABLE staff (staff_id INTEGER PRIMARY KEY, first_name VARCHAR(50) NOT NULL, last_name VARCHAR(50) NOT NULL, email {staff_email}, address_id INTEGER, password_hash VARCHAR(100), FOREIGN KEY (address_id) REFERENCES address (address_id))"),
        "CREATE TABLE store (store_id INTEGER PRIMARY KEY, manager_staff_id INTEGER NOT NULL, address_id INTEGER NOT NULL, FOREIGN KEY (manager_staff_id) REFERENCES staff (staff_id), FOREIGN KEY (address_id) REFERENCES address (address_id))".to_owned(),
        "CREATE TABLE customer (customer_id INTEGER PRIMARY KEY, first_name VARCHAR(50) NOT NULL, last_name VARCHAR(50) NOT NULL, email VARCHAR(100), birth_date DATE NOT NULL, address_id INTEGER, created_on DATE NOT NULL, FOREIGN KEY (address_id) REFERENCES address (address_id))".to_owned(),
        format!("CREATE TABLE rental (rental_id INTEGER PRIMARY KEY, rented_at {ts} NOT NULL, customer_id INTEGER NOT NULL, staff_id INTEGER NOT NULL, returned_at {ts}, FOREIGN KEY (customer_id) REFERENCES customer (customer_id), FOREIGN KEY (staff_id) REFERENCES staff (staff_id))"),
        "CREATE TABLE customer_preference (customer_id INTEGER NOT NULL, topic VARCHAR(30) NOT NULL, note VARCHAR(200), updated_on DATE NOT NULL, PRIMARY KEY (customer_id, topic), FOREIGN KEY (customer_id) REFERENCES customer (customer_id))".to_owned(),
        format!("CREATE TABLE visit_log (email VARCHAR(100), ip VARCHAR(45), visited_at {ts} NOT NULL)"),
    ];
    let payment_cols = "payment_id INTEGER NOT NULL, paid_on DATE NOT NULL, customer_id INTEGER NOT NULL, staff_id INTEGER NOT NULL, rental_id INTEGER, amount DECIMAL(8,2) NOT NULL, first_name VARCHAR(50), last_name VARCHAR(50), PRIMARY KEY (payment_id, paid_on)";
    let fks = "FOREIGN KEY (customer_id) REFERENCES customer (customer_id), FOREIGN KEY (staff_id) REFERENCES staff (staff_id), FOREIGN KEY (rental_id) REFERENCES rental (rental_id)";
    if kind == DbKind::Postgres {
        sql.push(format!(
            "CREATE TABLE payment ({payment_cols}) PARTITION BY RANGE (paid_on)"
        ));
        for (year, next) in [(2018, 2019), (2024, 2025), (2026, 2027)] {
            sql.push(format!("CREATE TABLE payment_{year} PARTITION OF payment FOR VALUES FROM ('{year}-01-01') TO ('{next}-01-01')"));
            // Keys declared on each partition only, as some published schemas do.
            for (col, table) in [
                ("customer_id", "customer"),
                ("staff_id", "staff"),
                ("rental_id", "rental"),
            ] {
                sql.push(format!(
                    "ALTER TABLE payment_{year} ADD FOREIGN KEY ({col}) REFERENCES {table} ({col})"
                ));
            }
        }
        sql.push("CREATE INDEX customer_email_lower ON customer (lower(email))".into());
    } else {
        sql.push(format!("CREATE TABLE payment ({payment_cols}, {fks})"));
    }
    sql.extend(
        [
            "INSERT INTO address VALUES (1, 'Storgatan 1', '111 22', 'Stockholm', '08-123 45 67'), (2, 'Lillvägen 2', '222 33', 'Lund', NULL), (3, 'Åvägen 3', '333 44', 'Umeå', NULL), (4, 'Torget 4', '444 55', 'Malmö', NULL)",
            "INSERT INTO staff VALUES (1, 'Sven', 'Svensson', 'Sven.Staff@Example.se', 1, 'argon2$x'), (2, 'Lisa', 'Larsson', 'lisa@filmhyran.se', 3, 'argon2$y')",
            "INSERT INTO store VALUES (1, 1, 1), (2, 2, 4)",
            "INSERT INTO customer VALUES (1, 'Mary', 'Smith', 'MARY.SMITH@EXAMPLE.SE', '1980-05-17', 1, '2020-01-10'), (2, 'John', 'Berg', 'john@example.se', '1975-02-01', 1, '2021-03-03'), (3, 'Anna', 'Ek', 'Anna.Ek@Example.se', '1990-12-24', 2, '2018-01-02'), (4, 'Olle', 'Ås', 'olle@example.se', '1969-07-20', NULL, '2022-02-02')",
            "INSERT INTO rental VALUES (1, '2024-03-09 18:00:00', 1, 1, '2024-03-12 10:00:00'), (2, '2026-01-30 19:30:00', 1, 2, NULL), (3, '2024-05-01 12:00:00', 2, 1, '2024-05-03 12:00:00'), (4, '2018-01-04 17:00:00', 3, 2, '2018-01-06 11:00:00')",
            "INSERT INTO payment (payment_id, paid_on, customer_id, staff_id, rental_id, amount, first_name, last_name) VALUES (1, '2024-03-10', 1, 1, 1, 49.00, 'Mary', 'Smith'), (2, '2026-02-01', 1, 2, 2, 59.00, 'Mary', 'Smith'), (3, '2024-05-03', 2, 1, 3, 49.00, 'John', 'Berg'), (4, '2018-01-05', 3, 2, 4, 39.00, 'Anna', 'Ek')",
            "INSERT INTO customer_preference VALUES (1, 'news', 'weekly please', '2026-10-01'), (1, 'sms', NULL, '2026-10-01'), (2, 'news', 'no thanks', '2024-01-10'), (3, 'news', 'yes', '2026-06-01')",
            "INSERT INTO visit_log VALUES ('olle@example.se', '192.0.2.4', '2026-11-20 08:00:00'), ('OLLE@example.se', '192.0.2.4', '2026-11-21 08:00:00'), ('john@example.se', '192.0.2.9', '2026-11-22 09:00:00')",
        ]
        .map(str::to_owned),
    );
    sql
}

const REGISTER: &str = r#"
[controller]
name = "Filmhyran AB"
email = "dataskydd@filmhyran.se"

[[purpose]]
id = "rentals"
name = "Uthyrning av film"
legal_basis = "contract"
data_subjects = ["customer"]
data_categories = ["user.name", "user.contact", "user.demographic", "user.unique_id"]
collections = ["shop.customer", "shop.address", "shop.rental"]
retention = "as long as necessary"

[[purpose]]
id = "preferences"
name = "Dina önskemål"
legal_basis = "consent"
data_subjects = ["customer"]
data_categories = ["user.content", "user.unique_id"]
collections = ["shop.customer_preference"]
retention = "1 year after collected"

[[purpose]]
id = "bookkeeping"
name = "Bokföring"
legal_basis = "legal_obligation"
statute = "bokforingslagen"
data_subjects = ["customer"]
data_categories = ["user.name", "user.unique_id"]
collections = ["shop.payment"]
retention = "7 years after end of calendar year of financial_year_end"

[[purpose]]
id = "employment"
name = "Anställning"
legal_basis = "contract"
data_subjects = ["employee"]
data_categories = ["user.name", "user.contact", "user.authorization", "user.unique_id"]
collections = ["shop.staff", "shop.address"]
retention = "as long as necessary"

[[purpose]]
id = "security"
name = "Säkerhet"
legal_basis = "legitimate_interests"
legitimate_interest = "Att upptäcka intrång."
data_subjects = ["customer"]
data_categories = ["user.device", "user.contact.email"]
collections = ["shop.visit_log"]
retention = "30 days after collected"

[[database]]
name = "shop"
kind = "KIND"
CONNECTION
dataset = "shop.yml"

[database.events]
financial_year_end = "payment.paid_on"
collected = ["customer_preference.updated_on", "visit_log.visited_at"]

[erasure.collections]
"shop.customer" = "delete"
"shop.rental" = "delete"
"shop.customer_preference" = "delete"
"shop.staff" = "delete"
"shop.visit_log" = "delete"

[erasure.fields]
"shop.customer.birth_date" = { strategy = "fixed", value = "1900-01-01" }
"#;

/// A database of one backend with the fixture, and a directory with a register for it.
struct Shop {
    kind: DbKind,
    url: String,
    dir: tempfile::TempDir,
    server: Option<ServerDb>,
}

impl Shop {
    async fn new(kind: DbKind) -> Option<Shop> {
        let dir = tempfile::tempdir().unwrap();
        let (url, server) = match kind {
            DbKind::Sqlite => (dir.path().join("shop.sqlite").display().to_string(), None),
            _ => {
                let server = ServerDb::create(kind, "skydd_conf").await?;
                (server.url.clone(), Some(server))
            }
        };
        let db = Db::connect("shop", kind, &url, None, kind == DbKind::Sqlite)
            .await
            .unwrap();
        for s in fixture(kind) {
            db.execute(&s)
                .await
                .unwrap_or_else(|e| panic!("{kind:?}: {s}: {e}"));
        }
        db.close().await;
        let connection = match kind {
            DbKind::Sqlite => "path = \"shop.sqlite\"",
            _ => "url_env = \"SHOP_DB\"",
        };
        let register = REGISTER
            .replace("KIND", kind.key())
            .replace("CONNECTION", connection);
        std::fs::write(dir.path().join("skydd.toml"), register).unwrap();
        Some(Shop {
            kind,
            url,
            dir,
            server,
        })
    }

    fn run(&self, args: &[&str]) -> Run {
        skydd(self.dir.path(), args, &[("SHOP_DB", self.url.as_str())])
    }

    async fn db(&self) -> Db {
        Db::connect("shop", self.kind, &self.url, None, false)
            .await
            .unwrap()
    }

    /// Every row of every table, by table and primary key (the whole row for a table
    /// without one), as text.
    async fn snapshot(&self) -> Snapshot {
        common::snapshot(self.kind, &self.url).await
    }

    async fn count(&self, sql: &str) -> i64 {
        let db = self.db().await;
        use sqlx::Row;
        let n: i64 = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_one(db.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        db.close().await;
        n
    }

    async fn drop(self) {
        if let Some(server) = self.server {
            server.drop().await;
        }
    }
}

/// The rows an access package holds, as `collection → sorted keys` (`field=value` of the
/// fields named in `keys`).
fn package_rows(
    pkg: &serde_json::Value,
    keys: &BTreeMap<&str, &[&str]>,
) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for c in pkg["data"].as_array().unwrap() {
        let name = c["collection"]
            .as_str()
            .unwrap()
            .trim_start_matches("shop.");
        let Some(cols) = keys.get(name) else {
            panic!("unexpected collection {name} in the package");
        };
        let mut rows: Vec<String> = c["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                cols.iter()
                    .map(|k| {
                        let v = &r[*k]["value"];
                        format!(
                            "{k}={}",
                            v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect();
        rows.sort();
        out.insert(name.to_owned(), rows);
    }
    out
}

async fn conformance(kind: DbKind) {
    let Some(shop) = Shop::new(kind).await else {
        return;
    };
    let k = format!("{kind:?}");

    // 1. The drafted map: one collection per table (a partitioned table is one), and it
    //    loads.
    let r = shop.run(&["map", "draft", "--source", "shop", "--out", "shop.yml"]);
    assert_eq!(r.code, 0, "{k}: {}{}", r.stdout, r.stderr);
    let draft = std::fs::read_to_string(shop.dir.path().join("shop.yml")).unwrap();
    assert_eq!(
        draft.matches("- name: payment\n").count(),
        1,
        "{k}: payment once, no partitions:\n{draft}"
    );
    assert!(!draft.contains("payment_2018"), "{k}:\n{draft}");
    std::fs::write(shop.dir.path().join("hmac.key"), "k".repeat(32)).unwrap();

    // 2. Access for Mary, asked for in lower case; her row is stored in upper case.
    let r = shop.run(&["access", "--email", MARY, "--received", TODAY, "--json"]);
    assert_eq!(r.code, 0, "{k}: {}", r.stderr);
    let pkg = r.json();
    let keys: BTreeMap<&str, &[&str]> = BTreeMap::from([
        ("customer", &["customer_id"][..]),
        ("address", &["address_id"][..]),
        ("rental", &["rental_id"][..]),
        ("payment", &["payment_id"][..]),
        ("customer_preference", &["customer_id", "topic"][..]),
    ]);
    let found = package_rows(&pkg, &keys);
    // What hand-written SQL finds for her: her customer row (matched ignoring case), the
    // address it points at, her rentals and payments, her preferences; not the staff
    // member's rows, nor the other customers' rentals at the same address.
    let expected: BTreeMap<String, Vec<String>> = [
        ("address", vec!["address_id=1"]),
        ("customer", vec!["customer_id=1"]),
        (
            "customer_preference",
            vec!["customer_id=1,topic=news", "customer_id=1,topic=sms"],
        ),
        ("payment", vec!["payment_id=1", "payment_id=2"]),
        ("rental", vec!["rental_id=1", "rental_id=2"]),
    ]
    .into_iter()
    .map(|(c, rows)| (c.to_owned(), rows.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(found, expected, "{k}: {pkg:#}");
    // The purposes that concern her, a customer: not the staff's, although the employment
    // purpose covers the address table she shares with a staff member.
    let purposes: Vec<&str> = pkg["purposes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(purposes, ["rentals", "preferences", "bookkeeping"], "{k}");
    assert_eq!(pkg["unreached"].as_array().unwrap().len(), 0, "{k}");

    // 3. The staff member's access: his row and his address; not the rentals and payments
    //    he handled for customers, nor the store he manages.
    let r = shop.run(&["access", "--email", SVEN, "--received", TODAY, "--json"]);
    assert_eq!(r.code, 0, "{k}: {}", r.stderr);
    let staff_keys: BTreeMap<&str, &[&str]> = BTreeMap::from([
        ("staff", &["staff_id"][..]),
        ("address", &["address_id"][..]),
    ]);
    let pkg = r.json();
    let purposes: Vec<&str> = pkg["purposes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(purposes, ["employment"], "{k}");
    let found = package_rows(&pkg, &staff_keys);
    assert_eq!(
        found,
        BTreeMap::from([
            ("address".to_owned(), vec!["address_id=1".to_owned()]),
            ("staff".to_owned(), vec!["staff_id=1".to_owned()]),
        ]),
        "{k}"
    );

    // 4. Mary's erasure changes exactly its plan: the shared address stays, her link to
    //    it goes; her payments are kept under Bokföringslagen, so her customer row and
    //    rentals stay (masked); her preferences (composite key) are deleted.
    let before = shop.snapshot().await;
    let r = shop.run(&["erase", "--email", MARY, "--today", TODAY, "--json"]);
    assert_eq!(r.code, 0, "{k}: {}{}", r.stdout, r.stderr);
    let outcome = r.json();
    let after = shop.snapshot().await;
    let changed = diff(&before, &after);
    assert_eq!(
        changed,
        planned(&outcome),
        "{k}: the erasure did exactly its plan"
    );
    let expected: BTreeSet<String> = [
        "update customer[customer_id=1] address_id birth_date email first_name last_name",
        "delete customer_preference[customer_id=1,topic=news]",
        "delete customer_preference[customer_id=1,topic=sms]",
    ]
    .map(str::to_owned)
    .into_iter()
    .collect();
    assert_eq!(changed, expected, "{k}: {outcome:#}");
    let shared: Vec<&str> = outcome["plan"]["shared"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["collection"]["collection"].as_str().unwrap())
        .collect();
    assert_eq!(shared, ["address"], "{k}");
    let holds = outcome["plan"]["kept"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["reason"] == "legal_obligation")
        .count();
    assert_eq!(holds, 4, "{k}: two payments' first and last names");

    // 5. Again: nothing changes.
    let r = shop.run(&["erase", "--email", MARY, "--today", TODAY, "--json"]);
    assert_eq!(r.code, 0, "{k}: {}", r.stderr);
    assert_eq!(
        r.json()["plan"]["steps"].as_object().map_or(0, |s| s
            .values()
            .map(|v| v.as_array().unwrap().len())
            .sum::<usize>()),
        0,
        "{k}"
    );
    assert_eq!(
        shop.snapshot().await,
        after,
        "{k}: a second erasure changes nothing"
    );

    // 6. Her register extract after the erasure: what is kept, why, until when.
    let r = shop.run(&[
        "access",
        "--email",
        MARY,
        "--received",
        TODAY,
        "--json",
        "--out",
        "utdrag",
    ]);
    assert_eq!(r.code, 0, "{k}: {}", r.stderr);
    let pkg = r.json();
    let held: Vec<String> = pkg["held"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "{} {} {} {} {}",
                h["key"].as_str().unwrap(),
                h["field"].as_str().unwrap(),
                h["value"].as_str().unwrap_or("?"),
                h["purpose"].as_str().unwrap(),
                h["until"].as_str().unwrap()
            )
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        held,
        [
            "payment_id=1,paid_on=2024-03-10 first_name Mary bookkeeping 2031-12-31",
            "payment_id=1,paid_on=2024-03-10 last_name Smith bookkeeping 2031-12-31",
            "payment_id=2,paid_on=2026-02-01 first_name Mary bookkeeping 2033-12-31",
            "payment_id=2,paid_on=2026-02-01 last_name Smith bookkeeping 2033-12-31",
        ],
        "{k}: {pkg:#}"
    );
    let html =
        std::fs::read_to_string(shop.dir.path().join("utdrag/registerutdrag.sv.html")).unwrap();
    assert!(html.contains("Bokföringslagen"), "{k}");
    assert!(!html.contains("Vi hittade inga personuppgifter"), "{k}");
    assert!(
        html.contains("Radering"),
        "{k}: her own requests are listed"
    );

    // 7. The staff member's erasure: customers' rentals and a store point at his row, so
    //    it is masked, not deleted; the shared address stays.
    let before = shop.snapshot().await;
    let r = shop.run(&["erase", "--email", SVEN, "--today", TODAY, "--json"]);
    assert_eq!(r.code, 0, "{k}: {}{}", r.stdout, r.stderr);
    let outcome = r.json();
    let changed = diff(&before, &shop.snapshot().await);
    assert_eq!(changed, planned(&outcome), "{k}");
    assert_eq!(
        changed,
        BTreeSet::from([
            "update staff[staff_id=1] address_id email first_name last_name password_hash"
                .to_owned()
        ]),
        "{k}: {outcome:#}"
    );

    // 8. Rectifying an address other people share is refused, and changes nothing.
    let before = shop.snapshot().await;
    let r = shop.run(&[
        "rectify",
        "--email",
        "john@example.se",
        "--set",
        "address.street=Nygatan 9",
    ]);
    assert_eq!(r.code, 1, "{k}: {}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("share"), "{k}: {}", r.stderr);
    assert_eq!(shop.snapshot().await, before, "{k}");
    // Anna's address is hers alone.
    let r = shop.run(&[
        "rectify",
        "--email",
        "anna.ek@example.se",
        "--set",
        "address.street=Nyvägen 3",
    ]);
    assert_eq!(r.code, 0, "{k}: {}{}", r.stdout, r.stderr);
    assert_eq!(
        diff(&before, &shop.snapshot().await),
        BTreeSet::from(["update address[address_id=2] street".to_owned()]),
        "{k}"
    );

    // 9. Olle's visits are in a table without a primary key: the erasure cannot address
    //    them, says so before anything runs, exits 1 and is recorded as failed.
    let before = shop.snapshot().await;
    let r = shop.run(&["erase", "--email", "olle@example.se", "--today", TODAY]);
    assert_eq!(r.code, 1, "{k}: {}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("Cannot erase"), "{k}: {}", r.stdout);
    assert!(r.stdout.contains("visit_log"), "{k}: {}", r.stdout);
    assert_eq!(shop.snapshot().await, before, "{k}: nothing changed");
    let r = shop.run(&["requests", "--all", "--json"]);
    assert!(
        r.stdout.contains("\"failed\""),
        "{k}: the failed request is recorded: {}",
        r.stdout
    );

    // 10. A NOT NULL date with no fixed value blocks the erasure, naming the field.
    let register = std::fs::read_to_string(shop.dir.path().join("skydd.toml")).unwrap();
    std::fs::write(
        shop.dir.path().join("skydd.toml"),
        register.replace(
            "\"shop.customer.birth_date\" = { strategy = \"fixed\", value = \"1900-01-01\" }",
            "",
        ),
    )
    .unwrap();
    let r = shop.run(&["erase", "--email", "anna.ek@example.se", "--today", TODAY]);
    assert_eq!(r.code, 1, "{k}: {}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("birth_date"), "{k}: {}", r.stdout);
    assert_eq!(shop.snapshot().await, before, "{k}: nothing changed");
    std::fs::write(shop.dir.path().join("skydd.toml"), register).unwrap();

    // 11. Retention: what is due is what hand-written SQL counts, the run erases exactly
    //     that, and a second run finds nothing.
    let r = shop.run(&["retention", "plan", "--today", TODAY, "--json"]);
    assert_eq!(r.code, 0, "{k}: {}", r.stderr);
    let plan = r.json();
    // One preference older than a year (John's, 2024-01-10; composite key) and one
    // payment whose seven years have run out (Anna's, 2018).
    let prefs_due = shop
        .count("SELECT COUNT(*) FROM customer_preference WHERE updated_on <= '2025-11-29'")
        .await;
    let payments_due = shop
        .count("SELECT COUNT(*) FROM payment WHERE paid_on < '2019-01-01' AND (first_name IS NOT NULL OR last_name IS NOT NULL)")
        .await;
    assert_eq!((prefs_due, payments_due), (1, 1), "{k}");
    assert_eq!(
        plan["rows_due_in_all"].as_i64().unwrap(),
        prefs_due + payments_due,
        "{k}: {plan:#}"
    );
    let r = shop.run(&["retention", "run", "--today", TODAY, "--json"]);
    assert_eq!(r.code, 0, "{k}: {}{}", r.stdout, r.stderr);
    let run = r.json();
    assert_eq!(
        run["rows"].as_i64().unwrap(),
        prefs_due + payments_due,
        "{k}: {run:#}"
    );
    assert_eq!(
        shop.count("SELECT COUNT(*) FROM customer_preference WHERE updated_on <= '2025-11-29'")
            .await,
        0,
        "{k}"
    );
    let r = shop.run(&["retention", "run", "--today", TODAY, "--json"]);
    assert_eq!(r.json()["rows"], 0, "{k}");

    shop.drop().await;
}

#[tokio::test]
async fn conformance_on_sqlite() {
    conformance(DbKind::Sqlite).await;
}

#[tokio::test]
async fn conformance_on_postgresql() {
    conformance(DbKind::Postgres).await;
}

#[tokio::test]
async fn conformance_on_mariadb() {
    conformance(DbKind::Mysql).await;
}
