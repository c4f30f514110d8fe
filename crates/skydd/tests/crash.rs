//! Crashes and races, with the real binary on the demo company: an erasure killed at each
//! of its failpoints (`SKYDD_FAILPOINT`, see `skydd_app::failpoint`) and run again must end
//! exactly as one never interrupted — the company's rows, the legal holds, the Art. 18(2)
//! restriction, the erased fields, the answers of `skydd may` and one answered request; an
//! erasure whose state is locked after its database committed says so and is finished by a
//! re-run; and a retention run is never run twice at once, nor waited for once it died.
//!
//! Leases are shortened with `SKYDD_LEASE_MS`, so a killed process's successor need not
//! wait 30 s (an erasure) or 60 s (a retention run) to take over.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Run, ServerDb, Snapshot, skydd};
use skydd_connect::Db;
use skydd_core::register::DbKind;
use skydd_store::{StateStore, Store};

const BO: &str = "bo@bergsbageri.se";

/// The purposes `skydd may` is asked about after an erasure: erased for the first two,
/// and the held invoices are still for bookkeeping (Art. 17(3)(b), 18(2)).
const PURPOSES: [&str; 3] = ["newsletter", "support", "bookkeeping"];

/// A lease short enough for a test to wait out.
const LEASE_MS: &str = "500";

fn today() -> jiff::civil::Date {
    jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Stockholm").unwrap())
        .date()
}

/// The demo company's register and data map with a fixed masking key in `dir`, its
/// database where `kind` says: SQLite beside them (seeded with the story), or the server
/// database `url` (filled by the generator). Returns the environment the binary needs.
async fn company(dir: &Path, kind: DbKind, url: Option<&str>) -> Vec<(String, String)> {
    std::fs::write(dir.join("datamap.yml"), skydd_demo::DATAMAP).unwrap();
    write_key(&dir.join("hmac.key"));
    match (kind, url) {
        (DbKind::Sqlite, _) => {
            std::fs::write(dir.join("skydd.toml"), skydd_demo::REGISTER).unwrap();
            let db = Db::connect(
                "main",
                DbKind::Sqlite,
                &dir.join("webbplatsnu.sqlite").display().to_string(),
                None,
                true,
            )
            .await
            .unwrap();
            for s in skydd_demo::schema(DbKind::Sqlite) {
                db.execute(&s).await.unwrap();
            }
            skydd_demo::seed_story(&db, today()).await.unwrap();
            db.close().await;
            Vec::new()
        }
        (kind, Some(url)) => {
            let reg = skydd_demo::REGISTER.replace(
                "kind = \"sqlite\"\npath = \"webbplatsnu.sqlite\"",
                &format!("kind = \"{}\"\nurl_env = \"WEBBPLATSNU_DB\"", kind.key()),
            );
            std::fs::write(dir.join("skydd.toml"), reg).unwrap();
            let db = Db::connect("main", kind, url, None, false).await.unwrap();
            skydd_demo::generate(&db, 40, today(), |_| {})
                .await
                .unwrap();
            db.close().await;
            vec![("WEBBPLATSNU_DB".into(), url.into())]
        }
        (kind, None) => panic!("{kind:?} needs a URL"),
    }
}

/// The same key in every directory, so that keyed hashes compare between runs.
fn write_key(path: &Path) {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    std::fs::File::options()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .unwrap()
        .write_all(b"crash-test-key-0123456789abcdefghijklmnopqrstuvwxyz")
        .unwrap();
}

fn env_of(env: &[(String, String)]) -> Vec<(&str, &str)> {
    env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// Everything an erasure leaves behind that must not depend on whether it was interrupted.
#[derive(Debug, PartialEq)]
struct EndState {
    rows: Snapshot,
    holds: Vec<String>,
    restrictions: Vec<String>,
    erased: BTreeSet<(String, String, String)>,
    /// The requests: kind, person, received, due, status and summary (not their random
    /// ids or the moment they were answered).
    requests: Vec<String>,
    open_erasures: usize,
    /// `skydd may` for each of [`PURPOSES`]: its exit status.
    may: Vec<i32>,
}

async fn end_state(dir: &Path, kind: DbKind, env: &[(String, String)], email: &str) -> EndState {
    let url = match kind {
        DbKind::Sqlite => dir.join("webbplatsnu.sqlite").display().to_string(),
        _ => env[0].1.clone(),
    };
    let rows = common::snapshot(kind, &url).await;
    let store = Store::open(&dir.join("skydd-state.sqlite"), false)
        .await
        .unwrap();
    let holds = store
        .holds()
        .await
        .unwrap()
        .iter()
        .map(|h| format!("{h:?}"))
        .collect();
    let restrictions = store
        .all_active()
        .await
        .unwrap()
        .into_values()
        .flatten()
        .map(|r| {
            format!(
                "{} {} {:?} {:?}",
                r.subject,
                r.kind.key(),
                r.purpose,
                r.allowed
            )
        })
        .collect();
    let erased = store.erased().await.unwrap();
    let mut requests: Vec<String> = store
        .requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {} {} {}",
                r.kind, r.subject, r.received, r.due, r.status, r.summary
            )
        })
        .collect();
    requests.sort();
    let open_erasures = StateStore::open_erasures(&store, &[format!("email:{email}")])
        .await
        .unwrap()
        .iter()
        .filter(|j| j.state.as_str() != "failed")
        .count();
    store.close().await;
    let may = PURPOSES
        .iter()
        .map(|p| {
            skydd(
                dir,
                &["may", "--purpose", p, "--email", email],
                &env_of(env),
            )
            .code
        })
        .collect();
    EndState {
        rows,
        holds,
        restrictions,
        erased,
        requests,
        open_erasures,
        may,
    }
}

/// An erasure that ran through without interruption.
async fn reference(kind: DbKind, url: Option<&str>, email: &str) -> (tempfile::TempDir, EndState) {
    let dir = tempfile::tempdir().unwrap();
    let env = company(dir.path(), kind, url).await;
    let r = skydd(dir.path(), &["erase", "--email", email], &env_of(&env));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let state = end_state(dir.path(), kind, &env, email).await;
    assert_eq!(state.requests.len(), 1, "{:?}", state.requests);
    assert_eq!(state.open_erasures, 0);
    (dir, state)
}

/// Runs `skydd erase` with the failpoint `point` armed: the process must die there.
fn erase_killed_at(dir: &Path, env: &[(String, String)], email: &str, point: &str) -> Run {
    let mut env = env_of(env);
    env.extend([("SKYDD_FAILPOINT", point), ("SKYDD_LEASE_MS", LEASE_MS)]);
    let r = skydd(dir, &["erase", "--email", email], &env);
    assert_eq!(
        r.code, -1,
        "the erasure must die at `{point}` (killed by a signal), not exit:\n{}{}",
        r.stdout, r.stderr
    );
    r
}

/// Runs `skydd erase` again once the killed process's lease has run out: it must finish
/// the interrupted erasure.
fn erase_again(dir: &Path, env: &[(String, String)], email: &str) -> Run {
    std::thread::sleep(Duration::from_millis(700));
    let r = skydd(dir, &["erase", "--email", email], &env_of(env));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    r
}

/// Regression for issue 8 ("an erasure killed after its database commit but before the
/// state writes loses the holds, the Art. 18(2) restriction and the erased markers, and the
/// re-run finds nothing to do, so `skydd may` answers yes for an erased person"), at every
/// point an erasure can be killed.
#[tokio::test]
async fn an_erasure_killed_at_any_point_ends_as_one_never_interrupted() {
    let (_r, expected) = reference(DbKind::Sqlite, None, BO).await;
    assert_eq!(
        expected.may,
        vec![1, 1, 0],
        "erased, erased, held for bookkeeping"
    );
    assert!(!expected.holds.is_empty() && !expected.restrictions.is_empty());
    assert!(!expected.erased.is_empty());
    for point in [
        "erase.after_journal",
        "erase.after_commit:webbplatsnu",
        "erase.after_mark:webbplatsnu",
        "erase.before_complete",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let env = company(dir.path(), DbKind::Sqlite, None).await;
        erase_killed_at(dir.path(), &env, BO, point);
        let r = erase_again(dir.path(), &env, BO);
        assert!(
            r.stdout.contains("Resumed an interrupted erasure"),
            "{point}: {}",
            r.stdout
        );
        let got = end_state(dir.path(), DbKind::Sqlite, &env, BO).await;
        assert_eq!(got, expected, "killed at {point}");
    }
}

/// Killed after the commit, the journal says nothing of it: the re-run reads the rows back
/// and finds the plan's result there, so it records the erasure rather than planning the
/// person afresh (who could no longer be found).
#[tokio::test]
async fn a_commit_the_journal_never_heard_of_is_confirmed_by_reading_the_rows_back() {
    let dir = tempfile::tempdir().unwrap();
    let env = company(dir.path(), DbKind::Sqlite, None).await;
    erase_killed_at(dir.path(), &env, BO, "erase.after_commit:webbplatsnu");
    let r = skydd(
        dir.path(),
        &["may", "--purpose", "newsletter", "--email", BO],
        &[],
    );
    assert_eq!(r.code, 0, "the state does not know of the erasure yet");
    std::thread::sleep(Duration::from_millis(700));
    let r = skydd(dir.path(), &["erase", "--email", BO, "--json"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["resumed"]["confirmed"][0], "webbplatsnu", "{v}");
    assert_eq!(v["resumed"]["already_done"].as_array().unwrap().len(), 0);
    assert_eq!(
        v["executed"].as_array().unwrap().len(),
        0,
        "nothing written twice"
    );
    assert_eq!(v["replanned"], 0);
}

/// Rows changed between the crash and the re-run (here the person's phone number, by the
/// company's own application): the journalled writes no longer find the rows as planned,
/// and the rows do not hold the plan's result either, so the person is planned afresh —
/// under the same request — and the new value is erased too.
#[tokio::test]
async fn rows_changed_after_a_crash_are_planned_afresh_under_the_same_request() {
    let dir = tempfile::tempdir().unwrap();
    let env = company(dir.path(), DbKind::Sqlite, None).await;
    erase_killed_at(dir.path(), &env, BO, "erase.after_journal");
    let db = Db::connect(
        "main",
        DbKind::Sqlite,
        &dir.path().join("webbplatsnu.sqlite").display().to_string(),
        None,
        false,
    )
    .await
    .unwrap();
    db.execute("UPDATE customer SET phone = '0705550001' WHERE email = 'bo@bergsbageri.se'")
        .await
        .unwrap();
    db.close().await;
    std::thread::sleep(Duration::from_millis(700));
    let r = skydd(dir.path(), &["erase", "--email", BO, "--json"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["replanned"], 1, "{v}");
    assert!(v["resumed"]["journal"].is_string(), "{v}");
    let rows = common::snapshot(
        DbKind::Sqlite,
        &dir.path().join("webbplatsnu.sqlite").display().to_string(),
    )
    .await;
    let left: Vec<_> = rows
        .iter()
        .filter(|(_, row)| row.iter().any(|(_, v)| v == "0705550001" || v == BO))
        .collect();
    assert!(
        left.is_empty(),
        "the changed row is erased too: {left:?}\n{v}"
    );
    let state = end_state(dir.path(), DbKind::Sqlite, &env, BO).await;
    assert_eq!(state.requests.len(), 1, "{:?}", state.requests);
    assert_eq!(state.may, vec![1, 1, 0]);
    assert_eq!(state.open_erasures, 0);
}

/// A second erasure of the person while the first one's process still holds the lease is
/// refused at once, naming the holder; after the lease runs out it takes the work over.
#[tokio::test]
async fn a_live_erasure_is_not_taken_over_and_a_dead_ones_is() {
    let dir = tempfile::tempdir().unwrap();
    let env = company(dir.path(), DbKind::Sqlite, None).await;
    let mut killed = env_of(&env);
    killed.extend([
        ("SKYDD_FAILPOINT", "erase.after_mark:webbplatsnu"),
        ("SKYDD_LEASE_MS", "2000"),
    ]);
    let r = skydd(dir.path(), &["erase", "--email", BO], &killed);
    assert_eq!(r.code, -1, "{}", r.stderr);
    let started = Instant::now();
    let r = skydd(dir.path(), &["erase", "--email", BO], &[]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains(&format!("an erasure of email:{BO} is in progress since ")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(", by process "), "{}", r.stderr);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "answered at once"
    );
    std::thread::sleep(Duration::from_millis(2100));
    let r = skydd(dir.path(), &["erase", "--email", BO], &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("already done in webbplatsnu"),
        "{}",
        r.stdout
    );
}

/// Regression for issue 8 ("a busy state file (> 5 s) makes the erasure exit 2 without
/// saying the company's database was already changed"): the state is locked by another
/// writer from just after the plan is journalled until well past the store's 5 s wait, so
/// the database commits and the state cannot record it. The error says which database was
/// changed and that the same command finishes it; and it does.
#[tokio::test]
async fn a_busy_state_after_the_commit_says_the_database_changed_and_a_re_run_finishes() {
    let (_r, expected) = reference(DbKind::Sqlite, None, BO).await;
    let dir = tempfile::tempdir().unwrap();
    let env = company(dir.path(), DbKind::Sqlite, None).await;
    let child = spawn(
        dir.path(),
        &["erase", "--email", BO],
        &[("SKYDD_FAILPOINT", "erase.after_journal=sleep(1500)")],
    );
    let state = dir.path().join("skydd-state.sqlite");
    wait_for(&state, "SELECT COUNT(*) FROM erasure_journal").await;
    let lock = hold_write_lock(&state, Duration::from_secs(8)).await;
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    lock.await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("the company's database `webbplatsnu` was already changed by this erasure"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Run the same `skydd erase` again"),
        "{stderr}"
    );
    let r = skydd(dir.path(), &["erase", "--email", BO], &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("Resumed an interrupted erasure"),
        "{}",
        r.stdout
    );
    assert_eq!(
        end_state(dir.path(), DbKind::Sqlite, &env, BO).await,
        expected
    );
}

/// The same crash with the company's database on PostgreSQL (skydd's state stays SQLite):
/// killed after the commit and after the journal heard of it.
#[tokio::test]
async fn an_erasure_killed_on_postgresql_ends_as_one_never_interrupted() {
    let Some(reference_db) = ServerDb::create(DbKind::Postgres, "skydd_crash_ref").await else {
        return;
    };
    let email = skydd_demo::generated_email(7);
    let (_r, expected) = reference(DbKind::Postgres, Some(&reference_db.url), &email).await;
    assert_eq!(expected.may[0], 1, "erased");
    for point in ["erase.after_commit:webbplatsnu", "erase.before_complete"] {
        let server = ServerDb::create(DbKind::Postgres, "skydd_crash")
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let env = company(dir.path(), DbKind::Postgres, Some(&server.url)).await;
        erase_killed_at(dir.path(), &env, &email, point);
        let r = erase_again(dir.path(), &env, &email);
        assert!(
            r.stdout.contains("Resumed an interrupted erasure"),
            "{}",
            r.stdout
        );
        let got = end_state(dir.path(), DbKind::Postgres, &env, &email).await;
        server.drop().await;
        assert_eq!(got, expected, "killed at {point}");
    }
    reference_db.drop().await;
}

/// Regression for issue 8 ("a second `retention run` reports that it continued a run that
/// was still live and waits on locks for up to 5 s"): the second run is refused at once,
/// saying who runs it since when, with exit status 1; the first finishes undisturbed.
#[tokio::test]
async fn a_second_retention_run_while_one_is_live_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    company(dir.path(), DbKind::Sqlite, None).await;
    let r = skydd(dir.path(), &["state", "init"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let first = spawn(
        dir.path(),
        &["retention", "run"],
        &[("SKYDD_FAILPOINT", "retention.after_start=sleep(3000)")],
    );
    let pid = first.id();
    wait_for(
        &dir.path().join("skydd-state.sqlite"),
        "SELECT COUNT(*) FROM lease WHERE name = 'retention'",
    )
    .await;
    let started = Instant::now();
    let r = skydd(dir.path(), &["retention", "run"], &[]);
    let took = started.elapsed();
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("a retention run is in progress since ")
            && r.stderr.contains(&format!(", by process {pid} on ")),
        "{}",
        r.stderr
    );
    assert!(!r.stdout.contains("Continued"), "{}", r.stdout);
    assert!(took < Duration::from_secs(2), "waited {took:?}");
    let out = first.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Retention run 1:"));
}

/// A retention run killed (`kill -9`) stops renewing its lease: until the lease runs out a
/// new run is refused; after, the next run takes over, says whose run it was, and does
/// the work.
#[tokio::test]
async fn a_killed_retention_run_is_taken_over_once_its_lease_ran_out() {
    let dir = tempfile::tempdir().unwrap();
    company(dir.path(), DbKind::Sqlite, None).await;
    let r = skydd(dir.path(), &["state", "init"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut first = spawn(
        dir.path(),
        &["retention", "run"],
        &[
            ("SKYDD_FAILPOINT", "retention.after_start=sleep(30000)"),
            ("SKYDD_LEASE_MS", "1500"),
        ],
    );
    let pid = first.id();
    let state = dir.path().join("skydd-state.sqlite");
    wait_for(
        &state,
        "SELECT COUNT(*) FROM lease WHERE name = 'retention'",
    )
    .await;
    first.kill().unwrap();
    first.wait().unwrap();
    let killed = Instant::now();
    let r = skydd(dir.path(), &["retention", "run"], &[]);
    assert_eq!(
        r.code, 1,
        "the lease is still live: {}{}",
        r.stdout, r.stderr
    );
    std::thread::sleep(Duration::from_millis(1700).saturating_sub(killed.elapsed()));
    let r = skydd(dir.path(), &["retention", "run", "--json"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert!(
        v["took_over"]["holder"]
            .as_str()
            .unwrap()
            .starts_with(&format!("process {pid} on ")),
        "{v}"
    );
    assert_eq!(v["resumed_after_interrupted"], 1);
    assert!(v["rows"].as_u64().unwrap() > 0, "{v}");
    let store = Store::open(&state, false).await.unwrap();
    let runs = StateStore::runs(&store).await.unwrap();
    store.close().await;
    let statuses: Vec<&str> = runs.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(statuses, ["done", "interrupted"]);
}

/// Starts `skydd args` in `dir` with `env`, its output captured.
fn spawn(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_skydd"));
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("SKYDD_REGISTER")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().unwrap()
}

/// Waits until `count` (a `SELECT COUNT(*)`) on the SQLite file `state` is positive.
async fn wait_for(state: &Path, count: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if state.exists()
            && let Ok(db) = Db::connect(
                "state",
                DbKind::Sqlite,
                &state.display().to_string(),
                None,
                false,
            )
            .await
        {
            let n: Result<i64, _> = sqlx::query_scalar(sqlx::AssertSqlSafe(count.to_owned()))
                .fetch_one(db.pool())
                .await;
            db.close().await;
            if n.is_ok_and(|n| n > 0) {
                return;
            }
        }
        assert!(Instant::now() < deadline, "never came: {count}");
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
}

/// Takes SQLite's write lock on `state` (`BEGIN IMMEDIATE`) and holds it for `time`, in a
/// task that ends when it lets go.
async fn hold_write_lock(state: &Path, time: Duration) -> tokio::task::JoinHandle<()> {
    use sqlx::Connection as _;
    let url = format!("sqlite://{}", state.display());
    let (taken, is_taken) = tokio::sync::oneshot::channel();
    let task = tokio::spawn(async move {
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut conn)
            .await
            .unwrap();
        taken.send(()).unwrap();
        tokio::time::sleep(time).await;
        sqlx::query("ROLLBACK").execute(&mut conn).await.unwrap();
        conn.close().await.unwrap();
    });
    is_taken.await.unwrap();
    task
}
