//! The connectors against real databases: SQLite always, PostgreSQL and MariaDB when their
//! URLs are set (`.ci/run` sets them). Every test runs the same story on every backend.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::{BTreeMap, BTreeSet};

use skydd_connect::{read, sweep, write};
use skydd_core::datamap::{self, graph};
use skydd_core::identity::IdentityKind;
use skydd_core::plan::{World, erasure, retention};
use skydd_core::schema::ColumnKind;
use skydd_core::value::Value;
use support::TestDb;

const SCHEMA: &str = r#"
CREATE TABLE customer (id INTEGER PRIMARY KEY, email VARCHAR(100), name VARCHAR(100) NOT NULL, contract_ended_on DATE);
CREATE TABLE invoice (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, billing_name VARCHAR(100), amount INTEGER NOT NULL, issued_on DATE NOT NULL, FOREIGN KEY (customer_id) REFERENCES customer (id));
CREATE INDEX invoice_customer ON invoice (customer_id);
CREATE TABLE access_log (id INTEGER PRIMARY KEY, email VARCHAR(100), ip VARCHAR(45), logged_at TIMESTAMP NOT NULL);
INSERT INTO customer VALUES (1, 'anna@example.se', 'Anna Andersson', '2025-03-31'), (2, 'bo@example.se', 'Bo Berg', NULL), (3, 'cia@example.se', 'Cia Ceder', '2020-01-15');
INSERT INTO invoice VALUES (10, 1, 'Anna Andersson', 1200, '2017-06-30'), (11, 1, 'Anna Andersson', 1500, '2025-01-31'), (12, 2, 'Bo Berg', 900, '2025-05-05');
INSERT INTO access_log VALUES (30, 'anna@example.se', '192.0.2.7', '2026-11-20 10:00:00'), (31, 'bo@example.se', '192.0.2.8', '2026-09-01 08:00:00')
"#;

const REGISTER: &str = r#"
[controller]
name = "Värd AB"
email = "dataskydd@vard.se"

[[purpose]]
id = "customers"
name = "Kundförhållandet"
legal_basis = "contract"
data_subjects = ["customer"]
data_categories = ["user.name", "user.contact"]
collections = ["hosting.customer"]
retention = "2 years after contract_end"

[[purpose]]
id = "bookkeeping"
name = "Bokföring"
legal_basis = "legal_obligation"
statute = "bokforingslagen"
data_subjects = ["customer"]
data_categories = ["user.name", "user.financial"]
collections = ["hosting.invoice"]
retention = "7 years after end of calendar year of financial_year_end"

[[purpose]]
id = "security"
name = "Säkerhet"
legal_basis = "legitimate_interests"
legitimate_interest = "Att stoppa intrång."
data_subjects = ["customer"]
data_categories = ["user.device.ip_address", "user.contact.email"]
collections = ["hosting.access_log"]
retention = "45 days after collected"

[[database]]
name = "main"
kind = "sqlite"
path = "x.sqlite"
dataset = "hosting.yml"

[database.events]
contract_end = "customer.contract_ended_on"
financial_year_end = "invoice.issued_on"
collected = "access_log.logged_at"

[erasure.collections]
"hosting.access_log" = "delete"
"hosting.customer" = "delete"

[erasure.fields]
"hosting.invoice.amount" = { strategy = "fixed", value = "0" }
"#;

const DATASET: &str = r#"
dataset:
  - fides_key: hosting
    collections:
      - name: customer
        fields:
          - { name: id, data_categories: [user.unique_id], fides_meta: { primary_key: true } }
          - { name: email, data_categories: [user.contact.email], fides_meta: { identity: email } }
          - { name: name, data_categories: [user.name] }
          - { name: contract_ended_on, data_categories: [system.operations] }
      - name: invoice
        fields:
          - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
          - name: customer_id
            data_categories: [user.unique_id]
            fides_meta: { references: [{ dataset: hosting, field: customer.id, direction: from }] }
          - { name: billing_name, data_categories: [user.name] }
          - { name: amount, data_categories: [user.financial] }
          - { name: issued_on, data_categories: [system.operations] }
      - name: access_log
        fields:
          - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
          - { name: email, data_categories: [user.contact.email], fides_meta: { identity: email } }
          - { name: ip, data_categories: [user.device.ip_address] }
          - { name: logged_at, data_categories: [system.operations] }
"#;

struct Story {
    register: skydd_core::Register,
    map: datamap::DataMap,
}

impl Story {
    fn new() -> Story {
        Story {
            register: skydd_core::load(REGISTER).unwrap(),
            map: datamap::resolve(datamap::parse(DATASET, "hosting.yml").unwrap()).unwrap(),
        }
    }
}

fn today() -> jiff::civil::Date {
    "2026-11-21".parse().unwrap()
}

async fn setup() -> Vec<TestDb> {
    let dbs = TestDb::all().await;
    for t in &dbs {
        t.run(SCHEMA).await;
    }
    dbs
}

async fn access_for(story: &Story, t: &TestDb, email: &str) -> read::Access {
    let schema = t.db.introspect().await.unwrap();
    let traversal = graph::traversal(&story.map, &[IdentityKind::Email]).unwrap();
    let ids = BTreeMap::from([(IdentityKind::Email, vec![email.to_owned()])]);
    let dbs = BTreeMap::from([("hosting".to_owned(), t.db.clone())]);
    let schemas = BTreeMap::from([("hosting".to_owned(), schema)]);
    read::access(&story.map, &traversal, &ids, &dbs, &schemas)
        .await
        .unwrap()
}

fn rows(a: &read::Access, collection: &str) -> Vec<Vec<Value>> {
    a.found
        .iter()
        .find(|f| f.collection.collection == collection)
        .map(|f| f.rows.clone())
        .unwrap_or_default()
}

async fn scalar(t: &TestDb, sql: &str) -> Vec<Vec<Value>> {
    // Reuse the traversal's reader for ad-hoc checks by going through a count-free path.
    use sqlx::Row;
    let sql = if t.kind == skydd_core::register::DbKind::Mysql {
        sql.replace('"', "`")
    } else {
        sql.to_owned()
    };
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(t.db.pool())
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            (0..r.len())
                .map(|i| match r.try_get::<Option<i64>, _>(i) {
                    Ok(Some(v)) => Value::Int(v),
                    Ok(None) => Value::Null,
                    Err(_) => r
                        .try_get::<Option<String>, _>(i)
                        .ok()
                        .flatten()
                        .map_or(Value::Null, Value::Text),
                })
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn introspection_reads_keys_types_and_indexes() {
    for t in setup().await {
        let s = t.db.introspect().await.unwrap();
        let invoice = s.table("invoice").unwrap();
        assert_eq!(invoice.primary_key, ["id"], "{:?}", t.kind);
        assert_eq!(invoice.foreign_keys.len(), 1, "{:?}", t.kind);
        assert_eq!(invoice.foreign_keys[0].table, "customer");
        assert!(invoice.is_indexed("customer_id"), "{:?}", t.kind);
        assert!(
            !s.table("access_log").unwrap().is_indexed("email"),
            "{:?}",
            t.kind
        );
        let customer = s.table("customer").unwrap();
        assert_eq!(customer.column("email").unwrap().kind, ColumnKind::Text);
        assert_eq!(
            customer.column("email").unwrap().max_len,
            Some(100),
            "{:?}",
            t.kind
        );
        assert!(!customer.column("name").unwrap().nullable);
        assert_eq!(
            customer.column("contract_ended_on").unwrap().kind,
            ColumnKind::Date,
            "{:?}",
            t.kind
        );
        assert_eq!(
            s.table("access_log")
                .unwrap()
                .column("logged_at")
                .unwrap()
                .kind,
            ColumnKind::Timestamp,
            "{:?}",
            t.kind
        );
        t.drop_db().await;
    }
}

#[tokio::test]
async fn access_finds_a_persons_rows_through_identities_and_references() {
    let story = Story::new();
    for t in setup().await {
        let a = access_for(&story, &t, "anna@example.se").await;
        let customer = rows(&a, "customer");
        assert_eq!(customer.len(), 1, "{:?}", t.kind);
        assert_eq!(customer[0][2], Value::Text("Anna Andersson".into()));
        assert_eq!(
            customer[0][3],
            Value::Text("2025-03-31".into()),
            "dates read as ISO text on {:?}",
            t.kind
        );
        let mut invoices: Vec<i64> = rows(&a, "invoice")
            .iter()
            .map(|r| if let Value::Int(i) = r[0] { i } else { -1 })
            .collect();
        invoices.sort();
        assert_eq!(invoices, [10, 11], "{:?}", t.kind);
        assert_eq!(rows(&a, "access_log").len(), 1);
        assert_eq!(a.statements, 3, "one query per collection on {:?}", t.kind);
        // Nobody: every collection is empty, and no error.
        let none = access_for(&story, &t, "nobody@example.se").await;
        assert!(none.found.iter().all(|f| f.rows.is_empty()));
        t.drop_db().await;
    }
}

#[tokio::test]
async fn erasure_keeps_the_bookkeeping_hold_runs_in_one_transaction_and_changes_nothing_twice() {
    let story = Story::new();
    for t in setup().await {
        let schema = t.db.introspect().await.unwrap();
        let a = access_for(&story, &t, "anna@example.se").await;
        let dataset_of = BTreeMap::from([("main".to_owned(), "hosting".to_owned())]);
        let world = World::new(
            &story.register,
            &story.map,
            BTreeMap::from([("hosting".to_owned(), schema.clone())]),
            &dataset_of,
        );
        let mut random = |n: usize| "x".repeat(n);
        let mut maskers = erasure::Maskers {
            hmac: None,
            random: &mut random,
        };
        let none = BTreeSet::new();
        let plan = erasure::plan(
            &world,
            &erasure::Request {
                found: &a.found,
                today: today(),
                already_erased: &none,
                sharing: &Default::default(),
            },
            &mut maskers,
        );
        assert!(plan.blockers.is_empty(), "{:?}", plan.blockers);
        assert_eq!(
            plan.holds().count(),
            2,
            "invoice 11's name and amount are kept ({:?})",
            t.kind
        );
        let done = write::apply(&t.db, &schema, &plan.steps["hosting"])
            .await
            .unwrap();
        assert!(done.statements >= 3, "{done:?}");
        let c = scalar(&t, "SELECT email, name FROM customer WHERE id = 1").await;
        assert_eq!(
            c,
            [vec![Value::Null, Value::Text(String::new())]],
            "customer masked, not deleted: invoices refer to it ({:?})",
            t.kind
        );
        let i = scalar(
            &t,
            "SELECT id, billing_name, amount FROM invoice WHERE customer_id = 1 ORDER BY id",
        )
        .await;
        assert_eq!(
            i,
            [
                vec![Value::Int(10), Value::Null, Value::Int(0)],
                vec![
                    Value::Int(11),
                    Value::Text("Anna Andersson".into()),
                    Value::Int(1500)
                ]
            ],
            "{:?}",
            t.kind
        );
        assert!(
            scalar(&t, "SELECT id FROM access_log WHERE id = 30")
                .await
                .is_empty()
        );
        // Bo is untouched.
        assert_eq!(
            scalar(&t, "SELECT email FROM customer WHERE id = 2").await,
            [vec![Value::Text("bo@example.se".into())]]
        );
        // Again: Anna's e-mail is gone, so nothing is found and nothing changes.
        let again = access_for(&story, &t, "anna@example.se").await;
        let plan2 = erasure::plan(
            &world,
            &erasure::Request {
                found: &again.found,
                today: today(),
                already_erased: &none,
                sharing: &Default::default(),
            },
            &mut maskers,
        );
        assert_eq!(plan2.step_count(), 0, "{:?}", t.kind);
        t.drop_db().await;
    }
}

#[tokio::test]
async fn a_failing_statement_rolls_back_the_whole_erasure() {
    let story = Story::new();
    for t in setup().await {
        let schema = t.db.introspect().await.unwrap();
        let a = access_for(&story, &t, "bo@example.se").await;
        let customer = a
            .found
            .iter()
            .find(|f| f.collection.collection == "customer")
            .unwrap();
        let coll = customer.collection.clone();
        // Mask Bo's e-mail, then delete his customer row, which his invoice still refers
        // to: the database refuses the delete, and the mask must not survive.
        let steps = vec![
            erasure::Step::Update {
                collection: coll.clone(),
                key: vec![("id".into(), Value::Int(2))],
                set: vec![erasure::Change {
                    field: "email".into(),
                    strategy: datamap::Masking::Null,
                    before: Value::Text("bo@example.se".into()),
                    after: Value::Null,
                    unlink: false,
                }],
            },
            erasure::Step::Delete {
                collection: coll,
                key: vec![("id".into(), Value::Int(2))],
            },
        ];
        let err = write::apply(&t.db, &schema, &steps).await.unwrap_err();
        assert!(err.to_string().contains("database `test`"), "{err}");
        assert_eq!(
            scalar(&t, "SELECT email FROM customer WHERE id = 2").await,
            [vec![Value::Text("bo@example.se".into())]],
            "{:?}",
            t.kind
        );
        t.drop_db().await;
    }
}

#[tokio::test]
async fn an_erasure_never_overwrites_what_changed_after_it_was_planned() {
    // Anna's erasure is planned; before it runs, a retention sweep NULLs her name. The
    // erasure's write must not land on the changed row (its name would be hashed back from
    // the stale value): nothing is written, and the caller is told to plan again.
    let story = Story::new();
    for t in setup().await {
        let schema = t.db.introspect().await.unwrap();
        let a = access_for(&story, &t, "anna@example.se").await;
        let dataset_of = BTreeMap::from([("main".to_owned(), "hosting".to_owned())]);
        let world = World::new(
            &story.register,
            &story.map,
            BTreeMap::from([("hosting".to_owned(), schema.clone())]),
            &dataset_of,
        );
        let hmac = |s: &str| format!("h:{s}");
        let mut random = |n: usize| "x".repeat(n);
        let mut maskers = erasure::Maskers {
            hmac: Some(&hmac),
            random: &mut random,
        };
        let none = BTreeSet::new();
        let plan = erasure::plan(
            &world,
            &erasure::Request {
                found: &a.found,
                today: today(),
                already_erased: &none,
                sharing: &Default::default(),
            },
            &mut maskers,
        );
        // Meanwhile: the old invoice's billing name is anonymised by someone else.
        t.run("UPDATE invoice SET billing_name = NULL WHERE id = 10")
            .await;
        let before = scalar(&t, "SELECT id, email, name FROM customer ORDER BY id").await;
        let err = write::apply(&t.db, &schema, &plan.steps["hosting"])
            .await
            .unwrap_err();
        assert!(
            matches!(err, skydd_connect::DbError::Conflict { .. }),
            "{:?}: {err}",
            t.kind
        );
        assert_eq!(
            scalar(&t, "SELECT id, email, name FROM customer ORDER BY id").await,
            before,
            "{:?}: rolled back, nothing written",
            t.kind
        );
        // Planned again from fresh rows, it goes through and leaves the NULL alone.
        let fresh = access_for(&story, &t, "anna@example.se").await;
        let plan = erasure::plan(
            &world,
            &erasure::Request {
                found: &fresh.found,
                today: today(),
                already_erased: &none,
                sharing: &Default::default(),
            },
            &mut maskers,
        );
        write::apply(&t.db, &schema, &plan.steps["hosting"])
            .await
            .unwrap();
        assert_eq!(
            scalar(&t, "SELECT billing_name FROM invoice WHERE id = 10").await,
            [vec![Value::Null]],
            "{:?}",
            t.kind
        );
        t.drop_db().await;
    }
}

#[tokio::test]
async fn a_timestamp_with_a_zone_falls_on_its_swedish_day() {
    // 00:30 in Stockholm on 20 November is 23:30 UTC on the 19th. Retention counts Swedish
    // days: on a cutoff of "before the 20th" the row is not yet due, whatever zone the
    // server runs in.
    let Some(t) = TestDb::postgres().await else {
        return;
    };
    // The server's own zone must not matter: make this database's default UTC.
    let name = t
        .url
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    t.db.execute(&format!("ALTER DATABASE \"{name}\" SET timezone TO 'UTC'"))
        .await
        .unwrap();
    t.run(
        "CREATE TABLE log (id INTEGER PRIMARY KEY, seen_at TIMESTAMPTZ NOT NULL);
INSERT INTO log VALUES (1, '2024-11-20 00:30:00+01')",
    )
    .await;
    let schema = t.db.introspect().await.unwrap();
    let job = |before: &str| retention::Job {
        collection: datamap::CollectionRef {
            dataset: "x".into(),
            collection: "log".into(),
        },
        key: vec!["id".into()],
        action: retention::Action::Delete,
        when: vec![retention::Cond {
            path: retention::ColumnPath::Own {
                column: "seen_at".into(),
            },
            before: before.parse().unwrap(),
        }],
        rules: vec![],
        guards: vec![],
        referenced_by: vec![],
        pending: vec![],
        exclude: vec![],
    };
    assert_eq!(
        sweep::count(&t.db, &schema, &job("2024-11-20"))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        sweep::count(&t.db, &schema, &job("2024-11-21"))
            .await
            .unwrap(),
        1
    );
    t.drop_db().await;
}

#[tokio::test]
async fn composite_keys_are_swept_and_masked_on_every_backend() {
    // `(a, b) IN (SELECT (a, b) …)` compares one composite column on PostgreSQL; the sweep
    // and the erasure's writes must address composite keys portably.
    for t in TestDb::all().await {
        t.run(
            "CREATE TABLE pref (customer_id INTEGER NOT NULL, topic VARCHAR(20) NOT NULL, note VARCHAR(100), updated_on DATE NOT NULL, PRIMARY KEY (customer_id, topic));
INSERT INTO pref VALUES (1, 'a', 'x', '2020-01-01'), (1, 'b', 'y', '2020-01-01'), (2, 'a', 'z', '2026-01-01')",
        )
        .await;
        let schema = t.db.introspect().await.unwrap();
        let cond = |before: &str| retention::Cond {
            path: retention::ColumnPath::Own {
                column: "updated_on".into(),
            },
            before: before.parse().unwrap(),
        };
        let mask = retention::Job {
            collection: datamap::CollectionRef {
                dataset: "x".into(),
                collection: "pref".into(),
            },
            key: vec!["customer_id".into(), "topic".into()],
            action: retention::Action::Mask {
                set: vec![("note".into(), Value::Null)],
            },
            when: vec![cond("2021-01-01")],
            rules: vec![],
            guards: vec![],
            referenced_by: vec![],
            pending: vec!["note".into()],
            exclude: vec![vec![Value::Int(1), Value::Text("b".into())]],
        };
        assert_eq!(
            sweep::count(&t.db, &schema, &mask).await.unwrap(),
            1,
            "{:?}",
            t.kind
        );
        let mut cursor = sweep::Cursor::default();
        let mut touched = 0;
        while let Some((n, _)) = sweep::run_batch(&t.db, &schema, &mask, 1, &mut cursor)
            .await
            .unwrap()
        {
            touched += n;
        }
        assert_eq!(touched, 1, "{:?}: the excluded row is left alone", t.kind);
        let delete = retention::Job {
            action: retention::Action::Delete,
            pending: vec![],
            exclude: vec![],
            ..mask
        };
        let mut cursor = sweep::Cursor::default();
        while sweep::run_batch(&t.db, &schema, &delete, 1, &mut cursor)
            .await
            .unwrap()
            .is_some()
        {}
        assert_eq!(
            scalar(
                &t,
                "SELECT customer_id, topic FROM pref ORDER BY customer_id, topic"
            )
            .await,
            [vec![Value::Int(2), Value::Text("a".into())]],
            "{:?}",
            t.kind
        );
        t.drop_db().await;
    }
}

#[tokio::test]
async fn the_retention_sweep_erases_in_bounded_batches_and_resumes() {
    let story = Story::new();
    for t in setup().await {
        // 2,500 old log lines (due) and 100 recent ones.
        let mut values = Vec::new();
        for i in 0..2600 {
            let when = if i < 2500 {
                "2025-01-01 12:00:00"
            } else {
                "2026-11-20 12:00:00"
            };
            values.push(format!(
                "({}, 'x{i}@example.se', '198.51.100.{}', '{when}')",
                1000 + i,
                i % 250
            ));
        }
        for chunk in values.chunks(500) {
            t.run(&format!(
                "INSERT INTO access_log VALUES {}",
                chunk.join(", ")
            ))
            .await;
        }
        let schema = t.db.introspect().await.unwrap();
        let dataset_of = BTreeMap::from([("main".to_owned(), "hosting".to_owned())]);
        let world = World::new(
            &story.register,
            &story.map,
            BTreeMap::from([("hosting".to_owned(), schema.clone())]),
            &dataset_of,
        );
        let plan = retention::plan(&world, today());
        let log_job = plan
            .jobs
            .iter()
            .find(|j| j.collection.collection == "access_log")
            .unwrap();
        // Row 31 (2026-09-01) is past 45 days too.
        assert_eq!(
            sweep::count(&t.db, &schema, log_job).await.unwrap(),
            2501,
            "{:?}",
            t.kind
        );
        // One batch, then "killed": a new run (a fresh cursor) continues from what is left.
        let (n, _) = sweep::run_batch(&t.db, &schema, log_job, 1000, &mut sweep::Cursor::default())
            .await
            .unwrap()
            .unwrap();
        assert!(n > 0 && n <= 1000, "{n}");
        assert_eq!(
            sweep::count(&t.db, &schema, log_job).await.unwrap(),
            2501 - n
        );
        let mut cursor = sweep::Cursor::default();
        let mut batches = 0;
        while let Some((_, took)) = sweep::run_batch(&t.db, &schema, log_job, 1000, &mut cursor)
            .await
            .unwrap()
        {
            assert!(took.as_secs_f64() < 1.0);
            batches += 1;
        }
        assert!(
            batches >= 2,
            "1,501 rows in batches of about 1,000: {batches}"
        );
        assert_eq!(sweep::count(&t.db, &schema, log_job).await.unwrap(), 0);
        assert_eq!(
            scalar(&t, "SELECT COUNT(*) FROM access_log").await,
            [vec![Value::Int(101)]],
            "{:?}",
            t.kind
        );
        // Customers: Cia's contract ended 2020 but she is not referenced: deleted. Anna's
        // ended 2025 (not yet two years). Invoices of 2017 get masked, 2025 kept.
        for job in &plan.jobs {
            let mut cursor = sweep::Cursor::default();
            while sweep::run_batch(&t.db, &schema, job, 500, &mut cursor)
                .await
                .unwrap()
                .is_some()
            {}
        }
        assert_eq!(
            scalar(&t, "SELECT id FROM customer ORDER BY id").await,
            [vec![Value::Int(1)], vec![Value::Int(2)]],
            "{:?}",
            t.kind
        );
        assert_eq!(
            scalar(&t, "SELECT id, billing_name FROM invoice ORDER BY id").await,
            [
                vec![Value::Int(10), Value::Null],
                vec![Value::Int(11), Value::Text("Anna Andersson".into())],
                vec![Value::Int(12), Value::Text("Bo Berg".into())]
            ],
            "{:?}",
            t.kind
        );
        t.drop_db().await;
    }
}

#[tokio::test]
async fn a_missing_sqlite_file_is_an_error_not_an_empty_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typo.sqlite");
    let e = skydd_connect::Db::connect(
        "main",
        skydd_core::register::DbKind::Sqlite,
        path.to_str().unwrap(),
        None,
        false,
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("no SQLite database at"), "{e}");
    assert!(!path.exists());
}

#[tokio::test]
async fn a_database_that_is_down_gives_a_clear_error_without_the_url() {
    let e = skydd_connect::Db::connect(
        "main",
        skydd_core::register::DbKind::Postgres,
        "postgres://skydd:hemligt@127.0.0.1:1/x",
        None,
        false,
    )
    .await
    .unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.starts_with("cannot connect to database `main` (postgres)"),
        "{msg}"
    );
    assert!(
        !msg.contains("hemligt"),
        "the password must not leak: {msg}"
    );
}

/// A password to look for in error messages.
const SECRET: &str = "Hemligt-Pw-7391";

/// `host:port` of the server named by `var`, or a closed port on this machine.
fn server(var: &str) -> String {
    std::env::var(var)
        .ok()
        .and_then(|u| {
            let rest = u.split_once("://")?.1;
            let authority = rest.split(['/', '?']).next()?;
            Some(authority.rsplit('@').next()?.to_owned())
        })
        .unwrap_or_else(|| "127.0.0.1:1".to_owned())
}

/// Every malformed or wrong URL we could think of: the error names what is wrong without
/// ever showing the password, whether the driver, the server or skydd refuses it.
#[tokio::test]
async fn no_connection_error_shows_the_password() {
    use skydd_core::register::DbKind;
    for (kind, scheme, other, var) in [
        (DbKind::Mysql, "mysql", "postgres", "SKYDD_TEST_MYSQL_URL"),
        (
            DbKind::Postgres,
            "postgres",
            "mysql",
            "SKYDD_TEST_POSTGRES_URL",
        ),
    ] {
        let at = server(var);
        let p = SECRET;
        let cases: Vec<(String, &str)> = vec![
            // No `//`: the driver once took everything after `mysql:` as the database name.
            (
                format!("{scheme}:root:{p}@{at}/test"),
                "the connection URL is malformed",
            ),
            (
                format!("{scheme}:/root:{p}@{at}/test"),
                "the connection URL is malformed",
            ),
            (
                format!("{scheme}//root:{p}@{at}/test"),
                "the connection URL is malformed",
            ),
            (
                format!("root:{p}@{at}/test"),
                "the connection URL is malformed",
            ),
            (p.to_owned(), "the connection URL is malformed"),
            (
                format!("{scheme}://root:{p}@127.0.0.1:99999/test"),
                "invalid port number",
            ),
            (
                format!("{scheme}://root:{p}@127.0.0.1:port/test"),
                "invalid port number",
            ),
            (
                format!("{scheme}://root:{p}@[::1/test"),
                "invalid IPv6 address",
            ),
            (format!("{scheme}://root:{p}@/test"), ""),
            (format!("{scheme}://root:{p} {p}@{at}/test"), ""),
            (format!("{scheme}://root:{p}%zz@{at}/test"), ""),
            (format!("{scheme}://root:{p}%ff@{at}/test"), ""),
            (format!("{scheme}://root:{p}@{p}@{at}/test"), ""),
            (format!("{scheme}://root:{p}@{at}/{p}"), ""),
            (
                format!("{scheme}://root:{p}@{at}/test?sslmode={p}&ssl-mode={p}"),
                "",
            ),
            (format!("{scheme}://:{p}@{at}/test"), ""),
            (
                format!("{scheme}x://root:{p}@{at}/test"),
                "the URL's scheme is",
            ),
            (
                format!("{other}://root:{p}@{at}/test"),
                if kind == DbKind::Mysql {
                    "the URL's scheme is `postgres://`, but a mysql database needs mysql://"
                } else {
                    "the URL's scheme is `mysql://`, but a postgres database needs postgres://"
                },
            ),
        ];
        for (url, expected) in cases {
            let msg = match skydd_connect::Db::connect("main", kind, &url, None, false).await {
                Err(e) => e.to_string(),
                // A server that trusts local logins may let a well-formed URL in.
                Ok(db) => {
                    db.close().await;
                    assert!(expected.is_empty(), "{kind:?} connected with {url}");
                    continue;
                }
            };
            assert!(!msg.contains(SECRET), "{url}: the password leaks: {msg}");
            assert!(
                !msg.contains("Pw-7391"),
                "{url}: part of the password leaks: {msg}"
            );
            assert!(
                msg.starts_with(&format!(
                    "cannot connect to database `main` ({})",
                    kind.key()
                )),
                "{msg}"
            );
            assert!(msg.contains(expected), "{url}: {msg}");
        }
    }
}

/// A port nobody listens on is reported as such at once, not after the pool's timeout.
#[tokio::test]
async fn a_closed_port_is_refused_at_once() {
    use skydd_core::register::DbKind;
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    for (kind, scheme) in [(DbKind::Postgres, "postgres"), (DbKind::Mysql, "mysql")] {
        let started = std::time::Instant::now();
        let e = skydd_connect::Db::connect(
            "main",
            kind,
            &format!("{scheme}://skydd:{SECRET}@127.0.0.1:{port}/x"),
            None,
            false,
        )
        .await
        .unwrap_err();
        let took = started.elapsed();
        let msg = e.to_string();
        assert!(msg.contains("connection refused"), "{msg}");
        assert!(!msg.contains(SECRET), "{msg}");
        assert!(
            took < std::time::Duration::from_millis(500),
            "{kind:?}: {took:?}"
        );
    }
}

/// A server's error says what the server said, its SQLSTATE, and PostgreSQL's detail, but
/// not where in the server's source it was raised.
#[tokio::test]
async fn server_errors_carry_message_code_and_detail_not_source_lines() {
    if let Some(t) = TestDb::postgres().await {
        let e = t
            .db
            .execute("CREATE TEMP TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1); INSERT INTO t VALUES (1)")
            .await
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("duplicate key value violates unique constraint \"t_pkey\" (SQLSTATE 23505); detail: Key (id)=(1) already exists."),
            "{e}"
        );
        let e = t.db.execute("SELECT 1/0").await.unwrap_err().to_string();
        assert_eq!(e, "database `test`: division by zero (SQLSTATE 22012)");
        t.drop_db().await;
    }
    if let Some(t) = TestDb::mysql().await {
        let e =
            t.db.execute("SELECT * FROM no_such_table")
                .await
                .unwrap_err()
                .to_string();
        assert!(
            e.starts_with("database `test`: error 1146 (SQLSTATE 42S02): Table '"),
            "{e}"
        );
        t.drop_db().await;
    }
}
