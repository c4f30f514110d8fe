//! One specification of skydd's state, run on every backend: each case is written once,
//! generic over [`StateStore`], and runs on SQLite (a temporary file) always and on
//! PostgreSQL (a database of its own, dropped afterwards) when `SKYDD_TEST_POSTGRES_URL`
//! names a server. Under `CI` a missing URL fails the PostgreSQL cases instead of skipping.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cloned_ref_to_slice_refs
)]

use std::collections::BTreeSet;
use std::time::Duration;

use skydd_core::auditlog::{self, Break};
use skydd_core::rights::Kind;
use skydd_core::staff::Role;
use skydd_store::{
    AuditEntry, LoginOutcome, NewNotice, NewToken, NewUser, NoticeChannel, NoticeState,
};
use skydd_store::{
    Channel, ErasureState, ExecutionOutcome, Extension, Hold, NewErasure, NewRequest,
    NewRestriction, PgStore, Refusal, RequestIdentity, RequestKind, RequestRecord, RequestStatus,
    RunStatus, SqliteStore, StateStore, Store, StoreError, Transition, Verification,
};

/// Two handles on one state (two processes, or two server instances), the state's URL, and
/// a raw connection for writing what skydd never would.
struct Harness<S> {
    a: S,
    b: S,
    url: String,
    raw: Raw,
    cleanup: Cleanup,
}

enum Raw {
    Sqlite(sqlx::SqlitePool),
    Pg(sqlx::PgPool),
}

impl Raw {
    async fn exec(&self, sql: &str) {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match self {
            Raw::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await.map(drop),
            Raw::Pg(p) => sqlx::raw_sql(sql).execute(p).await.map(drop),
        }
        .unwrap();
    }
}

enum Cleanup {
    Dir(#[allow(dead_code)] tempfile::TempDir),
    Database { admin_url: String, name: String },
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        // Also when the test panicked: a thread with its own runtime drops the database.
        if let Cleanup::Database { admin_url, name } = self {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    let admin = sqlx::PgPool::connect(&admin_url).await.unwrap();
                    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                    )))
                    .execute(&admin)
                    .await
                    .unwrap();
                    admin.close().await;
                });
            })
            .join();
        }
    }
}

async fn sqlite() -> Harness<SqliteStore> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite");
    let a = SqliteStore::open(&path, true).await.unwrap();
    let b = SqliteStore::open(&path, false).await.unwrap();
    let raw = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    Harness {
        a,
        b,
        url: format!("sqlite:{}", path.display()),
        raw: Raw::Sqlite(raw),
        cleanup: Cleanup::Dir(dir),
    }
}

async fn postgres() -> Option<Harness<PgStore>> {
    let Ok(admin_url) = std::env::var("SKYDD_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but SKYDD_TEST_POSTGRES_URL is not: the PostgreSQL cases cannot run"
        );
        eprintln!("SKYDD_TEST_POSTGRES_URL is not set: PostgreSQL case skipped");
        return None;
    };
    let name = format!("skydd_conf_{}", skydd_store::new_id().replace('-', ""));
    let admin = sqlx::PgPool::connect(&admin_url)
        .await
        .expect("SKYDD_TEST_POSTGRES_URL is set but PostgreSQL cannot be reached");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let cleanup = Cleanup::Database {
        admin_url: admin_url.clone(),
        name: name.clone(),
    };
    let url = with_database(&admin_url, &name);
    // Two instances starting at once migrate once (sqlx's advisory lock).
    let (a, b) = tokio::join!(PgStore::connect(&url), PgStore::connect(&url));
    Some(Harness {
        a: a.unwrap(),
        b: b.unwrap(),
        raw: Raw::Pg(sqlx::PgPool::connect(&url).await.unwrap()),
        url,
        cleanup,
    })
}

/// `url` with its database replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_end = base
        .find("://")
        .map(|i| i + 3)
        .and_then(|start| base[start..].find('/').map(|i| start + i))
        .unwrap_or(base.len());
    let mut out = format!("{}/{name}", &base[..authority_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Each case as a test on SQLite and one on PostgreSQL.
macro_rules! conformance {
    ($($case:ident),* $(,)?) => {$(
        mod $case {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                let h = super::sqlite().await;
                super::$case(&h).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                if let Some(h) = super::postgres().await {
                    super::$case(&h).await;
                    skydd_store::StateStore::close(&h.a).await;
                    skydd_store::StateStore::close(&h.b).await;
                    drop(h.cleanup);
                }
            }
        }
    )*};
}

conformance!(
    restrictions_are_recorded_once_listed_and_lifted,
    thirty_writers_restricting_one_person_at_once_make_one_record,
    a_restriction_of_unknown_kind_is_corrupt_not_ignored,
    holds_are_kept_through_their_last_day_and_released_after,
    erased_fields_keep_their_first_mark,
    requests_are_logged_updated_and_found_by_subject,
    requests_made_at_once_stay_apart,
    retention_runs_are_recorded_and_a_killed_one_is_counted,
    a_second_retention_run_is_refused_while_the_first_is_alive,
    a_run_that_lost_its_lease_stops_at_its_next_progress,
    twenty_racers_for_one_lease_make_one_holder,
    a_lease_is_renewed_and_released_only_by_its_holder_and_taken_once_expired,
    an_erasure_is_journalled_then_recorded_in_one_transaction,
    a_second_erasure_of_one_person_is_refused_while_the_first_is_alive,
    an_erasure_killed_midway_is_found_open_and_resumed_by_a_rerun,
    a_failed_erasure_frees_the_person,
    a_request_is_received_verified_extended_and_answered,
    a_request_reopened_after_cannot_identify_is_completed_when_answered,
    of_racers_moving_one_request_one_wins_and_the_others_conflict,
    open_requests_come_soonest_due_first,
    the_cli_log_reads_requests_of_the_workflow,
    a_request_of_unknown_status_is_corrupt,
    an_unknown_run_status_is_refused_and_a_stored_one_is_corrupt,
    a_state_from_a_newer_skydd_is_refused,
    the_url_scheme_chooses_the_backend,
    every_change_appends_its_entry_and_the_chain_verifies,
    fifty_changes_from_two_handles_at_once_keep_one_chain_without_gaps,
    an_erasures_entries_name_none_of_the_persons_identities,
    the_audit_log_is_read_in_pages_and_its_head_is_the_last_entry,
    an_entry_edited_in_the_database_breaks_the_chain_at_its_seq,
    a_change_that_fails_appends_no_entry,
    a_change_made_acting_as_someone_names_them_and_only_within_that_scope,
    notices_are_written_with_their_change_and_only_with_a_new_one,
    an_erasures_notices_are_written_when_it_is_recorded_and_not_when_it_fails,
    two_senders_never_hold_one_notice_and_a_dead_senders_notices_come_due_again,
    a_delivered_notice_keeps_nothing_of_the_person_and_a_failed_one_waits_its_turn,
    a_notice_given_up_on_is_resent_or_told_by_staff_and_each_step_is_logged,
    a_notice_of_unknown_state_is_corrupt,
    users_are_added_once_per_address_and_read_without_their_password,
    tokens_are_kept_as_hashes_and_revoked_once,
    a_user_of_unknown_role_is_corrupt,
);

async fn restrictions_are_recorded_once_listed_and_lifted<S: StateStore>(h: &Harness<S>) {
    let s = &h.a;
    let a = s
        .restrict(
            "email:a@x.se",
            Kind::Objection,
            Some("newsletter"),
            &[],
            Some("mejl"),
            &[],
        )
        .await
        .unwrap();
    let b = s
        .restrict(
            "email:a@x.se",
            Kind::Objection,
            Some("newsletter"),
            &[],
            None,
            &[],
        )
        .await
        .unwrap();
    assert_eq!(a, b, "an identical active record is not duplicated");
    s.restrict(
        "email:a@x.se",
        Kind::ErasureHold,
        None,
        &["bookkeeping".into()],
        None,
        &[],
    )
    .await
    .unwrap();
    let active = s.active("email:a@x.se").await.unwrap();
    assert_eq!(active.len(), 2);
    assert_eq!(active[1].allowed, ["bookkeeping"]);
    assert!(!skydd_core::rights::may(&active, "newsletter").allowed);
    assert_eq!(
        s.lift("email:a@x.se", Kind::Objection, Some("newsletter"), &[])
            .await
            .unwrap(),
        1
    );
    assert_eq!(h.b.active("email:a@x.se").await.unwrap().len(), 1);
    assert_eq!(s.all_active().await.unwrap().len(), 1);
    // Lifted, it may be recorded again: the unique index covers active records only.
    let c = s
        .restrict(
            "email:a@x.se",
            Kind::Objection,
            Some("newsletter"),
            &[],
            None,
            &[],
        )
        .await
        .unwrap();
    assert_ne!(a, c);
}

async fn thirty_writers_restricting_one_person_at_once_make_one_record<
    S: StateStore + Clone + 'static,
>(
    h: &Harness<S>,
) {
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..30 {
        let s = if i % 2 == 0 { h.a.clone() } else { h.b.clone() };
        tasks.spawn(async move {
            s.restrict(
                "email:a@x.se",
                Kind::Objection,
                Some("newsletter"),
                &[],
                None,
                &[],
            )
            .await
        });
    }
    let ids: BTreeSet<i64> = tasks
        .join_all()
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(h.a.active("email:a@x.se").await.unwrap().len(), 1);
}

async fn a_restriction_of_unknown_kind_is_corrupt_not_ignored<S: StateStore>(h: &Harness<S>) {
    h.raw
        .exec("INSERT INTO restriction (subject, kind, allowed, created_at) VALUES ('email:a@x.se', 'maybe', '[]', '2026-01-01T00:00:00Z')")
        .await;
    assert!(matches!(
        h.a.active("email:a@x.se").await,
        Err(StoreError::Corrupt(_))
    ));
    assert!(matches!(
        h.a.all_active().await,
        Err(StoreError::Corrupt(_))
    ));
}

fn invoice_hold() -> Hold {
    Hold {
        subject: "email:a@x.se".into(),
        collection: "hosting.invoice".into(),
        row_key: "id=11".into(),
        field: "amount".into(),
        purpose: "bookkeeping".into(),
        statute: Some("Bokföringslagen (1999:1078) 7 kap. 2 §".into()),
        until: Some("2032-12-31".into()),
    }
}

async fn holds_are_kept_through_their_last_day_and_released_after<S: StateStore>(h: &Harness<S>) {
    let s = &h.a;
    let hold = invoice_hold();
    s.record_holds(std::slice::from_ref(&hold)).await.unwrap();
    s.record_holds(std::slice::from_ref(&hold)).await.unwrap();
    assert_eq!(s.holds().await.unwrap(), [hold.clone()]);
    assert_eq!(
        s.holds_of(&["email:a@x.se".into()]).await.unwrap(),
        [hold.clone()]
    );
    assert!(
        s.holds_of(&["email:b@x.se".into()])
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        s.release_holds("2032-12-31").await.unwrap(),
        0,
        "kept through its last day"
    );
    assert_eq!(s.release_holds("2033-01-01").await.unwrap(), 1);
    assert!(s.holds().await.unwrap().is_empty());
    // Held again by a later erasure, with a later end: held once more.
    let later = Hold {
        until: Some("2034-12-31".into()),
        ..hold
    };
    s.record_holds(std::slice::from_ref(&later)).await.unwrap();
    assert_eq!(h.b.holds().await.unwrap(), [later]);
}

async fn erased_fields_keep_their_first_mark<S: StateStore>(h: &Harness<S>) {
    let field = (
        "hosting.customer".to_owned(),
        "id=1".to_owned(),
        "email".to_owned(),
    );
    h.a.mark_erased("r1", std::slice::from_ref(&field))
        .await
        .unwrap();
    h.b.mark_erased("r2", std::slice::from_ref(&field))
        .await
        .unwrap();
    assert_eq!(h.a.erased().await.unwrap(), BTreeSet::from([field]));
}

fn request(id: &str, subject: &str, received: &str) -> RequestRecord {
    RequestRecord {
        id: id.into(),
        kind: "access".into(),
        subject: subject.into(),
        received: received.into(),
        due: "2026-02-01".into(),
        completed: Some("2026-01-02T10:00:00Z".into()),
        summary: r#"{"rows":3}"#.into(),
        status: "done".into(),
    }
}

async fn requests_are_logged_updated_and_found_by_subject<S: StateStore>(h: &Harness<S>) {
    let s = &h.a;
    let first = request(
        "r1",
        "email:a@x.se personnummer:19121212-1212",
        "2026-01-01",
    );
    let second = request("r2", "email:b@x.se", "2026-01-02");
    s.record_request(&first, &[]).await.unwrap();
    s.record_request(&second, &[]).await.unwrap();
    assert_eq!(s.requests().await.unwrap(), [second.clone(), first.clone()]);
    assert_eq!(
        s.requests_of(&["personnummer:19121212-1212".into()])
            .await
            .unwrap(),
        [first.clone()]
    );
    // The same id again records its outcome.
    let failed = RequestRecord {
        status: "failed".into(),
        completed: None,
        summary: r#"{"blockers":["x"]}"#.into(),
        ..first
    };
    s.record_request(&failed, &[]).await.unwrap();
    assert_eq!(
        h.b.requests_of(&["email:a@x.se".into()]).await.unwrap(),
        [failed]
    );
}

async fn requests_made_at_once_stay_apart<S: StateStore + Clone + 'static>(h: &Harness<S>) {
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..60 {
        let s = if i % 2 == 0 { h.a.clone() } else { h.b.clone() };
        tasks.spawn(async move {
            s.record_request(
                &request(&skydd_store::new_id(), "email:a@x.se", "2026-01-01"),
                &[],
            )
            .await
        });
    }
    for r in tasks.join_all().await {
        r.unwrap();
    }
    assert_eq!(h.a.requests().await.unwrap().len(), 60);
}

async fn retention_runs_are_recorded_and_a_killed_one_is_counted<S: StateStore>(h: &Harness<S>) {
    // The first run's process dies: its lease runs out, its run stays `running`.
    let first =
        h.a.start_run_leased("process 1 on a", Duration::from_millis(1))
            .await
            .unwrap();
    assert_eq!((first.interrupted, first.took_over.as_ref()), (0, None));
    tokio::time::sleep(Duration::from_millis(20)).await;
    let second =
        h.b.start_run_leased("process 2 on b", Duration::from_secs(60))
            .await
            .unwrap();
    assert_eq!(second.interrupted, 1, "a run left running was killed");
    let took_over = second
        .took_over
        .expect("the dead run's lease is taken over");
    assert_eq!(took_over.holder, "process 1 on a");
    h.b.progress_run(second.id, 5, "{}").await.unwrap();
    h.b.finish_run(second.id, "done", 10, r#"{"jobs":[]}"#)
        .await
        .unwrap();
    let runs = h.a.runs().await.unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(
        (runs[0].id, runs[0].status, runs[0].rows),
        (second.id, RunStatus::Done, 10)
    );
    assert!(runs[0].finished_at.is_some());
    assert_eq!(
        (runs[1].id, runs[1].status),
        (first.id, RunStatus::Interrupted)
    );
    // Finished, the lease is free: the next run starts without taking anything over.
    let (_, interrupted) = h.a.start_run().await.unwrap();
    assert_eq!(interrupted, 0);
}

async fn a_second_retention_run_is_refused_while_the_first_is_alive<S: StateStore>(h: &Harness<S>) {
    let (first, _) = h.a.start_run().await.unwrap();
    match h.b.start_run().await {
        Err(StoreError::Busy {
            what,
            holder,
            since,
        }) => {
            assert_eq!(what, "a retention run");
            assert!(holder.starts_with("process "), "{holder}");
            assert!(since.len() >= 20, "{since}");
            let text = StoreError::Busy {
                what,
                holder: holder.clone(),
                since: since.clone(),
            }
            .to_string();
            assert_eq!(
                text,
                format!("a retention run is in progress since {since}, by {holder}")
            );
        }
        other => panic!("expected Busy, got {other:?}"),
    }
    h.a.progress_run(first, 1, "{}").await.unwrap();
    let runs = h.a.runs().await.unwrap();
    assert_eq!(runs.len(), 1, "the refused run left no record");
    assert_eq!(runs[0].status, RunStatus::Running);
}

async fn a_run_that_lost_its_lease_stops_at_its_next_progress<S: StateStore>(h: &Harness<S>) {
    let slow =
        h.a.start_run_leased("slow", Duration::from_millis(1))
            .await
            .unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    h.b.start_run_leased("fast", Duration::from_secs(60))
        .await
        .unwrap();
    assert!(matches!(
        h.a.progress_run(slow.id, 1, "{}").await,
        Err(StoreError::Busy { holder, .. }) if holder == "fast"
    ));
}

async fn twenty_racers_for_one_lease_make_one_holder<S: StateStore + Clone + 'static>(
    h: &Harness<S>,
) {
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..20 {
        let s = if i % 2 == 0 { h.a.clone() } else { h.b.clone() };
        tasks.spawn(async move {
            let won = s
                .acquire_lease(
                    "erasure:email:a@x.se",
                    &format!("racer {i}"),
                    Duration::from_secs(60),
                )
                .await
                .unwrap();
            (i, won)
        });
    }
    let winners: Vec<i32> = tasks
        .join_all()
        .await
        .into_iter()
        .filter_map(|(i, won)| won.then_some(i))
        .collect();
    assert_eq!(winners.len(), 1, "{winners:?}");
    let lease = h.a.lease("erasure:email:a@x.se").await.unwrap().unwrap();
    assert_eq!(lease.holder, format!("racer {}", winners[0]));
}

async fn a_lease_is_renewed_and_released_only_by_its_holder_and_taken_once_expired<
    S: StateStore,
>(
    h: &Harness<S>,
) {
    let (s, ttl) = (&h.a, Duration::from_secs(60));
    assert!(s.acquire_lease("retention", "x", ttl).await.unwrap());
    let first = s.lease("retention").await.unwrap().unwrap();
    assert!(
        s.acquire_lease("retention", "x", ttl).await.unwrap(),
        "its holder again"
    );
    assert_eq!(
        s.lease("retention").await.unwrap().unwrap().acquired_at,
        first.acquired_at,
        "held since it was first taken"
    );
    assert!(!h.b.acquire_lease("retention", "y", ttl).await.unwrap());
    assert!(!h.b.renew_lease("retention", "y", ttl).await.unwrap());
    assert!(!h.b.release_lease("retention", "y").await.unwrap());
    assert!(
        s.renew_lease("retention", "x", Duration::from_millis(1))
            .await
            .unwrap()
    );
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(
        h.b.acquire_lease("retention", "y", ttl).await.unwrap(),
        "expired"
    );
    assert!(
        !s.renew_lease("retention", "x", ttl).await.unwrap(),
        "no longer x's"
    );
    assert!(h.b.release_lease("retention", "y").await.unwrap());
    assert_eq!(s.lease("retention").await.unwrap(), None);
    assert!(
        s.acquire_lease("retention", "x", ttl).await.unwrap(),
        "released"
    );
}

async fn an_unknown_run_status_is_refused_and_a_stored_one_is_corrupt<S: StateStore>(
    h: &Harness<S>,
) {
    let (id, _) = h.a.start_run().await.unwrap();
    assert!(matches!(
        h.a.finish_run(id, "fine", 1, "{}").await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        h.a.finish_run(id, "running", 1, "{}").await,
        Err(StoreError::Invalid(_))
    ));
    h.raw
        .exec("UPDATE retention_run SET status = 'paused'")
        .await;
    assert!(matches!(h.a.runs().await, Err(StoreError::Corrupt(_))));
}

async fn a_state_from_a_newer_skydd_is_refused<S: StateStore>(h: &Harness<S>) {
    h.raw
        .exec("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (9999, 'from the future', TRUE, 'x', 0)")
        .await;
    match Store::connect(&h.url, false).await {
        Err(StoreError::Newer { found, known }) => {
            assert_eq!(found, 9999);
            assert!(known < found);
        }
        other => panic!("expected Newer, got {other:?}"),
    }
}

async fn the_url_scheme_chooses_the_backend<S: StateStore>(h: &Harness<S>) {
    h.a.restrict("email:a@x.se", Kind::Restriction, None, &[], None, &[])
        .await
        .unwrap();
    let s = Store::connect(&h.url, false).await.unwrap();
    let expected_sqlite = h.url.starts_with("sqlite:");
    assert_eq!(matches!(s, Store::Sqlite(_)), expected_sqlite);
    assert_eq!(s.active("email:a@x.se").await.unwrap().len(), 1);
    s.close().await;
    match Store::connect("mysql://root@localhost/skydd", true).await {
        Err(e @ StoreError::Scheme { .. }) => {
            let text = e.to_string();
            assert!(
                text.contains("`mysql`") && text.contains("postgres://"),
                "{text}"
            );
            assert!(
                !text.contains("root@localhost"),
                "a URL is never shown: {text}"
            );
        }
        other => panic!("expected Scheme, got {other:?}"),
    }
}

fn erasure_of(subject: &str, holder: &str, lease: Duration) -> NewErasure {
    NewErasure {
        request_id: format!("erasure-{holder}"),
        subjects: vec![subject.to_owned()],
        plan: r#"{"steps":[{"dataset":"shop","table":"customer"}]}"#.into(),
        holder: holder.to_owned(),
        lease,
    }
}

fn mark(dataset: &str) -> Vec<(String, String, String)> {
    vec![(format!("{dataset}.customer"), "id=1".into(), "email".into())]
}

fn erasure_hold() -> NewRestriction {
    NewRestriction {
        subject: "email:a@x.se".into(),
        kind: Kind::ErasureHold,
        purpose: None,
        allowed: vec!["bookkeeping".into()],
        reason: Some("erased; kept by Bokföringslagen".into()),
    }
}

async fn an_erasure_is_journalled_then_recorded_in_one_transaction<S: StateStore>(h: &Harness<S>) {
    let s = &h.a;
    let id = s
        .journal_erasure(&erasure_of("email:a@x.se", "p1", Duration::from_secs(60)))
        .await
        .unwrap();
    let j = s.erasure(&id).await.unwrap().unwrap();
    assert_eq!(j.state, ErasureState::Planned);
    assert_eq!(j.subjects, ["email:a@x.se"]);
    assert!(j.plan.contains("customer"), "the plan is kept as written");
    s.mark_dataset_done(&id, "shop", &mark("shop"))
        .await
        .unwrap();
    s.mark_dataset_done(&id, "crm", &mark("crm")).await.unwrap();
    s.mark_dataset_done(&id, "shop", &mark("shop"))
        .await
        .unwrap();
    let j = s.erasure(&id).await.unwrap().unwrap();
    assert_eq!(j.state, ErasureState::Applying);
    assert_eq!(j.datasets_done, ["shop", "crm"]);
    assert_eq!(
        s.erased().await.unwrap().len(),
        2,
        "each database's marks with it"
    );
    let record = RequestRecord {
        kind: "erasure".into(),
        ..request(&j.request_id, "email:a@x.se", "2026-01-01")
    };
    s.complete_erasure(&id, &[invoice_hold()], &[erasure_hold()], &record, &[])
        .await
        .unwrap();
    let j = s.erasure(&id).await.unwrap().unwrap();
    assert_eq!(j.state, ErasureState::Recorded);
    // The plan held the values the erasure removed; skydd keeps none of them (Art. 17).
    assert_eq!(j.plan, "{}");
    assert_eq!(
        s.holds_of(&["email:a@x.se".into()]).await.unwrap(),
        [invoice_hold()]
    );
    let active = s.active("email:a@x.se").await.unwrap();
    assert_eq!(active.len(), 1);
    assert!(!skydd_core::rights::may(&active, "newsletter").allowed);
    assert!(skydd_core::rights::may(&active, "bookkeeping").allowed);
    assert_eq!(s.requests().await.unwrap(), [record.clone()]);
    assert!(
        s.open_erasures(&["email:a@x.se".into()])
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        s.lease("erasure:email:a@x.se").await.unwrap(),
        None,
        "the person is free"
    );
    assert!(matches!(
        s.complete_erasure(&id, &[], &[], &record, &[]).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.mark_dataset_done(&id, "late", &[]).await,
        Err(StoreError::Conflict(_))
    ));
}

async fn a_second_erasure_of_one_person_is_refused_while_the_first_is_alive<S: StateStore>(
    h: &Harness<S>,
) {
    let first =
        h.a.journal_erasure(&erasure_of("email:a@x.se", "p1", Duration::from_secs(60)))
            .await
            .unwrap();
    let both = NewErasure {
        subjects: vec!["email:b@x.se".into(), "email:a@x.se".into()],
        ..erasure_of("email:b@x.se", "p2", Duration::from_secs(60))
    };
    match h.b.journal_erasure(&both).await {
        Err(StoreError::Busy { what, holder, .. }) => {
            assert_eq!(
                (what.as_str(), holder.as_str()),
                ("an erasure of email:a@x.se", "p1")
            );
        }
        other => panic!("expected Busy, got {other:?}"),
    }
    assert_eq!(
        h.a.lease("erasure:email:b@x.se").await.unwrap(),
        None,
        "refused, it holds nobody"
    );
    assert_eq!(
        h.a.open_erasures(&["email:a@x.se".into(), "email:b@x.se".into()])
            .await
            .unwrap()
            .len(),
        1
    );
    h.a.fail_erasure(&first, "stopped").await.unwrap();
    h.b.journal_erasure(&both).await.unwrap();
}

async fn an_erasure_killed_midway_is_found_open_and_resumed_by_a_rerun<S: StateStore>(
    h: &Harness<S>,
) {
    // The first process committed one database, then died before skydd's records.
    let id =
        h.a.journal_erasure(&erasure_of(
            "email:a@x.se",
            "dead",
            Duration::from_millis(1),
        ))
        .await
        .unwrap();
    h.a.mark_dataset_done(&id, "shop", &mark("shop"))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let open = h.b.open_erasures(&["email:a@x.se".into()]).await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(
        (open[0].state, open[0].datasets_done.as_slice()),
        (ErasureState::Applying, &["shop".to_owned()][..])
    );
    let resumed =
        h.b.take_over_erasure(&id, "rerun", Duration::from_secs(60))
            .await
            .unwrap();
    assert_eq!(resumed.holder, "rerun");
    assert!(matches!(
        h.a.take_over_erasure(&id, "third", Duration::from_secs(60)).await,
        Err(StoreError::Busy { holder, .. }) if holder == "rerun"
    ));
    let record = request(&resumed.request_id, "email:a@x.se", "2026-01-01");
    h.b.complete_erasure(&id, &[invoice_hold()], &[erasure_hold()], &record, &[])
        .await
        .unwrap();
    assert_eq!(h.a.holds().await.unwrap().len(), 1);
    assert_eq!(h.a.active("email:a@x.se").await.unwrap().len(), 1);
    assert_eq!(h.a.lease("erasure:email:a@x.se").await.unwrap(), None);
}

async fn a_failed_erasure_frees_the_person<S: StateStore>(h: &Harness<S>) {
    let id =
        h.a.journal_erasure(&erasure_of("email:a@x.se", "p1", Duration::from_secs(60)))
            .await
            .unwrap();
    h.a.fail_erasure(&id, "a blocker: the row is read-only")
        .await
        .unwrap();
    let j = h.a.erasure(&id).await.unwrap().unwrap();
    assert_eq!(j.state, ErasureState::Failed);
    assert_eq!(
        j.failure.as_deref(),
        Some("a blocker: the row is read-only")
    );
    assert_eq!(h.a.lease("erasure:email:a@x.se").await.unwrap(), None);
    assert!(matches!(
        h.a.mark_dataset_done(&id, "shop", &[]).await,
        Err(StoreError::Conflict(_))
    ));
}

fn received(kind: RequestKind, email: &str, due: &str) -> NewRequest {
    NewRequest {
        kind,
        channel: Channel::Web,
        received: "2026-01-05".into(),
        due: due.into(),
        identities: vec![
            RequestIdentity {
                kind: "email".into(),
                value: email.into(),
                subject_key: format!("email:{email}"),
            },
            RequestIdentity {
                kind: "customer_id".into(),
                value: "17".into(),
                subject_key: format!("email:{email}"),
            },
        ],
        asked_change: None,
    }
}

async fn a_request_reopened_after_cannot_identify_is_completed_when_answered<S: StateStore>(
    h: &Harness<S>,
) {
    use RequestStatus::*;
    let s = &h.a;
    let id = s
        .create_request(&received(RequestKind::Access, "a@x.se", "2026-02-05"))
        .await
        .unwrap();
    let none = Transition::default();
    s.transition(&id, Received, CannotIdentify, &none)
        .await
        .unwrap();
    assert!(s.request(&id).await.unwrap().unwrap().completed.is_some());
    // The person gives more (Art. 11(2)): open again, so not completed.
    s.transition(&id, CannotIdentify, Verified, &none)
        .await
        .unwrap();
    assert_eq!(s.request(&id).await.unwrap().unwrap().completed, None);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let before = jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    s.transition(&id, Verified, Answered, &none).await.unwrap();
    let done = s.request(&id).await.unwrap().unwrap().completed.unwrap();
    assert!(
        done >= before,
        "completed {done} is the answer's time, not {before}"
    );
}

async fn a_request_is_received_verified_extended_and_answered<S: StateStore>(h: &Harness<S>) {
    use RequestStatus::*;
    let s = &h.a;
    let id = s
        .create_request(&NewRequest {
            asked_change: Some(r#"{"name":"Anna Berg"}"#.into()),
            ..received(RequestKind::Rectification, "a@x.se", "2026-02-05")
        })
        .await
        .unwrap();
    let r = s.request(&id).await.unwrap().unwrap();
    assert_eq!(
        (r.status, r.kind, r.channel),
        (Received, RequestKind::Rectification, Channel::Web)
    );
    assert_eq!(r.subject, "email:a@x.se", "one person, two identities");
    assert_eq!(r.identities.len(), 2);
    assert_eq!(r.asked_change.as_deref(), Some(r#"{"name":"Anna Berg"}"#));
    let verification = Verification {
        method: "reply from the e-mail address on file".into(),
        by: "handler:eva".into(),
        at: "2026-01-06T09:00:00Z".into(),
        note: None,
    };
    s.transition(
        &id,
        Received,
        Verified,
        &Transition {
            verification: Some(verification.clone()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    s.transition(&id, Verified, InProgress, &Transition::default())
        .await
        .unwrap();
    // Art. 12(3): extended by two months, with reasons, before the first month ends.
    let extension = Extension {
        due: "2026-04-06".into(),
        reasons: "the change touches five systems".into(),
        at: "2026-01-20T12:00:00Z".into(),
        by: "handler:eva".into(),
    };
    s.transition(
        &id,
        InProgress,
        InProgress,
        &Transition {
            extension: Some(extension.clone()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let run = s.start_execution(&id).await.unwrap();
    s.finish_execution(&run, ExecutionOutcome::Done, r#"{"rows":1}"#)
        .await
        .unwrap();
    assert!(matches!(
        s.finish_execution(&run, ExecutionOutcome::Failed, "{}")
            .await,
        Err(StoreError::Conflict(_))
    ));
    s.transition(&id, InProgress, Answered, &Transition::default())
        .await
        .unwrap();
    let r = h.b.request(&id).await.unwrap().unwrap();
    assert_eq!(r.status, Answered);
    assert_eq!(r.verification, Some(verification));
    assert_eq!(r.extension, Some(extension));
    assert_eq!(r.due_now(), "2026-04-06");
    assert!(r.completed.is_some());
    assert_eq!(r.executions.len(), 1);
    assert_eq!(
        (r.executions[0].outcome, r.executions[0].report.as_str()),
        (Some(ExecutionOutcome::Done), r#"{"rows":1}"#)
    );
    assert!(s.open_requests().await.unwrap().is_empty());
    assert_eq!(s.request("no-such").await.unwrap(), None);
}

async fn of_racers_moving_one_request_one_wins_and_the_others_conflict<
    S: StateStore + Clone + 'static,
>(
    h: &Harness<S>,
) {
    let id =
        h.a.create_request(&received(RequestKind::Access, "a@x.se", "2026-02-05"))
            .await
            .unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..10 {
        let (s, id) = (
            if i % 2 == 0 { h.a.clone() } else { h.b.clone() },
            id.clone(),
        );
        tasks.spawn(async move {
            let refusal = Refusal {
                reasons: format!("racer {i}"),
                ground: "Art. 12(5)".into(),
            };
            s.transition(
                &id,
                RequestStatus::Received,
                RequestStatus::Refused,
                &Transition {
                    refusal: Some(refusal),
                    ..Default::default()
                },
            )
            .await
        });
    }
    let results = tasks.join_all().await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    assert!(
        results
            .iter()
            .filter(|r| r.is_err())
            .all(|r| matches!(r, Err(StoreError::Conflict(_))))
    );
    let r = h.a.request(&id).await.unwrap().unwrap();
    assert_eq!(r.status, RequestStatus::Refused);
    assert!(matches!(
        h.a.transition(
            "no-such",
            RequestStatus::Received,
            RequestStatus::Verified,
            &Transition::default()
        )
        .await,
        Err(StoreError::Invalid(_))
    ));
}

async fn open_requests_come_soonest_due_first<S: StateStore>(h: &Harness<S>) {
    let s = &h.a;
    let late = s
        .create_request(&received(RequestKind::Access, "a@x.se", "2026-03-01"))
        .await
        .unwrap();
    let soon = s
        .create_request(&received(RequestKind::Erasure, "b@x.se", "2026-02-01"))
        .await
        .unwrap();
    let extended = s
        .create_request(&received(RequestKind::Objection, "c@x.se", "2026-01-20"))
        .await
        .unwrap();
    let done = s
        .create_request(&received(RequestKind::Access, "d@x.se", "2026-01-10"))
        .await
        .unwrap();
    s.transition(
        &extended,
        RequestStatus::Received,
        RequestStatus::Received,
        &Transition {
            extension: Some(Extension {
                due: "2026-03-20".into(),
                reasons: "many requests".into(),
                at: "2026-01-10T08:00:00Z".into(),
                by: "owner".into(),
            }),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    s.transition(
        &done,
        RequestStatus::Received,
        RequestStatus::Withdrawn,
        &Transition::default(),
    )
    .await
    .unwrap();
    let open: Vec<String> = s
        .open_requests()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(open, [soon, late, extended]);
}

async fn the_cli_log_reads_requests_of_the_workflow<S: StateStore>(h: &Harness<S>) {
    let s = &h.a;
    let id = s
        .create_request(&received(RequestKind::Portability, "a@x.se", "2026-02-05"))
        .await
        .unwrap();
    let log = s.requests_of(&["email:a@x.se".into()]).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].kind.as_str(), log[0].status.as_str()),
        ("export", "received")
    );
    let run = s.start_execution(&id).await.unwrap();
    s.finish_execution(&run, ExecutionOutcome::Failed, r#"{"error":"db down"}"#)
        .await
        .unwrap();
    let log = s.requests().await.unwrap();
    assert_eq!(
        (log[0].status.as_str(), log[0].summary.as_str()),
        ("failed", r#"{"error":"db down"}"#)
    );
    // What the CLI logs reads back in the workflow: done is answered, with its run.
    s.record_request(
        &RequestRecord {
            kind: "export".into(),
            ..request("cli-1", "email:b@x.se", "2026-01-01")
        },
        &[],
    )
    .await
    .unwrap();
    let r = s.request("cli-1").await.unwrap().unwrap();
    assert_eq!(
        (r.kind, r.status, r.channel),
        (
            RequestKind::Portability,
            RequestStatus::Answered,
            Channel::Cli
        )
    );
    assert_eq!(r.executions[0].outcome, Some(ExecutionOutcome::Done));
    assert!(matches!(
        s.record_request(
            &RequestRecord {
                status: "maybe".into(),
                ..request("cli-2", "email:b@x.se", "2026-01-01")
            },
            &[]
        )
        .await,
        Err(StoreError::Invalid(_))
    ));
}

async fn a_request_of_unknown_status_is_corrupt<S: StateStore>(h: &Harness<S>) {
    let id =
        h.a.create_request(&received(RequestKind::Access, "a@x.se", "2026-02-05"))
            .await
            .unwrap();
    h.raw
        .exec(&format!(
            "UPDATE request SET status = 'pending' WHERE id = '{id}'"
        ))
        .await;
    assert!(matches!(
        h.a.request(&id).await,
        Err(StoreError::Corrupt(_))
    ));
    assert!(matches!(h.a.requests().await, Err(StoreError::Corrupt(_))));
}

/// Every entry of the log, read in small pages as a verifier would.
async fn log_of<S: StateStore>(s: &S) -> Vec<AuditEntry> {
    let mut out: Vec<AuditEntry> = Vec::new();
    loop {
        let after = out.last().map_or(0, |e| e.seq);
        let page = s.audit_entries(after, 7).await.unwrap();
        if page.is_empty() {
            return out;
        }
        out.extend(page);
    }
}

/// What the entries say, without their hashes (hex digits would match numbers by chance).
fn said(log: &[AuditEntry]) -> String {
    log.iter()
        .map(|e| format!("{} {} {} {}\n", e.actor, e.action, e.object, e.detail))
        .collect()
}

/// Restricts `n` people, one audit entry each.
async fn restrict_people<S: StateStore>(s: &S, n: usize) {
    for i in 0..n {
        s.restrict(
            &format!("email:p{i}@x.se"),
            Kind::Restriction,
            None,
            &[],
            None,
            &[],
        )
        .await
        .unwrap();
    }
}

fn actions(log: &[AuditEntry]) -> Vec<&str> {
    log.iter().map(|e| e.action.as_str()).collect()
}

async fn every_change_appends_its_entry_and_the_chain_verifies<S: StateStore>(h: &Harness<S>) {
    use RequestStatus::*;
    let s = h.a.with_actor("user:eva");
    assert_eq!(
        s.audit_head().await.unwrap(),
        None,
        "a new state has an empty log"
    );
    let r = s
        .restrict(
            "email:a@x.se",
            Kind::Objection,
            Some("newsletter"),
            &[],
            Some("mejl"),
            &[],
        )
        .await
        .unwrap();
    // The same restriction again changes nothing, and logs nothing.
    s.restrict(
        "email:a@x.se",
        Kind::Objection,
        Some("newsletter"),
        &[],
        None,
        &[],
    )
    .await
    .unwrap();
    s.lift("email:a@x.se", Kind::Objection, None, &[])
        .await
        .unwrap();
    s.lift("email:a@x.se", Kind::Objection, None, &[])
        .await
        .unwrap();
    s.record_holds(&[invoice_hold()]).await.unwrap();
    s.release_holds("2040-01-01").await.unwrap();
    s.mark_erased("r1", &mark("shop")).await.unwrap();
    s.record_request(&request("r1", "email:a@x.se", "2026-01-01"), &[])
        .await
        .unwrap();
    let id = s
        .create_request(&received(RequestKind::Access, "a@x.se", "2026-02-05"))
        .await
        .unwrap();
    s.transition(
        &id,
        Received,
        Verified,
        &Transition {
            verification: Some(Verification {
                method: "reply from the address on file".into(),
                by: "user:eva".into(),
                at: "2026-01-06T09:00:00Z".into(),
                note: Some("Anna called too".into()),
            }),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    s.transition(
        &id,
        Verified,
        Verified,
        &Transition {
            extension: Some(Extension {
                due: "2026-04-06".into(),
                reasons: "many systems".into(),
                at: "2026-01-20T12:00:00Z".into(),
                by: "user:eva".into(),
            }),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let run = s.start_execution(&id).await.unwrap();
    s.finish_execution(
        &run,
        ExecutionOutcome::Done,
        r#"{"rows":[{"email":"a@x.se"}]}"#,
    )
    .await
    .unwrap();
    s.transition(&id, Verified, Answered, &Transition::default())
        .await
        .unwrap();
    let started = s
        .start_run_leased("p1", Duration::from_secs(60))
        .await
        .unwrap();
    s.progress_run(started.id, 3, "{}").await.unwrap();
    s.finish_run(started.id, "done", 5, "{}").await.unwrap();
    let log = log_of(&h.b).await;
    assert_eq!(
        actions(&log),
        [
            "restriction.added",
            "restriction.lifted",
            "hold.recorded",
            "hold.released",
            "erased.marked",
            "request.received",
            "request.executed",
            "request.received",
            "request.verified",
            "request.extended",
            "request.execution_started",
            "request.executed",
            "request.answered",
            "run.started",
            "run.finished",
        ]
    );
    assert!(
        log.iter().all(|e| e.actor == "user:eva"),
        "the handle's actor"
    );
    assert_eq!(log[0].object, format!("restriction:{r}"));
    assert_eq!(log[0].detail["purpose"], "newsletter");
    assert_eq!(log[9].object, format!("request:{id}"));
    assert_eq!(log[9].detail["extended_due"], "2026-04-06");
    assert_eq!(
        (&log[8].detail["from"], &log[8].detail["to"]),
        (&"received".into(), &"verified".into())
    );
    assert_eq!(log[11].detail["outcome"], "done");
    assert_eq!(log[14].detail["rows"], 5);
    let text = said(&log);
    for personal in ["a@x.se", "Anna", "reply from", "many systems", "mejl"] {
        assert!(
            !text.contains(personal),
            "`{personal}` is in the log: {text}"
        );
    }
    let verified = auditlog::verify(&log, None).unwrap();
    assert_eq!(verified.entries, 15);
    assert_eq!(verified.head, h.a.audit_head().await.unwrap().unwrap().hash);
    // The store opened without an actor records the default one.
    assert_eq!(h.a.actor(), skydd_store::SYSTEM);
}

async fn fifty_changes_from_two_handles_at_once_keep_one_chain_without_gaps<
    S: StateStore + Clone + 'static,
>(
    h: &Harness<S>,
) {
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..50 {
        let s = if i % 2 == 0 {
            h.a.with_actor("user:a")
        } else {
            h.b.with_actor("user:b")
        };
        tasks.spawn(async move {
            if i % 5 == 0 {
                s.create_request(&received(
                    RequestKind::Access,
                    &format!("p{i}@x.se"),
                    "2026-02-05",
                ))
                .await
                .map(drop)
            } else {
                s.restrict(
                    &format!("email:p{i}@x.se"),
                    Kind::Restriction,
                    None,
                    &[],
                    None,
                    &[],
                )
                .await
                .map(drop)
            }
        });
    }
    for r in tasks.join_all().await {
        r.unwrap();
    }
    let log = log_of(&h.a).await;
    assert_eq!(log.len(), 50);
    assert!(
        log.iter().enumerate().all(|(i, e)| e.seq == i as i64 + 1),
        "no gaps"
    );
    assert_eq!(
        auditlog::verify(&log, None).unwrap().entries,
        50,
        "one chain, no fork"
    );
    assert_eq!(log.iter().filter(|e| e.actor == "user:b").count(), 25);
}

async fn an_erasures_entries_name_none_of_the_persons_identities<S: StateStore>(h: &Harness<S>) {
    // Row keys and the subject key hold the person's e-mail address and personnummer, as
    // they may in a company whose key is the address.
    let subject = "email:anna.berg@x.se";
    let erasure = NewErasure {
        subjects: vec![subject.into(), "personnummer:19811218-9876".into()],
        ..erasure_of(subject, "p1", Duration::from_secs(60))
    };
    let id = h.a.journal_erasure(&erasure).await.unwrap();
    let marks = vec![(
        "shop.customer".to_owned(),
        "email=anna.berg@x.se".to_owned(),
        "name".to_owned(),
    )];
    h.a.mark_dataset_done(&id, "shop", &marks).await.unwrap();
    let hold = Hold {
        subject: subject.into(),
        row_key: "email=anna.berg@x.se".into(),
        ..invoice_hold()
    };
    let restriction = NewRestriction {
        subject: subject.into(),
        reason: Some("Anna Berg's invoices, kept by Bokföringslagen".into()),
        ..erasure_hold()
    };
    let record = RequestRecord {
        kind: "erasure".into(),
        summary: r#"{"erased":"anna.berg@x.se","name":"Anna Berg"}"#.into(),
        ..request(
            &erasure.request_id,
            "email:anna.berg@x.se personnummer:19811218-9876",
            "2026-01-01",
        )
    };
    h.a.complete_erasure(&id, &[hold], &[restriction], &record, &[])
        .await
        .unwrap();
    let other =
        h.a.journal_erasure(&erasure_of(subject, "p2", Duration::from_secs(60)))
            .await
            .unwrap();
    h.a.fail_erasure(&other, "anna.berg@x.se: the row is read-only")
        .await
        .unwrap();
    let log = log_of(&h.a).await;
    assert_eq!(
        actions(&log),
        [
            "erasure.journalled",
            "erasure.dataset_done",
            "hold.recorded",
            "restriction.added",
            "request.received",
            "request.executed",
            "erasure.recorded",
            "erasure.journalled",
            "erasure.failed",
        ]
    );
    assert_eq!(log[0].detail["subjects"], 2, "a count, not the people");
    assert_eq!(log[1].detail["marked"], 1);
    let text = said(&log).to_lowercase();
    for personal in [
        "anna",
        "berg",
        "19811218",
        "9876",
        "@x.se",
        "bokföringslagen",
    ] {
        assert!(
            !text.contains(personal),
            "`{personal}` is in the log: {text}"
        );
    }
    auditlog::verify(&log, None).unwrap();
}

async fn the_audit_log_is_read_in_pages_and_its_head_is_the_last_entry<S: StateStore>(
    h: &Harness<S>,
) {
    restrict_people(&h.a, 12).await;
    let first = h.a.audit_entries(0, 5).await.unwrap();
    assert_eq!(
        first.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    let last = h.a.audit_entries(10, 5).await.unwrap();
    assert_eq!(last.iter().map(|e| e.seq).collect::<Vec<_>>(), [11, 12]);
    assert!(h.a.audit_entries(12, 5).await.unwrap().is_empty());
    let head = h.b.audit_head().await.unwrap().unwrap();
    assert_eq!((head.seq, &head.hash), (12, &last[1].hash));
    assert_eq!(first[0].prev, auditlog::GENESIS);
    assert_eq!(first[1].prev, first[0].hash);
}

async fn an_entry_edited_in_the_database_breaks_the_chain_at_its_seq<S: StateStore>(
    h: &Harness<S>,
) {
    restrict_people(&h.a, 5).await;
    let head = h.a.audit_head().await.unwrap().unwrap().hash;
    h.raw
        .exec("UPDATE audit_log SET actor = 'user:mallory' WHERE seq = 3")
        .await;
    assert_eq!(
        auditlog::verify(&log_of(&h.a).await, None),
        Err(Break::Altered { seq: 3 })
    );
    h.raw
        .exec("UPDATE audit_log SET actor = 'system', detail = 'not json' WHERE seq = 3")
        .await;
    assert_eq!(
        auditlog::verify(&log_of(&h.a).await, None),
        Err(Break::Altered { seq: 3 }),
        "a detail that is not JSON is an altered entry, not a stop"
    );
    h.raw.exec("DELETE FROM audit_log WHERE seq = 3").await;
    assert_eq!(
        auditlog::verify(&log_of(&h.a).await, None),
        Err(Break::OutOfPlace { seq: 4, after: 2 })
    );
    h.raw.exec("DELETE FROM audit_log WHERE seq >= 3").await;
    assert!(auditlog::verify(&log_of(&h.a).await, None).is_ok());
    assert_eq!(
        auditlog::verify(&log_of(&h.a).await, Some(&head)),
        Err(Break::HeadMissing { head })
    );
}

async fn a_change_that_fails_appends_no_entry<S: StateStore>(h: &Harness<S>) {
    let id =
        h.a.create_request(&received(RequestKind::Access, "a@x.se", "2026-02-05"))
            .await
            .unwrap();
    assert!(matches!(
        h.a.transition(
            &id,
            RequestStatus::Verified,
            RequestStatus::Answered,
            &Transition::default()
        )
        .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        h.a.finish_execution("no-such", ExecutionOutcome::Done, "{}")
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(!h.a.revoke_token("no-such").await.unwrap());
    assert!(matches!(
        h.a.finish_run(1, "running", 0, "{}").await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(actions(&log_of(&h.a).await), ["request.received"]);
}

fn staff(email: &str, role: Role) -> NewUser {
    NewUser {
        name: "Eva Handläggare".into(),
        email: email.into(),
        role,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
    }
}

async fn users_are_added_once_per_address_and_read_without_their_password<S: StateStore>(
    h: &Harness<S>,
) {
    let s = h.a.with_actor("cli:owner");
    let eva = s
        .add_user(&staff("eva@firma.se", Role::Handler))
        .await
        .unwrap();
    let olle = s
        .add_user(&staff("olle@firma.se", Role::Viewer))
        .await
        .unwrap();
    assert!(matches!(
        h.b.add_user(&staff("eva@firma.se", Role::Owner)).await,
        Err(StoreError::Conflict(_))
    ));
    let users = h.b.users().await.unwrap();
    assert_eq!(
        users
            .iter()
            .map(|u| (u.id.as_str(), u.role))
            .collect::<Vec<_>>(),
        [(eva.as_str(), Role::Handler), (olle.as_str(), Role::Viewer)]
    );
    let login = h.b.login("eva@firma.se").await.unwrap().unwrap();
    assert_eq!(login.user, users[0]);
    assert!(login.password_hash.starts_with("$argon2id$"));
    assert_eq!(h.b.login("nobody@firma.se").await.unwrap(), None);
    h.b.record_login(Some(&eva), LoginOutcome::Succeeded)
        .await
        .unwrap();
    h.b.record_login(None, LoginOutcome::UnknownUser)
        .await
        .unwrap();
    let log = log_of(&h.a).await;
    assert_eq!(
        actions(&log),
        ["user.added", "user.added", "login", "login"]
    );
    assert_eq!(
        (log[0].object.as_str(), &log[0].detail["role"]),
        (format!("user:{eva}").as_str(), &"handler".into())
    );
    assert_eq!(log[0].actor, "cli:owner");
    assert_eq!(
        (log[3].object.as_str(), &log[3].detail["outcome"]),
        ("user:unknown", &"unknown_user".into())
    );
    let text = said(&log);
    assert!(
        !text.contains("firma.se") && !text.contains("argon2") && !text.contains("Eva"),
        "{text}"
    );
}

async fn tokens_are_kept_as_hashes_and_revoked_once<S: StateStore>(h: &Harness<S>) {
    let eva =
        h.a.add_user(&staff("eva@firma.se", Role::Handler))
            .await
            .unwrap();
    let token = NewToken {
        id: "0123abcd".into(),
        user_id: eva.clone(),
        name: "the website".into(),
        role: Role::Viewer,
        secret_hash: "ab".repeat(32),
        expires_at: Some("2027-01-01T00:00:00Z".into()),
    };
    h.a.create_token(&token).await.unwrap();
    assert!(matches!(
        h.a.create_token(&NewToken {
            id: "other".into(),
            user_id: "no-such".into(),
            ..token.clone()
        })
        .await,
        Err(StoreError::Invalid(_))
    ));
    let check = h.b.token_check("0123abcd").await.unwrap().unwrap();
    assert_eq!(check.secret_hash, "ab".repeat(32));
    assert_eq!(
        (check.token.role, check.user.id.as_str()),
        (Role::Viewer, eva.as_str())
    );
    assert_eq!(check.token.last_used_at, None);
    h.b.touch_token("0123abcd").await.unwrap();
    let listed = h.a.tokens().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].last_used_at.is_some());
    assert_eq!(
        listed[0].expires_at.as_deref(),
        Some("2027-01-01T00:00:00Z")
    );
    assert_eq!(h.a.token_check("no-such").await.unwrap(), None);
    assert!(h.a.revoke_token("0123abcd").await.unwrap());
    assert!(!h.b.revoke_token("0123abcd").await.unwrap(), "revoked once");
    assert!(h.a.tokens().await.unwrap()[0].revoked_at.is_some());
    let log = log_of(&h.a).await;
    assert_eq!(
        actions(&log),
        ["user.added", "token.created", "token.revoked"]
    );
    assert_eq!(log[1].detail["user"], eva.as_str());
    assert!(!said(&log).contains(&"ab".repeat(32)));
}

async fn a_user_of_unknown_role_is_corrupt<S: StateStore>(h: &Harness<S>) {
    h.a.add_user(&staff("eva@firma.se", Role::Handler))
        .await
        .unwrap();
    h.raw.exec("UPDATE staff_user SET role = 'admin'").await;
    assert!(matches!(h.a.users().await, Err(StoreError::Corrupt(_))));
    assert!(matches!(
        h.a.login("eva@firma.se").await,
        Err(StoreError::Corrupt(_))
    ));
}

async fn a_change_made_acting_as_someone_names_them_and_only_within_that_scope<S: StateStore>(
    h: &Harness<S>,
) {
    let s = &h.a;
    skydd_store::acting_as("token:t1", async {
        s.restrict(
            "email:a@x.se",
            Kind::Objection,
            Some("newsletter"),
            &[],
            None,
            &[],
        )
        .await
        .unwrap();
    })
    .await;
    s.restrict(
        "email:b@x.se",
        Kind::Objection,
        Some("newsletter"),
        &[],
        None,
        &[],
    )
    .await
    .unwrap();
    let log = s.audit_entries(0, 10).await.unwrap();
    let actors: Vec<&str> = log.iter().map(|e| e.actor.as_str()).collect();
    assert_eq!(actors, ["token:t1", skydd_store::SYSTEM]);
}

fn notice(id: &str, recipient: &str, channel: NoticeChannel) -> NewNotice {
    NewNotice {
        id: id.into(),
        request_id: "req-1".into(),
        subject: "email:a@x.se".into(),
        recipient: recipient.into(),
        kind: "restriction".into(),
        channel,
        body: r#"{"identities":[{"kind":"email","value":"a@x.se"}]}"#.into(),
        detail: match channel {
            NoticeChannel::Manual => Some("by phone".into()),
            NoticeChannel::None => Some("the company is dissolved".into()),
            _ => None,
        },
    }
}

fn four_notices() -> Vec<NewNotice> {
    vec![
        notice("n-hook", "host", NoticeChannel::Webhook),
        notice("n-mail", "courier", NoticeChannel::Email),
        notice("n-phone", "agency", NoticeChannel::Manual),
        notice("n-gone", "gone", NoticeChannel::None),
    ]
}

async fn notices_are_written_with_their_change_and_only_with_a_new_one<S: StateStore>(
    h: &Harness<S>,
) {
    let s = &h.a;
    s.restrict(
        "email:a@x.se",
        Kind::Restriction,
        None,
        &[],
        None,
        &four_notices(),
    )
    .await
    .unwrap();
    let told = s.notices_of_request("req-1").await.unwrap();
    let states: Vec<(&str, NoticeState)> = told
        .iter()
        .map(|n| (n.recipient.as_str(), n.state))
        .collect();
    assert_eq!(
        states,
        [
            ("agency", NoticeState::Manual),
            ("courier", NoticeState::Pending),
            ("gone", NoticeState::Omitted),
            ("host", NoticeState::Pending),
        ]
    );
    let gone = told.iter().find(|n| n.recipient == "gone").unwrap();
    assert_eq!(
        gone.body, None,
        "never sent, so nothing of the person is kept"
    );
    assert_eq!(gone.detail.as_deref(), Some("the company is dissolved"));
    assert!(gone.done_at.is_some());
    // The same restriction again is not new: nobody is told twice.
    let again: Vec<NewNotice> = four_notices()
        .into_iter()
        .map(|n| NewNotice {
            id: format!("{}-2", n.id),
            ..n
        })
        .collect();
    s.restrict("email:a@x.se", Kind::Restriction, None, &[], None, &again)
        .await
        .unwrap();
    assert_eq!(s.notices_of_request("req-1").await.unwrap().len(), 4);
    // Lifting it tells them; lifting nothing tells nobody.
    let lifted = vec![NewNotice {
        request_id: "req-2".into(),
        kind: "restriction_lifted".into(),
        ..notice("n-lift", "host", NoticeChannel::Webhook)
    }];
    assert_eq!(
        s.lift("email:a@x.se", Kind::Restriction, None, &lifted)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        s.lift(
            "email:a@x.se",
            Kind::Restriction,
            None,
            &[NewNotice {
                id: "n-lift-2".into(),
                ..lifted[0].clone()
            }]
        )
        .await
        .unwrap(),
        0
    );
    assert_eq!(s.notices_of_request("req-2").await.unwrap().len(), 1);
    let log = s.audit_entries(0, 100).await.unwrap();
    let queued: Vec<&str> = log
        .iter()
        .filter(|e| e.action == "notice.queued")
        .map(|e| e.object.as_str())
        .collect();
    assert_eq!(
        queued,
        [
            "notice:n-hook",
            "notice:n-mail",
            "notice:n-phone",
            "notice:n-gone",
            "notice:n-lift"
        ]
    );
    assert!(!said(&log).contains("a@x.se"), "the log names no identity");
    auditlog::verify(&log, None).unwrap();
}

async fn an_erasures_notices_are_written_when_it_is_recorded_and_not_when_it_fails<
    S: StateStore,
>(
    h: &Harness<S>,
) {
    let s = &h.a;
    let failed = s
        .journal_erasure(&erasure_of("email:b@x.se", "p1", Duration::from_secs(60)))
        .await
        .unwrap();
    s.fail_erasure(&failed, "rows changed").await.unwrap();
    let id = s
        .journal_erasure(&erasure_of("email:a@x.se", "p1", Duration::from_secs(60)))
        .await
        .unwrap();
    let j = s.erasure(&id).await.unwrap().unwrap();
    let record = RequestRecord {
        kind: "erasure".into(),
        ..request(&j.request_id, "email:a@x.se", "2026-01-01")
    };
    let notices = vec![NewNotice {
        request_id: j.request_id.clone(),
        kind: "erasure".into(),
        ..notice("n-erase", "host", NoticeChannel::Webhook)
    }];
    s.complete_erasure(&id, &[], &[], &record, &notices)
        .await
        .unwrap();
    assert_eq!(s.outbox(None, 10).await.unwrap().len(), 1);
    // A conflicting second completion writes nothing more.
    assert!(
        s.complete_erasure(
            &id,
            &[],
            &[],
            &record,
            &[NewNotice {
                id: "n-other".into(),
                ..notices[0].clone()
            }]
        )
        .await
        .is_err()
    );
    let all = s.outbox(None, 10).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].request_id, j.request_id);
    assert_eq!(all[0].kind, "erasure");
}

async fn two_senders_never_hold_one_notice_and_a_dead_senders_notices_come_due_again<
    S: StateStore + Clone + 'static,
>(
    h: &Harness<S>,
) {
    let many: Vec<NewNotice> = (0..40)
        .map(|i| notice(&format!("n-{i:02}"), "host", NoticeChannel::Webhook))
        .collect();
    h.a.restrict("email:a@x.se", Kind::Restriction, None, &[], None, &many)
        .await
        .unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, s) in [h.a.clone(), h.b.clone(), h.a.clone(), h.b.clone()]
        .into_iter()
        .enumerate()
    {
        tasks.spawn(async move {
            let mut mine = Vec::new();
            loop {
                let got = s
                    .claim_notices(&format!("sender-{i}"), Duration::from_secs(60), 3)
                    .await
                    .unwrap();
                if got.is_empty() {
                    return mine;
                }
                mine.extend(got.into_iter().map(|n| n.id));
            }
        });
    }
    let mut claimed = Vec::new();
    while let Some(mine) = tasks.join_next().await {
        claimed.extend(mine.unwrap());
    }
    claimed.sort();
    let before = claimed.len();
    claimed.dedup();
    assert_eq!(before, 40, "each notice claimed once: {claimed:?}");
    assert_eq!(claimed.len(), 40);
    // A sender that dies holding notices: once its lease runs out, they are due again.
    h.raw.exec("UPDATE outbox SET holder = NULL, lease_until = NULL, state = 'delivered' WHERE id <> 'n-00'").await;
    h.raw.exec("UPDATE outbox SET holder = 'dead', lease_until = '2000-01-01T00:00:00.000Z' WHERE id = 'n-00'").await;
    let again =
        h.b.claim_notices("sender-new", Duration::from_secs(60), 10)
            .await
            .unwrap();
    assert_eq!(
        again.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(),
        ["n-00"]
    );
    // The dead sender's late word no longer counts; the recipient has it once it is delivered.
    assert!(
        !h.a.notice_failed("n-00", "dead", "timeout", Some(Duration::from_secs(1)))
            .await
            .unwrap()
    );
    assert!(
        h.a.notice_delivered("n-00", "webhook answered HTTP 200")
            .await
            .unwrap()
    );
    assert!(
        !h.b.notice_delivered("n-00", "webhook answered HTTP 200")
            .await
            .unwrap(),
        "once"
    );
}

async fn a_delivered_notice_keeps_nothing_of_the_person_and_a_failed_one_waits_its_turn<
    S: StateStore,
>(
    h: &Harness<S>,
) {
    let s = &h.a;
    s.restrict(
        "email:a@x.se",
        Kind::Restriction,
        None,
        &[],
        None,
        &four_notices(),
    )
    .await
    .unwrap();
    let claimed = s
        .claim_notices("me", Duration::from_secs(60), 10)
        .await
        .unwrap();
    let ids: Vec<&str> = claimed.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(
        ids.len(),
        2,
        "only webhook and e-mail notices are skydd's to send: {ids:?}"
    );
    assert!(
        claimed
            .iter()
            .all(|n| n.body.as_deref().is_some_and(|b| b.contains("a@x.se")))
    );
    assert!(
        s.notice_delivered("n-hook", "webhook answered HTTP 200")
            .await
            .unwrap()
    );
    let hook = s.notice("n-hook").await.unwrap().unwrap();
    assert_eq!(hook.state, NoticeState::Delivered);
    assert_eq!(
        hook.body, None,
        "delivered: the person's identities are not kept (Art. 5(1)(c))"
    );
    assert_eq!(hook.attempts, 1);
    assert_eq!(hook.detail.as_deref(), Some("webhook answered HTTP 200"));
    assert!(
        s.notice_failed(
            "n-mail",
            "me",
            "mail server down",
            Some(Duration::from_secs(3600))
        )
        .await
        .unwrap()
    );
    let mail = s.notice("n-mail").await.unwrap().unwrap();
    assert_eq!((mail.state, mail.attempts), (NoticeState::Pending, 1));
    assert_eq!(mail.last_error.as_deref(), Some("mail server down"));
    assert!(mail.next_attempt_at > mail.created_at);
    assert!(
        s.claim_notices("me", Duration::from_secs(60), 10)
            .await
            .unwrap()
            .is_empty(),
        "not due for an hour"
    );
    h.raw
        .exec("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00.000Z' WHERE id = 'n-mail'")
        .await;
    let due = s
        .claim_notices("other", Duration::from_secs(60), 10)
        .await
        .unwrap();
    assert_eq!(due.len(), 1);
    assert!(
        s.notice_failed("n-mail", "other", "550 no such user", None)
            .await
            .unwrap()
    );
    let mail = s.notice("n-mail").await.unwrap().unwrap();
    assert_eq!((mail.state, mail.attempts), (NoticeState::Dead, 2));
    assert!(
        mail.body.is_some(),
        "staff still need to know whom to tell of what"
    );
    assert_eq!(
        s.outbox(Some(NoticeState::Dead), 10).await.unwrap().len(),
        1
    );
}

async fn a_notice_given_up_on_is_resent_or_told_by_staff_and_each_step_is_logged<S: StateStore>(
    h: &Harness<S>,
) {
    let s = &h.a;
    s.restrict(
        "email:a@x.se",
        Kind::Restriction,
        None,
        &[],
        None,
        &four_notices(),
    )
    .await
    .unwrap();
    s.claim_notices("me", Duration::from_secs(60), 10)
        .await
        .unwrap();
    s.notice_failed("n-hook", "me", "refused: 410", None)
        .await
        .unwrap();
    assert!(
        matches!(
            s.resend_notice("n-mail").await,
            Err(StoreError::Conflict(_))
        ),
        "not given up on"
    );
    assert!(matches!(
        s.resend_notice("nope").await,
        Err(StoreError::Invalid(_))
    ));
    s.resend_notice("n-hook").await.unwrap();
    let hook = s.notice("n-hook").await.unwrap().unwrap();
    assert_eq!((hook.state, hook.attempts), (NoticeState::Pending, 0));
    s.notice_told("n-phone", "called their DPO on 2026-11-29")
        .await
        .unwrap();
    let phone = s.notice("n-phone").await.unwrap().unwrap();
    assert_eq!(phone.state, NoticeState::Delivered);
    assert_eq!(phone.body, None);
    assert!(
        matches!(
            s.notice_told("n-gone", "x").await,
            Err(StoreError::Conflict(_))
        ),
        "omitted stays omitted"
    );
    let log = s.audit_entries(0, 100).await.unwrap();
    let tail: Vec<&str> = actions(&log).into_iter().rev().take(3).collect();
    assert_eq!(tail, ["notice.told", "notice.resent", "notice.dead"]);
    assert!(
        !said(&log).contains("DPO"),
        "staff's words stay in the record"
    );
}

async fn a_notice_of_unknown_state_is_corrupt<S: StateStore>(h: &Harness<S>) {
    h.a.restrict(
        "email:a@x.se",
        Kind::Restriction,
        None,
        &[],
        None,
        &four_notices(),
    )
    .await
    .unwrap();
    h.raw
        .exec("UPDATE outbox SET state = 'sent-ish' WHERE id = 'n-hook'")
        .await;
    assert!(matches!(
        h.a.notice("n-hook").await,
        Err(StoreError::Corrupt(_))
    ));
    assert!(matches!(
        h.a.outbox(None, 10).await,
        Err(StoreError::Corrupt(_))
    ));
}
