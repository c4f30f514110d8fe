//! The leases that keep an erasure of one person, and the retention run, to one process at
//! a time, called as a server would: another holder's live lease is `Busy` with who and
//! since when, before anything is read or written; a dead holder's run is taken over and
//! said so; a finished erasure leaves its journal recorded and no lease behind. (Crashes
//! themselves are killed processes: `crates/skydd/tests/crash.rs`.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use skydd_app::erase::{self, EraseRequest};
use skydd_app::lease::Leasing;
use skydd_app::retention::{self, RunRequest};
use skydd_app::{AppError, IdentityInput, Subject, Workspace, clock};
use skydd_connect::Db;
use skydd_core::register::DbKind;
use skydd_store::{StateStore, StoreError};

const ANNA: &str = "anna.andersson@example.se";

/// Someone else, as a lease names its holder.
const ELSEWHERE: &str = "process 4242 on another-host (1a2b3c4d)";

/// The demo company in a fresh directory: register, data map, key and story data.
async fn company() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let register = dir.path().join("skydd.toml");
    std::fs::write(&register, skydd_demo::REGISTER).unwrap();
    std::fs::write(dir.path().join("datamap.yml"), skydd_demo::DATAMAP).unwrap();
    std::fs::write(
        dir.path().join("hmac.key"),
        skydd_app::request::random_string(43),
    )
    .unwrap();
    let db = company_db(dir.path(), true).await;
    for s in skydd_demo::schema(DbKind::Sqlite) {
        db.execute(&s).await.unwrap();
    }
    skydd_demo::seed_story(&db, clock::today()).await.unwrap();
    db.close().await;
    (dir, register)
}

async fn company_db(dir: &std::path::Path, create: bool) -> Db {
    let path = dir.join("webbplatsnu.sqlite");
    Db::connect(
        "main",
        DbKind::Sqlite,
        &path.display().to_string(),
        None,
        create,
    )
    .await
    .unwrap()
}

/// Rows of customers with Anna's address.
async fn annas(dir: &std::path::Path) -> i64 {
    let db = company_db(dir, false).await;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM customer WHERE email = $1")
        .bind(ANNA)
        .fetch_one(db.pool())
        .await
        .unwrap();
    db.close().await;
    n
}

fn anna() -> Subject {
    Subject::parse(
        &IdentityInput {
            email: vec![ANNA.into()],
            ..Default::default()
        },
        clock::today(),
    )
    .unwrap()
}

fn erasure() -> EraseRequest {
    let today = clock::today();
    EraseRequest {
        subject: anna(),
        today,
        received: today,
        dry_run: false,
    }
}

fn sweep() -> RunRequest<'static> {
    RunRequest {
        today: clock::today(),
        batch: 100,
        progress: None,
    }
}

#[tokio::test]
async fn an_erasure_of_a_person_another_process_is_erasing_is_busy_and_changes_nothing() {
    let (dir, register) = company().await;
    let ws = Workspace::open(&register, None).await.unwrap();
    let (store, _) = ws.state(true).await.unwrap();
    let lease = format!("erasure:email:{ANNA}");
    assert!(
        store
            .acquire_lease(&lease, ELSEWHERE, Duration::from_secs(60))
            .await
            .unwrap()
    );
    let err = erase::erase(&ws, erasure()).await.unwrap_err();
    let AppError::Busy(StoreError::Busy { holder, since, .. }) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(holder, ELSEWHERE);
    assert!(since.starts_with("20"), "{since}");
    assert_eq!(annas(dir.path()).await, 1, "nothing was changed");
    assert!(store.requests().await.unwrap().is_empty());
    // Its holder gone, the lease is theirs to give back; then the erasure runs.
    assert!(store.release_lease(&lease, ELSEWHERE).await.unwrap());
    erase::erase(&ws, erasure()).await.unwrap();
    assert_eq!(annas(dir.path()).await, 0);
    ws.close().await;
}

#[tokio::test]
async fn a_finished_erasure_leaves_its_journal_recorded_and_no_lease() {
    let (_dir, register) = company().await;
    let ws = Workspace::open(&register, None).await.unwrap();
    let leasing = Leasing::this_process(Duration::from_secs(30));
    let done = erase::erase_leased(&ws, erasure(), &leasing).await.unwrap();
    assert!(done.resumed.is_none());
    let (store, _) = ws.state(false).await.unwrap();
    let subjects = vec![format!("email:{ANNA}")];
    let journals = store.open_erasures(&subjects).await.unwrap();
    assert!(journals.is_empty(), "{journals:?}");
    assert_eq!(
        store.lease(&format!("erasure:email:{ANNA}")).await.unwrap(),
        None
    );
    let requests = store.requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].status, "done");
    // A second erasure finds nothing open and nothing left to do, and is its own request.
    let again = erase::erase_leased(&ws, erasure(), &leasing).await.unwrap();
    assert!(again.resumed.is_none());
    assert_eq!(again.plan.step_count(), 0);
    assert_eq!(store.requests().await.unwrap().len(), 2);
    ws.close().await;
}

#[tokio::test]
async fn a_retention_run_while_another_is_live_is_busy_before_anything_is_swept() {
    let (_dir, register) = company().await;
    let ws = Workspace::open(&register, None).await.unwrap();
    let (store, _) = ws.state(true).await.unwrap();
    let other = store
        .start_run_leased(ELSEWHERE, Duration::from_secs(60))
        .await
        .unwrap();
    let due = retention::plan(&ws, clock::today()).await.unwrap();
    assert!(due.rows_due_in_all > 0);
    let err = retention::run(&ws, sweep()).await.unwrap_err();
    let AppError::Busy(StoreError::Busy { holder, .. }) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(holder, ELSEWHERE);
    let runs = store.runs().await.unwrap();
    assert_eq!(runs.len(), 1, "no second run recorded");
    assert_eq!(runs[0].id, other.id);
    let after = retention::plan(&ws, clock::today()).await.unwrap();
    assert_eq!(after.rows_due_in_all, due.rows_due_in_all, "nothing swept");
    ws.close().await;
}

#[tokio::test]
async fn a_dead_retention_run_is_taken_over_and_the_report_says_whose_it_was() {
    let (_dir, register) = company().await;
    let ws = Workspace::open(&register, None).await.unwrap();
    let (store, _) = ws.state(true).await.unwrap();
    store
        .start_run_leased(ELSEWHERE, Duration::from_millis(100))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    let report = retention::run(&ws, sweep()).await.unwrap();
    let took_over = report.took_over.as_ref().unwrap();
    assert_eq!(took_over.holder, ELSEWHERE);
    assert!(took_over.lease_ended > took_over.since);
    assert_eq!(report.resumed_after_interrupted, 1);
    assert!(report.rows > 0);
    assert_eq!(
        store.lease("retention").await.unwrap(),
        None,
        "given back at the end"
    );
    // The next run finds nobody's run to take over.
    let next = retention::run(&ws, sweep()).await.unwrap();
    assert!(next.took_over.is_none());
    assert_eq!(next.resumed_after_interrupted, 0);
    ws.close().await;
}
