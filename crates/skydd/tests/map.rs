//! `skydd map check` and `skydd map draft` through the binary, on the hosting company of the
//! demo with tables and settings added to provoke each finding: SQLite always; PostgreSQL and
//! MariaDB when `SKYDD_TEST_POSTGRES_URL` and `SKYDD_TEST_MYSQL_URL` are set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use common::{ServerDb, skydd};
use skydd_connect::Db;
use skydd_core::register::DbKind;

/// `skydd map check --json`: (exit code, findings as `severity at: message`).
fn check(dir: &Path, env: &[(&str, &str)]) -> (i32, Vec<String>) {
    let r = skydd(dir, &["map", "check", "--json"], env);
    let v: serde_json::Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", r.stdout, r.stderr));
    let found = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}: {}{}",
                f["severity"].as_str().unwrap(),
                f["at"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
                f["fix"]
                    .as_str()
                    .map(|x| format!(" | fix: {x}"))
                    .unwrap_or_default()
            )
        })
        .collect();
    (r.code, found)
}

/// The one finding containing `needle`.
fn the<'a>(found: &'a [String], needle: &str) -> &'a str {
    let hits: Vec<&String> = found.iter().filter(|f| f.contains(needle)).collect();
    assert_eq!(hits.len(), 1, "one finding with {needle:?} in {found:#?}");
    hits[0]
}

/// The demo company: register, data map and a SQLite database with its tables (empty), plus
/// `extra` statements.
async fn company(extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().to_path_buf();
    std::fs::write(p.join("skydd.toml"), skydd_demo::REGISTER).unwrap();
    std::fs::write(p.join("datamap.yml"), skydd_demo::DATAMAP).unwrap();
    std::fs::write(p.join("hmac.key"), "test-key").unwrap();
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
    for s in extra {
        db.execute(s).await.unwrap();
    }
    db.close().await;
    (dir, p)
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} lacks {from:?}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn append(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    let mut all = std::fs::read_to_string(&path).unwrap();
    all.push_str(text);
    std::fs::write(path, all).unwrap();
}

#[tokio::test]
async fn the_demo_company_passes_clean() {
    let (_t, dir) = company(&[]).await;
    let (code, found) = check(&dir, &[]);
    assert_eq!(code, 0, "{found:#?}");
    assert!(found.is_empty(), "{found:#?}");
}

#[tokio::test]
async fn an_email_looked_up_without_a_case_insensitive_index_gets_the_index_to_add() {
    // A plain index does not serve lower(email).
    let (_t, dir) = company(&[
        "DROP INDEX customer_email",
        "CREATE INDEX customer_email_plain ON customer (email)",
    ])
    .await;
    let (_, found) = check(&dir, &[]);
    assert_eq!(
        the(&found, "customer.email"),
        "warning webbplatsnu.customer.email: requests look this e-mail up ignoring case (lower(column)), but no index serves that (every request scans the table) | fix: CREATE INDEX \"skydd_customer_email_lower\" ON \"customer\" (lower(\"email\"));"
    );
}

#[tokio::test]
async fn a_table_with_personal_data_missing_from_the_map_is_an_error() {
    let (_t, dir) = company(&[
        "CREATE TABLE app_user (id INTEGER PRIMARY KEY, email TEXT NOT NULL, password_hash TEXT, created_at TIMESTAMP)",
        "CREATE TABLE price_list (id INTEGER PRIMARY KEY, product TEXT, price NUMERIC)",
        "CREATE TABLE setting (name TEXT PRIMARY KEY, value TEXT)",
    ])
    .await;
    let (code, found) = check(&dir, &[]);
    assert_eq!(code, 1, "{found:#?}");
    assert_eq!(
        the(&found, "app_user"),
        "error webbplatsnu.app_user: table `app_user` is not in the data map but holds personal data: id (user.unique_id), email (user.contact.email), password_hash (user.authorization.password) (requests and retention never see it) | fix: run `skydd map draft --source main` and copy its `app_user` collection into the data map; if it holds no one's personal data, add it with `fides_meta: {skip_processing: true}`"
    );
    // Weak evidence only: a warning.
    assert!(
        the(&found, "price_list").starts_with(
            "warning webbplatsnu.price_list: table `price_list` is not in the data map; these columns may hold personal data: price (user.financial?)"
        ),
        "{found:#?}"
    );
    // Nothing personal: nothing to say.
    assert!(!found.iter().any(|f| f.contains("setting")), "{found:#?}");
    // Mapped and skipped is mapped.
    append(
        &dir,
        "datamap.yml",
        "      - name: app_user\n        fides_meta: { skip_processing: true }\n",
    );
    let (_, found) = check(&dir, &[]);
    assert!(!found.iter().any(|f| f.contains("app_user")), "{found:#?}");
    // The text output says the same, with its fix.
    edit(
        &dir,
        "datamap.yml",
        "      - name: app_user\n        fides_meta: { skip_processing: true }\n",
        "",
    );
    let r = skydd(&dir, &["map", "check"], &[]);
    assert!(
        r.stdout.contains(
            "error: webbplatsnu.app_user: table `app_user` is not in the data map but holds personal data"
        ) && r.stdout.contains("    run `skydd map draft --source main`"),
        "{}",
        r.stdout
    );
}

#[tokio::test]
async fn retention_anchored_on_an_event_bound_to_no_column_is_a_warning() {
    let (_t, dir) = company(&[]).await;
    edit(
        &dir,
        "skydd.toml",
        "request_closed = \"support_ticket.closed_on\"\n",
        "last_activity = \"customer.last_login_at\"\n",
    );
    let (code, found) = check(&dir, &[]);
    assert_eq!(code, 0, "warnings only: {found:#?}");
    assert_eq!(
        the(&found, "support_ticket"),
        "warning webbplatsnu.support_ticket: retention is not enforced for subject, body: purpose `support`: event `request_closed` is bound to no column of webbplatsnu.support_ticket or of a collection it refers to (bind it under [database.events])"
    );
    // An event bound to a column no rule uses.
    assert!(the(&found, "last_activity").starts_with("warning database `main`: event `last_activity` is bound to `customer.last_login_at`, but no purpose's retention rule runs from it"));
}

#[tokio::test]
async fn an_event_used_by_a_second_criterion_or_a_category_period_is_used() {
    let (_t, dir) = company(&[]).await;
    edit(
        &dir,
        "skydd.toml",
        "request_closed = \"support_ticket.closed_on\"\n",
        "request_closed = \"support_ticket.closed_on\"\nlast_activity = \"customer.last_login_at\"\n",
    );
    let unused = "event `last_activity` is bound to `customer.last_login_at`, but no purpose's retention rule runs from it";
    let (_, found) = check(&dir, &[]);
    assert!(found.iter().any(|f| f.contains(unused)), "{found:#?}");
    // The second of two criteria runs from it.
    edit(
        &dir,
        "skydd.toml",
        "rule = \"2 years after contract_end\"",
        "rule = \"the later of 2 years after contract_end and 3 years after last_activity\"",
    );
    let (_, found) = check(&dir, &[]);
    assert!(!found.iter().any(|f| f.contains(unused)), "{found:#?}");
    // A period of its own for some of the purpose's categories runs from it.
    edit(
        &dir,
        "skydd.toml",
        "retention = { rule = \"the later of 2 years after contract_end and 3 years after last_activity\", text = { sv = \"Så länge du är kund och två år därefter.\", en = \"As long as you are a customer and two years after.\" } }\n",
        "",
    );
    edit(
        &dir,
        "skydd.toml",
        "recipients = [\"ilait\", \"nameisp\"]\n",
        "recipients = [\"ilait\", \"nameisp\"]\n\n[purpose.retention]\nrule = \"2 years after contract_end\"\n\n[[purpose.retention.for]]\ncategories = [\"user.contact\"]\nrule = \"the later of 2 years after contract_end and 3 years after last_activity\"\n",
    );
    let (_, found) = check(&dir, &[]);
    assert!(!found.iter().any(|f| f.contains(unused)), "{found:#?}");
}

#[tokio::test]
async fn a_collection_found_from_two_people_is_shared() {
    let (_t, dir) = company(&[
        "CREATE TABLE message (id BIGINT PRIMARY KEY, sender_id BIGINT REFERENCES customer (id), recipient_id BIGINT REFERENCES customer (id), sent_at TIMESTAMP)",
        "CREATE INDEX message_sender ON message (sender_id)",
        "CREATE INDEX message_recipient ON message (recipient_id)",
    ])
    .await;
    append(
        &dir,
        "datamap.yml",
        "      - name: message
        fields:
          - name: id
            fides_meta: { primary_key: true }
          - name: sender_id
            data_categories: [user.unique_id]
            fides_meta:
              references: [{ dataset: webbplatsnu, field: customer.id, direction: from }]
          - name: recipient_id
            data_categories: [user.unique_id]
            fides_meta:
              references: [{ dataset: webbplatsnu, field: customer.id, direction: from }]
          - name: sent_at
            data_categories: [system.operations]
",
    );
    let (code, found) = check(&dir, &[]);
    assert_eq!(code, 0, "{found:#?}");
    assert_eq!(
        the(&found, "webbplatsnu.message"),
        "warning webbplatsnu.message: its rows are found from several people (sender_id → customer, recipient_id → customer): a row that names someone else too is shared, and an erasure leaves it unchanged (removing the person's link where the column allows NULL) | fix: if a row belongs to one of them, keep `direction: from` only on that person's reference and drop the others' `references` (the columns stay keys)"
    );
    // One owner: no finding.
    edit(
        &dir,
        "datamap.yml",
        "            data_categories: [user.unique_id]
            fides_meta:
              references: [{ dataset: webbplatsnu, field: customer.id, direction: from }]
          - name: sent_at",
        "            data_categories: [user.unique_id]
          - name: sent_at",
    );
    let (_, found) = check(&dir, &[]);
    assert!(
        !found.iter().any(|f| f.contains("several people")),
        "{found:#?}"
    );
}

#[tokio::test]
async fn masking_values_that_do_not_fit_their_column_are_errors() {
    let (_t, dir) = company(&[]).await;
    append(
        &dir,
        "skydd.toml",
        "\"webbplatsnu.invoice.issued_on\" = { strategy = \"fixed\", value = \"not a date\" }\n\"webbplatsnu.invoce.number\" = \"null\"\n",
    );
    edit(
        &dir,
        "datamap.yml",
        "          - name: expires_on\n",
        "          - name: expires_on\n            fides_meta: { masking_strategy_override: { strategy: string_rewrite, configuration: { rewrite_value: soon } } }\n",
    );
    let (code, found) = check(&dir, &[]);
    assert_eq!(code, 1, "{found:#?}");
    assert!(
        the(&found, "`not a date`").starts_with(
            "error [erasure.fields] `webbplatsnu.invoice.issued_on`: the fixed value does not fit the column: `not a date` is not a date (YYYY-MM-DD) (column `issued_on` is DATE)"
        ),
        "{found:#?}"
    );
    assert!(
        the(&found, "soon").starts_with(
            "error webbplatsnu.domain.expires_on: its masking_strategy_override's fixed value does not fit the column: `soon` is not a date"
        ),
        "{found:#?}"
    );
    assert!(
        the(&found, "invoce").starts_with(
            "error [erasure.fields]: `webbplatsnu.invoce.number` names no field of the data map"
        ),
        "{found:#?}"
    );
}

#[tokio::test]
async fn a_not_null_number_that_erasure_would_set_to_null_is_an_error() {
    let (_t, dir) = company(&[]).await;
    // The invoice amount becomes personal data the bookkeeping purpose keeps.
    edit(
        &dir,
        "datamap.yml",
        "          - name: amount_ore\n            data_categories: [system.operations]",
        "          - name: amount_ore\n            data_categories: [user.financial]",
    );
    edit(
        &dir,
        "skydd.toml",
        "data_categories = [\"user.name\", \"user.contact.address\"]",
        "data_categories = [\"user.name\", \"user.contact.address\", \"user.financial\"]",
    );
    let (code, found) = check(&dir, &[]);
    assert_eq!(code, 1, "{found:#?}");
    assert_eq!(
        the(&found, "amount_ore"),
        "error webbplatsnu.invoice.amount_ore: the column is NOT NULL and BIGINT, but its masking would write NULL: an erasure would fail here | fix: give it a fixed value in [erasure.fields]: \"webbplatsnu.invoice.amount_ore\" = { strategy = \"fixed\", value = \"0\" }"
    );
    // The fix the finding names.
    append(
        &dir,
        "skydd.toml",
        "\"webbplatsnu.invoice.amount_ore\" = { strategy = \"fixed\", value = \"0\" }\n",
    );
    let (code, found) = check(&dir, &[]);
    assert_eq!(code, 0, "{found:#?}");
    assert!(
        !found.iter().any(|f| f.contains("amount_ore")),
        "{found:#?}"
    );
}

#[tokio::test]
async fn a_draft_of_the_demo_database_loads_and_follows_only_what_is_owned() {
    let (_t, dir) = company(&[]).await;
    let r = skydd(
        &dir,
        &[
            "map",
            "draft",
            "--source",
            "main",
            "--key",
            "webbplatsnu",
            "--out",
            "drafted.yml",
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("`# review:` notes"), "{}", r.stderr);
    let yaml = std::fs::read_to_string(dir.join("drafted.yml")).unwrap();
    assert!(yaml.starts_with("# From database `main`.\n"), "{yaml}");
    let map =
        skydd_core::datamap::resolve(skydd_core::datamap::parse(&yaml, "drafted.yml").unwrap())
            .unwrap();
    skydd_core::datamap::graph::check(&map).unwrap();
    let refs: Vec<String> = map
        .collections()
        .flat_map(|c| {
            c.fields.iter().flat_map(move |f| {
                f.references.iter().map(move |r| {
                    format!("{}.{} {:?} {}", c.key.collection, f.name, r.direction, r.to)
                })
            })
        })
        .collect();
    assert_eq!(
        refs,
        [
            "access_log.customer_id From webbplatsnu.customer.id",
            "domain.customer_id From webbplatsnu.customer.id",
            "invoice.customer_id From webbplatsnu.customer.id",
            "support_ticket.customer_id From webbplatsnu.customer.id",
        ],
        "a contact is a person of its own: not reached from the customer"
    );
    assert!(
        yaml.contains("# review: links two people's records (contact → customer)"),
        "{yaml}"
    );
}

/// The checks against a server: a fresh database with the demo's tables and an unmapped
/// table of users, and a fixed value that is no date.
async fn server_check(kind: DbKind) {
    let Some(server) = ServerDb::create(kind, "skydd_map").await else {
        return;
    };
    let url = server.url.clone();
    let db = Db::connect("main", kind, &url, None, false).await.unwrap();
    for s in skydd_demo::schema(kind) {
        db.execute(&s).await.unwrap();
    }
    db.execute("CREATE TABLE app_user (id BIGINT PRIMARY KEY, email VARCHAR(254) NOT NULL, password_hash VARCHAR(100))")
        .await
        .unwrap();
    db.close().await;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let reg = skydd_demo::REGISTER.replace(
        "kind = \"sqlite\"\npath = \"webbplatsnu.sqlite\"",
        &format!("kind = \"{}\"\nurl_env = \"WEBBPLATSNU_DB\"", kind.key()),
    );
    std::fs::write(
        p.join("skydd.toml"),
        format!(
            "{reg}\"webbplatsnu.invoice.issued_on\" = {{ strategy = \"fixed\", value = \"not a date\" }}\n"
        ),
    )
    .unwrap();
    std::fs::write(p.join("datamap.yml"), skydd_demo::DATAMAP).unwrap();
    std::fs::write(p.join("hmac.key"), "k").unwrap();
    let env = [("WEBBPLATSNU_DB", url.as_str())];
    let (code, found) = check(p, &env);
    assert_eq!(code, 1, "{kind:?}: {found:#?}");
    assert!(
        the(&found, "app_user").starts_with(
            "error webbplatsnu.app_user: table `app_user` is not in the data map but holds personal data: id (user.unique_id), email (user.contact.email), password_hash (user.authorization.password)"
        ),
        "{kind:?}: {found:#?}"
    );
    assert!(
        the(&found, "`not a date`").contains("`not a date` is not a date (YYYY-MM-DD)"),
        "{kind:?}: {found:#?}"
    );
    assert_eq!(found.len(), 2, "{kind:?}: {found:#?}");
    server.drop().await;
}

#[tokio::test]
async fn map_check_on_postgresql() {
    server_check(DbKind::Postgres).await;
}

#[tokio::test]
async fn map_check_on_mariadb() {
    server_check(DbKind::Mysql).await;
}
