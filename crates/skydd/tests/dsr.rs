//! Data-subject requests and retention through the `skydd` binary, on the hosting company of
//! the demo: SQLite always; PostgreSQL and MariaDB when `SKYDD_TEST_POSTGRES_URL` and
//! `SKYDD_TEST_MYSQL_URL` are set (`.ci/run` sets them, so a missing server fails).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Run, ServerDb, skydd, write_key};
use skydd_connect::Db;
use skydd_core::register::DbKind;

/// `skydd may --purpose <purpose> --email <email>`: exit 0 means yes, 1 means no.
fn may(dir: &Path, purpose: &str, email: &str) -> Run {
    skydd(dir, &["may", "--purpose", purpose, "--email", email], &[])
}

/// Where a child's standard output goes.
#[derive(Clone, Copy, PartialEq)]
enum Output {
    /// Captured into `Run::stdout`.
    Captured,
    /// A pipe whose reader has already gone (`skydd … | head` after `head` exited).
    Closed,
}

/// Runs skydd with `input` on standard input.
fn skydd_with_stdin(dir: &Path, args: &[&str], input: &[u8], output: Output) -> Run {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_skydd"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("SKYDD_REGISTER")
        .stdin(Stdio::piped())
        .stderr(Stdio::piped());
    match output {
        Output::Captured => {
            cmd.stdout(Stdio::piped());
        }
        Output::Closed => {
            let (reader, writer) = std::io::pipe().unwrap();
            drop(reader);
            cmd.stdout(writer);
        }
    }
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // The child may refuse its input before reading all of it.
    let _ = stdin.write_all(input);
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

fn today() -> jiff::civil::Date {
    jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Stockholm").unwrap())
        .date()
}

/// The permission bits of a file.
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// A directory with the demo company's register, data map, key and a seeded SQLite database.
async fn sqlite_company() -> (tempfile::TempDir, PathBuf) {
    common::demo_company(today()).await
}

const ANNA: &str = "anna.andersson@example.se";

/// skydd's own state file of the company in `dir`.
async fn state_db(dir: &Path) -> Db {
    Db::connect(
        "state",
        DbKind::Sqlite,
        &dir.join("skydd-state.sqlite").display().to_string(),
        None,
        false,
    )
    .await
    .unwrap()
}

async fn count(dir: &Path, table: &str, where_: &str) -> i64 {
    let db = Db::connect(
        "main",
        DbKind::Sqlite,
        &dir.join("webbplatsnu.sqlite").display().to_string(),
        None,
        false,
    )
    .await
    .unwrap();
    use sqlx::Row;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM {table} WHERE {where_}"
    )))
    .fetch_one(db.pool())
    .await
    .unwrap();
    let n: i64 = row.try_get(0).unwrap();
    db.close().await;
    n
}

#[test]
fn the_demo_tells_the_whole_story() {
    let d = tempfile::tempdir().unwrap();
    let r = skydd(d.path(), &["demo"], &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    for line in [
        "Anna Andersson asks for a register extract",
        "webbplatsnu.invoice                3 row(s)",
        "Kept (legal obligation, GDPR art. 17.3 b)",
        "Bokföringslagen (1999:1078) 7 kap. 2 §",
        "Running the erasure again would take 0 steps",
        "skydd may --purpose newsletter  → no",
        "Retention run 1:",
    ] {
        assert!(r.stdout.contains(line), "lacks {line:?}:\n{}", r.stdout);
    }
}

#[tokio::test]
async fn access_writes_the_package_and_reports_in_both_languages() {
    let (_t, dir) = sqlite_company().await;
    let r = skydd(
        &dir,
        &[
            "access",
            "--email",
            "Anna.Andersson@Example.se",
            "--out",
            "ut",
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("webbplatsnu.invoice"), "{}", r.stdout);
    let pkg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("ut/access.json")).unwrap())
            .unwrap();
    assert_eq!(pkg["identities"][0], "email:anna.andersson@example.se");
    let customer = pkg["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["collection"] == "webbplatsnu.customer")
        .unwrap();
    assert_eq!(customer["rows"][0]["email"]["value"], ANNA);
    assert_eq!(
        customer["rows"][0]["email"]["categories"][0],
        "user.contact.email"
    );
    let purposes: Vec<&str> = pkg["purposes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert!(
        purposes.contains(&"bookkeeping") && purposes.contains(&"services"),
        "{purposes:?}"
    );
    let sv = std::fs::read_to_string(dir.join("ut/registerutdrag.sv.html")).unwrap();
    assert!(
        sv.contains("Registerutdrag")
            && sv.contains("Integritetsskyddsmyndigheten")
            && sv.contains("Bokföringslagen")
    );
    let en = std::fs::read_to_string(dir.join("ut/registerutdrag.en.html")).unwrap();
    assert!(en.contains("Register extract") && en.contains("Bookkeeping and invoicing"));
    // By phone (stored as 0701234567, given in another spelling) and by personnummer too.
    let r = skydd(
        &dir,
        &["access", "--phone", "+46 70-123 45 67", "--json"],
        &[],
    );
    let pkg: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(!pkg["data"].as_array().unwrap().is_empty(), "{}", r.stdout);
    let r = skydd(
        &dir,
        &["access", "--personnummer", "850412-2386", "--json"],
        &[],
    );
    let pkg: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(!pkg["data"].as_array().unwrap().is_empty(), "{}", r.stdout);
    let r = skydd(&dir, &["access", "--email", "nobody@example.se"], &[]);
    assert!(r.stdout.contains("Found 0 row(s)"), "{}", r.stdout);
    let r = skydd(&dir, &["requests", "--all"], &[]);
    assert!(r.stdout.contains("access"), "{}", r.stdout);
}

#[tokio::test]
async fn erasure_plans_first_then_commits_once_and_keeps_the_bookkeeping_hold() {
    let (_t, dir) = sqlite_company().await;
    let r = skydd(&dir, &["erase", "--email", ANNA, "--dry-run"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Erasure plan (dry run)"), "{}", r.stdout);
    assert!(
        r.stdout.contains("kept through 2033-12-31")
            || r.stdout.contains("kept through 2032-12-31"),
        "{}",
        r.stdout
    );
    assert_eq!(
        count(&dir, "customer", &format!("email = '{ANNA}'")).await,
        1,
        "a dry run changes nothing"
    );
    let r = skydd(&dir, &["erase", "--email", ANNA, "--json"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["executed"][0][0], "webbplatsnu");
    assert_eq!(
        count(&dir, "customer", &format!("email = '{ANNA}'")).await,
        0
    );
    assert_eq!(count(&dir, "customer", "name = 'Raderad kund'").await, 1);
    assert_eq!(
        count(&dir, "invoice", "billing_name = 'Anna Andersson'").await,
        2,
        "the held invoices keep the name"
    );
    assert_eq!(count(&dir, "support_ticket", "customer_id = 1").await, 0);
    let r = skydd(&dir, &["erase", "--email", ANNA, "--json"], &[]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v["plan"]["steps"].as_object().map_or(0, |s| s
            .values()
            .map(|x| x.as_array().unwrap().len())
            .sum::<usize>()),
        0,
        "idempotent"
    );
    let r = may(&dir, "newsletter", ANNA);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let r = may(&dir, "bookkeeping", ANNA);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[tokio::test]
async fn rectification_checks_types_and_changes_all_or_nothing() {
    let (_t, dir) = sqlite_company().await;
    let r = skydd(
        &dir,
        &[
            "rectify",
            "--email",
            ANNA,
            "--set",
            "customer.city=Sundsvall",
            "--set",
            "invoice.amount_ore=gratis",
        ],
        &[],
    );
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("`gratis` is not an integer"),
        "{}",
        r.stderr
    );
    assert_eq!(
        count(&dir, "customer", "city = 'Sundsvall'").await,
        0,
        "nothing was changed"
    );
    let r = skydd(
        &dir,
        &[
            "rectify",
            "--email",
            ANNA,
            "--set",
            "customer.city=Sundsvall",
            "--set",
            "customer.name=Anna Berg",
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("\"Stockholm\" → \"Sundsvall\""),
        "{}",
        r.stdout
    );
    assert_eq!(
        count(
            &dir,
            "customer",
            "city = 'Sundsvall' AND name = 'Anna Berg'"
        )
        .await,
        1
    );
    let r = skydd(
        &dir,
        &["rectify", "--email", ANNA, "--set", "customer.nmae=X"],
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("did you mean `name`?"), "{}", r.stderr);
    let r = skydd(
        &dir,
        &["rectify", "--email", ANNA, "--set", "customer.id=7"],
        &[],
    );
    assert!(r.stderr.contains("is a key"), "{}", r.stderr);
}

#[tokio::test]
async fn objection_restriction_and_may_for_a_mailing() {
    let (_t, dir) = sqlite_company().await;
    // Without skydd's state, "may we?" has no answer: an empty record would say yes to a
    // person who objected long ago.
    let r = may(&dir, "newsletter", "bo@bergsbageri.se");
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("skydd state init"), "{}", r.stderr);
    assert!(!dir.join("skydd-state.sqlite").exists());
    let r = skydd(&dir, &["state", "init"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("skydd-state.sqlite"), "{}", r.stdout);
    assert_eq!(may(&dir, "newsletter", "bo@bergsbageri.se").code, 0);
    let r = skydd(
        &dir,
        &[
            "object",
            "--email",
            "bo@bergsbageri.se",
            "--direct-marketing",
        ],
        &[],
    );
    assert!(r.stdout.contains("objects to `newsletter`"), "{}", r.stdout);
    let r = may(&dir, "newsletter", "bo@bergsbageri.se");
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains("no: email:bo@bergsbageri.se objects to `newsletter`"),
        "{}",
        r.stdout
    );
    let r = skydd_with_stdin(
        &dir,
        &["may", "--purpose", "newsletter", "--stdin"],
        b"Bo@Bergsbageri.se\n\nanna.andersson@example.se\n",
        Output::Captured,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "anna.andersson@example.se\n");
    assert!(r.stderr.contains("1 allowed, 1 excluded"), "{}", r.stderr);
    let r = skydd_with_stdin(
        &dir,
        &["may", "--purpose", "newsletter", "--stdin"],
        b"Bo@Bergsbageri.se\n\nanna.andersson@example.se\n",
        Output::Closed,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(r.stderr.contains("1 allowed, 1 excluded"), "{}", r.stderr);
    let r = skydd(
        &dir,
        &[
            "object",
            "--email",
            "bo@bergsbageri.se",
            "--direct-marketing",
            "--lift",
        ],
        &[],
    );
    assert_eq!(r.code, 0);
    assert_eq!(may(&dir, "newsletter", "bo@bergsbageri.se").code, 0);
    let r = skydd(
        &dir,
        &[
            "object",
            "--email",
            "bo@bergsbageri.se",
            "--purpose",
            "newsleter",
        ],
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("did you mean `newsletter`?"),
        "{}",
        r.stderr
    );
    let r = skydd(
        &dir,
        &[
            "withdraw-consent",
            "--email",
            "bo@bergsbageri.se",
            "--purpose",
            "services",
        ],
        &[],
    );
    assert!(
        r.stderr.contains("does not rest on consent"),
        "{}",
        r.stderr
    );
}

#[tokio::test]
async fn retention_plans_runs_and_leaves_restricted_people_alone() {
    let (_t, dir) = sqlite_company().await;
    // David Dahl's data must be kept for a legal claim: restricted.
    skydd(
        &dir,
        &[
            "restrict",
            "--email",
            "david.dahl@example.se",
            "--reason",
            "rättsligt anspråk",
        ],
        &[],
    );
    let r = skydd(&dir, &["retention", "plan", "--json"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let due = |coll: &str, kind: &str| -> u64 {
        v["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|j| {
                j["job"]["collection"]["collection"] == coll && j["job"]["action"]["kind"] == kind
            })
            .map(|j| j["due"].as_u64().unwrap())
            .sum()
    };
    assert_eq!(
        due("customer", "mask"),
        1,
        "Cecilia only: David is restricted"
    );
    assert_eq!(
        due("invoice", "mask"),
        1,
        "Anna's invoice of nine years ago; David's, as old, is restricted"
    );
    assert_eq!(
        due("access_log", "mask"),
        3,
        "three log lines are older than 45 days"
    );
    assert_eq!(due("job_application", "delete"), 1);
    let r = skydd(&dir, &["retention", "run"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("row(s) erased"), "{}", r.stdout);
    assert_eq!(count(&dir, "job_application", "1 = 1").await, 1);
    assert_eq!(
        count(&dir, "customer", "email = 'david.dahl@example.se'").await,
        1,
        "restricted: kept"
    );
    assert_eq!(
        count(&dir, "access_log", "ip IS NULL").await,
        3,
        "anonymised, rows kept for statistics"
    );
    assert_eq!(count(&dir, "access_log", "1 = 1").await, 6);
    // Nothing left: a second run does nothing.
    let r = skydd(&dir, &["retention", "run", "--json"], &[]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["rows"], 0);
}

#[tokio::test]
async fn access_warns_of_collections_the_identities_do_not_reach() {
    let (_t, dir) = sqlite_company().await;
    // A map whose `domain` collection lost its reference: nothing leads there.
    let map = std::fs::read_to_string(dir.join("datamap.yml")).unwrap();
    let link = "            fides_meta:\n              references: [{ dataset: webbplatsnu, field: customer.id, direction: from }]\n          - name: name\n            data_categories: [system.operations]";
    assert_eq!(map.matches(link).count(), 1, "the domain's link");
    let broken = map.replacen(
        link,
        "          - name: name\n            data_categories: [system.operations]",
        1,
    );
    std::fs::write(dir.join("datamap.yml"), &broken).unwrap();
    let r = skydd(&dir, &["access", "--email", ANNA, "--json"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("do not reach one collection") && r.stderr.contains("webbplatsnu.domain"),
        "{}",
        r.stderr
    );
    let pkg: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(pkg["unreached"], serde_json::json!(["webbplatsnu.domain"]));
}

#[tokio::test]
async fn a_failing_retention_job_is_reported_and_the_others_still_run() {
    let (_t, dir) = sqlite_company().await;
    skydd(&dir, &["state", "init"], &[]);
    // The invoice table refuses every update (a trigger the company added, say).
    let db = Db::connect(
        "main",
        DbKind::Sqlite,
        &dir.join("webbplatsnu.sqlite").display().to_string(),
        None,
        false,
    )
    .await
    .unwrap();
    db.execute("CREATE TRIGGER no_updates BEFORE UPDATE ON invoice BEGIN SELECT RAISE(ABORT, 'invoices are locked'); END")
        .await
        .unwrap();
    db.close().await;
    let r = skydd(&dir, &["retention", "run", "--json"], &[]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let failed = v["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{v:#}");
    assert_eq!(failed[0][0], "webbplatsnu.invoice");
    assert!(
        failed[0][1]
            .as_str()
            .unwrap()
            .contains("invoices are locked")
    );
    // The other jobs ran, and the run's record holds their true count.
    assert_eq!(count(&dir, "access_log", "ip IS NULL").await, 3);
    assert_eq!(count(&dir, "job_application", "1 = 1").await, 1);
    let done = v["rows"].as_u64().unwrap();
    assert!(done >= 4, "{v:#}");
    let state = state_db(&dir).await;
    use sqlx::Row;
    let row = sqlx::query("SELECT status, rows FROM retention_run ORDER BY id DESC LIMIT 1")
        .fetch_one(state.pool())
        .await
        .unwrap();
    assert_eq!(row.try_get::<String, _>(0).unwrap(), "failed");
    assert_eq!(
        row.try_get::<i64, _>(1).unwrap(),
        i64::try_from(done).unwrap()
    );
    state.close().await;
}

#[tokio::test]
async fn export_zips_only_what_the_person_provided_under_consent_or_contract() {
    let (_t, dir) = sqlite_company().await;
    let r = skydd(&dir, &["export", "--email", ANNA, "--out", "anna.zip"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let file = std::fs::File::open(dir.join("anna.zip")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let names: Vec<String> = (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().unwrap().into_owned())
        .collect();
    assert!(names.contains(&"data.json".to_owned()));
    assert!(
        names.contains(&"webbplatsnu.customer.csv".to_owned()),
        "{names:?}"
    );
    assert!(
        names.contains(&"webbplatsnu.newsletter_subscriber.csv".to_owned()),
        "{names:?}"
    );
    assert!(
        !names
            .iter()
            .any(|n| n.contains("invoice") || n.contains("access_log")),
        "legal obligation and legitimate interests are not portable: {names:?}"
    );
}

#[tokio::test]
async fn the_data_map_is_checked_against_the_database_and_can_be_drafted() {
    let (_t, dir) = sqlite_company().await;
    let r = skydd(&dir, &["map", "check"], &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("8 collection(s) checked against 8 table(s)"),
        "{}",
        r.stdout
    );
    // A wrong column name: reported by `map check`, and access refuses without touching data.
    std::fs::write(
        dir.join("datamap.yml"),
        skydd_demo::DATAMAP.replace("- name: billing_address", "- name: billing_adress"),
    )
    .unwrap();
    let r = skydd(&dir, &["map", "check"], &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains("webbplatsnu.invoice.billing_adress: column does not exist"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("did you mean `billing_address`?"),
        "{}",
        r.stdout
    );
    let r = skydd(&dir, &["erase", "--email", ANNA], &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("column `billing_adress` does not exist"),
        "{}",
        r.stderr
    );
    assert_eq!(
        count(&dir, "customer", &format!("email = '{ANNA}'")).await,
        1,
        "no data changed"
    );
    // An unknown collection in a reference.
    std::fs::write(
        dir.join("datamap.yml"),
        skydd_demo::DATAMAP.replacen("field: customer.id", "field: kund.id", 1),
    )
    .unwrap();
    let r = skydd(&dir, &["access", "--email", ANNA], &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("references unknown collection `webbplatsnu.kund`"),
        "{}",
        r.stderr
    );
    std::fs::write(dir.join("datamap.yml"), skydd_demo::DATAMAP).unwrap();
    // A draft from the live database parses and finds the keys and references.
    let r = skydd(
        &dir,
        &["map", "draft", "--source", "main", "--key", "draft"],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("identity: email")
            && r.stdout.contains("field: customer.id")
            && r.stdout
                .contains("user.government_id.national_identification_number"),
        "{}",
        r.stdout
    );
}

#[tokio::test]
async fn a_database_that_cannot_be_reached_is_a_clear_error() {
    let (_t, dir) = sqlite_company().await;
    let reg = skydd_demo::REGISTER.replace(
        "kind = \"sqlite\"\npath = \"webbplatsnu.sqlite\"",
        "kind = \"postgres\"\nurl_env = \"WEBBPLATSNU_DB\"",
    );
    std::fs::write(dir.join("skydd.toml"), reg).unwrap();
    let r = skydd(&dir, &["access", "--email", ANNA], &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("the environment variable `WEBBPLATSNU_DB` (its connection URL) is not set"),
        "{}",
        r.stderr
    );
    let r = skydd(
        &dir,
        &["access", "--email", ANNA],
        &[("WEBBPLATSNU_DB", "postgres://u:hemligt@127.0.0.1:1/x")],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("cannot connect to database `main` (postgres)"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("hemligt"));
}

/// The same requests against a server: a fresh database filled by the generator.
async fn server_story(kind: DbKind) {
    let Some(server) = ServerDb::create(kind, "skydd_cli").await else {
        return;
    };
    let url = server.url.clone();
    let db = Db::connect("main", kind, &url, None, false).await.unwrap();
    skydd_demo::generate(&db, 300, today(), |_| {})
        .await
        .unwrap();
    db.close().await;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let reg = skydd_demo::REGISTER.replace(
        "kind = \"sqlite\"\npath = \"webbplatsnu.sqlite\"",
        &format!("kind = \"{}\"\nurl_env = \"WEBBPLATSNU_DB\"", kind.key()),
    );
    std::fs::write(p.join("skydd.toml"), reg).unwrap();
    std::fs::write(p.join("datamap.yml"), skydd_demo::DATAMAP).unwrap();
    write_key(&p.join("hmac.key"));
    let env = [("WEBBPLATSNU_DB", url.as_str())];
    let email = skydd_demo::generated_email(7);
    let r = skydd(p, &["access", "--email", &email, "--json"], &env);
    assert_eq!(r.code, 0, "{:?}: {}", kind, r.stderr);
    let pkg: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let invoices = pkg["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["collection"] == "webbplatsnu.invoice")
        .unwrap();
    assert_eq!(invoices["rows"].as_array().unwrap().len(), 3, "{kind:?}");
    let r = skydd(p, &["erase", "--email", &email], &env);
    assert_eq!(r.code, 0, "{kind:?}: {}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("Committed in `webbplatsnu`"),
        "{}",
        r.stdout
    );
    let r = skydd(p, &["erase", "--email", &email, "--json"], &env);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v["rows_found"], 0,
        "the person can no longer be found ({kind:?})"
    );
    let r = skydd(p, &["map", "check"], &env);
    assert_eq!(r.code, 0, "{kind:?}: {}", r.stdout);
    let r = skydd(p, &["retention", "run", "--json", "--batch", "50"], &env);
    assert_eq!(r.code, 0, "{kind:?}: {}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(v["rows"].as_u64().unwrap() > 100, "{kind:?}: {v}");
    let r = skydd(p, &["retention", "plan", "--json"], &env);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let left: u64 = v["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["due"].as_u64().unwrap())
        .sum();
    assert_eq!(left, 0, "{kind:?}");
    server.drop().await;
}

#[tokio::test]
async fn requests_and_retention_on_postgresql() {
    server_story(DbKind::Postgres).await;
}

#[tokio::test]
async fn requests_and_retention_on_mariadb() {
    server_story(DbKind::Mysql).await;
}

/// `may --stdin` checks every line before it answers: a list with a bad line (not an
/// address, not UTF-8) prints nothing and names each bad line with its number.
#[tokio::test]
async fn may_stdin_is_all_or_nothing_and_names_bad_lines() {
    let (_t, dir) = sqlite_company().await;
    skydd(&dir, &["state", "init"], &[]);
    let r = skydd_with_stdin(
        &dir,
        &["may", "--purpose", "newsletter", "--stdin"],
        b"anna.andersson@example.se\nnot-an-address\n\n\xff\xfe@example.se\nbo@bergsbageri.se\n",
        Output::Captured,
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stdout, "", "no answer before every line is known good");
    assert!(
        r.stderr
            .contains("stdin:2: `not-an-address` is not an e-mail address"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("stdin:4: not valid UTF-8"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("2 line(s) of standard input are not e-mail addresses; nothing was printed"),
        "{}",
        r.stderr
    );
}

/// Printing into a closed pipe neither panics nor stops a command before it records what it
/// did: the access request below is still logged.
#[tokio::test]
async fn a_closed_standard_output_does_not_cut_requests_short() {
    let (_t, dir) = sqlite_company().await;
    skydd(&dir, &["state", "init"], &[]);
    for args in [
        &["retention", "plan"][..],
        &["retention", "plan", "--json"],
        &["erase", "--email", ANNA, "--dry-run"],
        &["access", "--email", ANNA],
        &["access", "--email", ANNA, "--json"],
        &["requests"],
        &["requests", "--all"],
        &["map", "check"],
    ] {
        let r = skydd_with_stdin(&dir, args, b"", Output::Closed);
        assert!(!r.stderr.contains("panicked"), "{args:?}: {}", r.stderr);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    }
    let r = skydd(&dir, &["requests", "--all", "--json"], &[]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let access = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["kind"] == "access")
        .count();
    assert_eq!(access, 2, "both access requests are recorded: {v}");
}

/// `--today` and `--received` take a day, YYYY-MM-DD, between 1970 and 2199: a time would be
/// dropped without a word, and a year like 0001 reached the database.
#[tokio::test]
async fn date_arguments_are_days_in_a_sane_range() {
    let (_t, dir) = sqlite_company().await;
    for (args, message) in [
        (
            &["access", "--email", ANNA, "--received", "2025-03-04T10:00"][..],
            "--received: `2025-03-04T10:00` has a time; give the day only, e.g. 2025-03-04",
        ),
        (
            &[
                "erase",
                "--email",
                ANNA,
                "--dry-run",
                "--today",
                "2025-03-04 10:00",
            ],
            "--today: `2025-03-04 10:00` has a time",
        ),
        (
            &[
                "erase",
                "--email",
                ANNA,
                "--dry-run",
                "--today",
                "0001-01-01",
            ],
            "--today: 0001-01-01 is out of range; skydd accepts dates from 1970-01-01 through 2199-12-31",
        ),
        (
            &["retention", "plan", "--today", "2200-01-01"],
            "out of range; skydd accepts dates from 1970-01-01 through 2199-12-31",
        ),
        (
            &["retention", "run", "--today", "1969-12-31"],
            "out of range",
        ),
        (
            &["erase", "--email", ANNA, "--today", "2025-02-30"],
            "--today: `2025-02-30` is not a day of the calendar",
        ),
        (
            &["erase", "--email", ANNA, "--today", "25-03-04"],
            "--today: `25-03-04` is not a date; write YYYY-MM-DD",
        ),
    ] {
        let r = skydd(&dir, args, &[]);
        assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains(message), "{args:?}: {}", r.stderr);
    }
    assert_eq!(
        count(&dir, "customer", &format!("email = '{ANNA}'")).await,
        1,
        "nothing was erased"
    );
    let r = skydd(
        &dir,
        &[
            "erase",
            "--email",
            ANNA,
            "--dry-run",
            "--today",
            "2199-12-31",
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// `--identity` needs both a kind and a value.
#[tokio::test]
async fn identities_need_a_kind_and_a_value() {
    let (_t, dir) = sqlite_company().await;
    for (arg, message) in [
        (
            "=C-1001",
            "--identity `=C-1001`: the kind before `=` is empty",
        ),
        (" =C-1001", "the kind before `=` is empty"),
        (
            "customer_number=",
            "--identity `customer_number=`: the value after `=` is empty",
        ),
        ("customer_number= ", "the value after `=` is empty"),
    ] {
        for cmd in ["access", "erase", "may"] {
            let mut args = vec![cmd, "--identity", arg];
            if cmd == "may" {
                args.extend(["--purpose", "newsletter"]);
            }
            let r = skydd(&dir, &args, &[]);
            assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
            assert!(r.stderr.contains(message), "{args:?}: {}", r.stderr);
        }
    }
}

/// Files with personal data or secrets are the owner's alone (0600) whatever the umask; no
/// temporary file is left beside them.
#[tokio::test]
async fn access_packages_exports_and_keys_are_private() {
    let (_t, dir) = sqlite_company().await;
    let r = skydd(&dir, &["access", "--email", ANNA, "--out", "ut"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = skydd(&dir, &["export", "--email", ANNA, "--out", "anna.zip"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for f in [
        "ut/access.json",
        "ut/registerutdrag.sv.html",
        "ut/registerutdrag.en.html",
        "anna.zip",
    ] {
        assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
    }
    assert_eq!(std::fs::read_dir(dir.join("ut")).unwrap().count(), 3);
    let d = tempfile::tempdir().unwrap();
    let r = skydd(d.path(), &["demo", "--keep", "demo"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let demo = d.path().join("demo");
    assert_eq!(mode(&demo.join("hmac.key")), 0o600);
    assert!(std::fs::read(demo.join("hmac.key")).unwrap().len() >= 32);
    assert_eq!(mode(&demo.join("registerutdrag/access.json")), 0o600);
}

/// A killed `access --out` leaves its half-written package in a hidden temporary file; the
/// next write into that directory removes it once it is a few minutes old.
#[tokio::test]
async fn leftovers_of_a_killed_access_are_removed_by_the_next_one() {
    let (_t, dir) = sqlite_company().await;
    std::fs::create_dir(dir.join("ut")).unwrap();
    let leftover = dir.join("ut/.skydd-tmp-AbC123");
    std::fs::write(&leftover, "{\"identities\": [\"email:anna").unwrap();
    std::fs::File::options()
        .write(true)
        .open(&leftover)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600))
        .unwrap();
    let r = skydd(&dir, &["access", "--email", ANNA, "--out", "ut"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!leftover.exists());
    assert_eq!(std::fs::read_dir(dir.join("ut")).unwrap().count(), 3);
}

/// Every unusable data map is an input error (status 2) that names its file and line, and
/// the pathological ones are refused before the YAML parser spends seconds on them.
#[tokio::test]
async fn data_map_errors_name_their_file_and_line() {
    let (_t, dir) = sqlite_company().await;
    let map = skydd_demo::DATAMAP;
    let line = |needle: &str| map.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let email = line("          - name: email");
    let cases: Vec<(Vec<u8>, String)> = vec![
        (
            map.replacen(
                "          - name: email\n",
                "          - name: email\n          - name: email\n",
                1,
            )
            .into_bytes(),
            format!(
                "datamap.yml:{}:19: webbplatsnu.customer.email: field declared twice",
                email + 1
            ),
        ),
        (
            {
                let mut bad = map.as_bytes().to_vec();
                bad.insert(map.find("Nu AB –").unwrap() + 6, 0xFF);
                bad
            },
            "datamap.yml:4:27: not UTF-8 (byte 0xFF)".to_owned(),
        ),
        (
            format!("{map}---\n{map}").into_bytes(),
            format!(
                "datamap.yml:{}:1: a second YAML document starts here",
                map.lines().count() + 1
            ),
        ),
        (
            map.replacen("- name: email", "- name: &e email", 1)
                .into_bytes(),
            format!("datamap.yml:{email}:19: YAML anchors and aliases"),
        ),
        (
            format!("dataset: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
            "datamap.yml:1:73: the data map nests deeper than 64 levels".to_owned(),
        ),
        (
            map.replacen("field: customer.id", "field: customer.idd", 1)
                .into_bytes(),
            format!(
                "datamap.yml:{}:27: webbplatsnu.contact.customer_id: references unknown field `webbplatsnu.customer.idd`",
                line("field: customer.id")
            ),
        ),
        (
            vec![b'#'; 6 * 1024 * 1024],
            "datamap.yml: larger than 5242880 bytes".to_owned(),
        ),
    ];
    for (text, message) in cases {
        std::fs::write(dir.join("datamap.yml"), &text).unwrap();
        let started = std::time::Instant::now();
        let r = skydd(&dir, &["access", "--email", ANNA], &[]);
        assert_eq!(r.code, 2, "{message}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains(&message), "{message}: {}", r.stderr);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "{message}"
        );
    }
}

/// Every request command takes `--received`: the art. 12.3 deadline counts from the day the
/// request arrived, not from the day skydd runs, and it is the strict day (moved past
/// weekends and public holidays only; julafton is a working day under Regulation 1182/71).
#[tokio::test]
async fn every_request_command_takes_the_day_it_was_received() {
    let (_t, dir) = sqlite_company().await;
    let zip = dir.join("anna.zip");
    let zip = zip.to_str().unwrap();
    // Received 2025-11-24: one month ends on julafton 2025-12-24, a Wednesday.
    let commands: [&[&str]; 7] = [
        &["access", "--email", ANNA],
        &["export", "--email", ANNA, "--out", zip],
        &[
            "rectify",
            "--email",
            ANNA,
            "--set",
            "customer.name=Anna Svensson",
            "--dry-run",
        ],
        &["restrict", "--email", ANNA, "--purpose", "newsletter"],
        &["object", "--email", ANNA, "--purpose", "newsletter"],
        &[
            "withdraw-consent",
            "--email",
            ANNA,
            "--purpose",
            "newsletter",
        ],
        &["erase", "--email", ANNA, "--dry-run"],
    ];
    for args in commands {
        let mut with: Vec<&str> = args.to_vec();
        with.extend(["--received", "2025-11-24"]);
        let r = skydd(&dir, &with, &[]);
        assert_eq!(r.code, 0, "{with:?}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stdout
                .contains("Received 2025-11-24; answer by 2025-12-24 (GDPR art. 12.3)."),
            "{with:?}: {}",
            r.stdout
        );
        assert!(
            r.stdout.contains("would give 2025-12-29"),
            "{with:?}: the later reading is a note: {}",
            r.stdout
        );
        // A request cannot arrive after the day it is handled.
        let mut future: Vec<&str> = args.to_vec();
        future.extend(["--received", "2199-01-01"]);
        let r = skydd(&dir, &future, &[]);
        assert_eq!(r.code, 2, "{future:?}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains("is after today"), "{}", r.stderr);
    }
    // Erasure planned as of a later day keeps the day it was received.
    let r = skydd(
        &dir,
        &[
            "erase",
            "--email",
            ANNA,
            "--dry-run",
            "--json",
            "--today",
            "2026-01-15",
            "--received",
            "2025-11-24",
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["deadline"]["received"], "2025-11-24");
    assert_eq!(v["deadline"]["due"], "2025-12-24");
    assert_eq!(v["deadline"]["due_if_eves_count"], "2025-12-29");
    // The recorded requests carry the day received and the strict deadline.
    let r = skydd(&dir, &["requests", "--all", "--json"], &[]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let kinds: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .inspect(|x| {
            assert_eq!(x["received"], "2025-11-24", "{x}");
            assert_eq!(x["due"], "2025-12-24", "{x}");
        })
        .map(|x| x["kind"].as_str().unwrap())
        .collect();
    for kind in [
        "access",
        "export",
        "restriction",
        "objection",
        "consent_withdrawal",
    ] {
        assert!(kinds.contains(&kind), "{kind} recorded: {kinds:?}");
    }
}

/// A company whose financial year runs from 1 July to 30 June, keeping its invoices as
/// Bokföringslagen requires.
const BROKEN_YEAR_REGISTER: &str = r#"
[controller]
name = "Räkenskap AB"
org_number = "556214-1993"
email = "dataskydd@rakenskap.se"

[financial_year]
starts = "07-01"

[[purpose]]
id = "bookkeeping"
name = { sv = "Bokföring", en = "Bookkeeping" }
legal_basis = "legal_obligation"
statute = "bokforingslagen"
data_subjects = ["customer"]
data_categories = ["user.name", "user.contact", "user.financial"]
retention = "as required by bokforingslagen"

[[database]]
name = "main"
kind = "sqlite"
path = "books.sqlite"
dataset = "datamap.yml"

[database.events]
financial_year_end = "invoice.issued_on"

[erasure.collections]
"books.invoice" = "delete"
"#;

const BROKEN_YEAR_MAP: &str = r#"
dataset:
  - fides_key: books
    collections:
      - name: invoice
        fields:
          - { name: id, data_categories: [system.operations], fides_meta: { primary_key: true } }
          - { name: email, data_categories: [user.contact.email], fides_meta: { identity: email } }
          - { name: name, data_categories: [user.name] }
          - { name: amount, data_categories: [user.financial] }
          - { name: issued_on, data_categories: [system.operations] }
"#;

#[tokio::test]
async fn invoices_of_a_broken_financial_year_are_due_after_the_seventh_year_after_their_year_ends()
{
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    std::fs::write(dir.join("skydd.toml"), BROKEN_YEAR_REGISTER).unwrap();
    std::fs::write(dir.join("datamap.yml"), BROKEN_YEAR_MAP).unwrap();
    let db = Db::connect(
        "main",
        DbKind::Sqlite,
        &dir.join("books.sqlite").display().to_string(),
        None,
        true,
    )
    .await
    .unwrap();
    db.execute(
        "CREATE TABLE invoice (id INTEGER PRIMARY KEY, email TEXT, name TEXT, amount INTEGER, issued_on DATE NOT NULL)",
    )
    .await
    .unwrap();
    // Financial years ending 2025-06-30, 2026-06-30 (three invoices) and 2027-06-30.
    for (id, day) in [
        (1, "2025-06-30"),
        (2, "2025-07-01"),
        (3, "2025-09-15"),
        (4, "2026-06-30"),
        (5, "2026-07-01"),
    ] {
        db.execute(&format!(
            "INSERT INTO invoice VALUES ({id}, 'kund{id}@example.se', 'Kund {id}', 100, '{day}')"
        ))
        .await
        .unwrap();
    }
    db.close().await;
    assert_eq!(skydd(dir, &["state", "init"], &[]).code, 0);
    let due = |today: &str| {
        let r = skydd(dir, &["retention", "plan", "--json", "--today", today], &[]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.json()["rows_due_in_all"].as_u64().unwrap()
    };
    // The year ending 2025-06-30 is kept through 2032-12-31.
    assert_eq!(due("2032-12-31"), 0);
    assert_eq!(due("2033-01-01"), 1);
    // The invoice of 2025-09-15 (year ending 2026-06-30) through 2033-12-31, not 2032.
    assert_eq!(due("2033-12-31"), 1);
    assert_eq!(due("2034-01-01"), 4);
    assert_eq!(due("2035-01-01"), 5);
    let r = skydd(dir, &["retention", "plan", "--today", "2034-01-01"], &[]);
    assert!(
        r.stdout
            .contains("As long as the law requires (Bokföringslagen (1999:1078) 7 kap. 2 §)"),
        "{}",
        r.stdout
    );
}

/// The days from `due` to today, when a request due then is answered today.
fn days_since(due: &str) -> i64 {
    let due: jiff::civil::Date = due.parse().unwrap();
    i64::from(due.until(today()).unwrap().get_days())
}

/// GDPR art. 12.3: a request answered after its deadline is still answered (and recorded as
/// done), but skydd says how late on standard error and records it, and `skydd requests`
/// shows each request's deadline and marks the late ones.
#[tokio::test]
async fn a_request_answered_after_its_deadline_is_warned_recorded_and_listed_as_late() {
    let (_t, dir) = sqlite_company().await;
    let zip = dir.join("anna.zip");
    let zip = zip.to_str().unwrap();
    // Received on julafton 2025: one month ends on 2026-01-24, a Saturday, so 01-26.
    let late = days_since("2026-01-26");
    assert!(late > 0, "the test needs a clock after 2026-01-26");
    let warning = format!(
        "warning: answered {late} days after the deadline (due 2026-01-26; GDPR art. 12.3)"
    );
    let commands: [&[&str]; 7] = [
        &["access", "--email", ANNA],
        &["export", "--email", ANNA, "--out", zip],
        &["restrict", "--email", ANNA, "--purpose", "newsletter"],
        &["object", "--email", ANNA, "--purpose", "newsletter"],
        &[
            "withdraw-consent",
            "--email",
            ANNA,
            "--purpose",
            "newsletter",
        ],
        &[
            "rectify",
            "--email",
            ANNA,
            "--set",
            "customer.name=Anna Svensson",
        ],
        &["erase", "--email", ANNA],
    ];
    for args in commands {
        let mut with: Vec<&str> = args.to_vec();
        with.extend(["--received", "2025-12-24"]);
        let r = skydd(&dir, &with, &[]);
        assert_eq!(r.code, 0, "{with:?}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains(&warning), "{with:?}: {}", r.stderr);
    }
    // Received today: on time, no warning.
    let r = skydd(&dir, &["access", "--email", "david.dahl@example.se"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("after the deadline"), "{}", r.stderr);

    let r = skydd(&dir, &["requests", "--all", "--json"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let list = v.as_array().unwrap();
    for x in list {
        if x["received"] == "2025-12-24" {
            assert_eq!(x["status"], "done", "{x}");
            assert_eq!(x["due"], "2026-01-26", "{x}");
            assert_eq!(x["late_by_days"], late, "{x}");
            assert_eq!(x["summary"]["late_by_days"], late, "{x}");
        } else {
            assert!(x.get("late_by_days").is_none(), "on time: {x}");
            assert!(x["summary"].get("late_by_days").is_none(), "on time: {x}");
        }
    }
    assert!(
        list.iter()
            .filter(|x| x["received"] == "2025-12-24")
            .count()
            >= 7
    );

    let r = skydd(&dir, &["requests", "--all"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let access: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("access"))
        .collect();
    assert_eq!(access.len(), 2, "{}", r.stdout);
    let old = access.iter().find(|l| l.contains("2025-12-24")).unwrap();
    assert!(
        old.ends_with(&format!(
            "done {}, due 2026-01-26, late by {late} days",
            today()
        )),
        "{old}"
    );
    let new = access.iter().find(|l| !l.contains("2025-12-24")).unwrap();
    assert!(!new.contains("late"), "{new}");
    assert!(new.contains(", due "), "{new}");
}

/// The GDPR applies from 2018-05-25 (art. 99.2): no request under it was received before.
#[tokio::test]
async fn a_request_cannot_be_received_before_the_gdpr_applied() {
    let (_t, dir) = sqlite_company().await;
    let r = skydd(
        &dir,
        &["access", "--email", ANNA, "--received", "2001-01-31"],
        &[],
    );
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(
            "--received: 2001-01-31 is before 2018-05-25, the day the GDPR began to apply (art. 99.2)"
        ),
        "{}",
        r.stderr
    );
    let r = skydd(
        &dir,
        &[
            "restrict",
            "--email",
            ANNA,
            "--purpose",
            "newsletter",
            "--received",
            "2018-05-24",
        ],
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    // Nothing was recorded.
    let r = skydd(&dir, &["requests", "--all", "--json"], &[]);
    assert!(
        !r.stdout.contains("2001-01-31") && !r.stdout.contains("2018-05-24"),
        "{}",
        r.stdout
    );
    // The first day is accepted.
    let r = skydd(
        &dir,
        &["access", "--email", ANNA, "--received", "2018-05-25"],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// Requests made at the same moment by several processes are each recorded: an id made of
/// the time alone merged requests made in the same millisecond into one record.
#[tokio::test]
async fn requests_made_at_once_by_many_processes_are_each_recorded() {
    let (_t, dir) = sqlite_company().await;
    assert_eq!(skydd(&dir, &["state", "init"], &[]).code, 0);
    let bin = env!("CARGO_BIN_EXE_skydd");
    let children: Vec<_> = (0..24)
        .map(|_| {
            Command::new(bin)
                .current_dir(&dir)
                .args(["restrict", "--email", ANNA, "--purpose", "newsletter"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let r = skydd(&dir, &["requests", "--all", "--json"], &[]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let restrictions = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["kind"] == "restriction")
        .count();
    assert_eq!(restrictions, 24, "{v}");
    // Twenty-four requests, one restriction in force: a check before the insert let two
    // processes add it twice.
    let state = state_db(&dir).await;
    use sqlx::Row;
    let active: i64 = sqlx::query("SELECT COUNT(*) FROM restriction WHERE lifted_at IS NULL")
        .fetch_one(state.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    state.close().await;
    assert_eq!(active, 1);
}
